"""Limits that keep one caller from stalling everyone: question length, body size, request rate."""

from __future__ import annotations

import socket
import threading
from urllib.parse import urlsplit

import httpx
import pytest

from assistant.web.app import running_app
from tests.assistant.office import Office, basic


def test_a_5_mb_question_is_refused_at_once_while_another_client_is_answered(office: Office) -> None:
    """The big body is refused from its Content-Length, before it is read or searched (it took 75 s
    before). Only the headers are sent: a server that waited for the body would never answer, so
    the 413 proves the refusal without timing anything (a timed bound flaked on a loaded machine)."""
    results: dict[str, object] = {}

    def normal_client() -> None:
        with httpx.Client(base_url=url, timeout=60) as client:
            for _ in range(3):
                response = client.post("/api/search", json={"query": "cloud first", "k": 3}, headers=basic("alice"))
                results.setdefault("normal", []).append(response.status_code)  # type: ignore[union-attr]

    with running_app(office.service, office.settings) as url:
        other = threading.Thread(target=normal_client)
        other.start()
        host, port = urlsplit(url).hostname, urlsplit(url).port
        with socket.create_connection((host, port), timeout=60) as connection:
            head = (
                "POST /api/search HTTP/1.1\r\n"
                f"Host: {host}:{port}\r\n"
                f"Authorization: {basic('alice')['Authorization']}\r\n"
                "Content-Type: application/json\r\n"
                "Content-Length: 5400000\r\n\r\n"
                '{"query": "'
            )
            connection.sendall(head.encode())
            reply = b""
            while b"\r\n\r\n" not in reply or len(reply) < reply.index(b"\r\n\r\n") + 4 + _content_length(reply):
                data = connection.recv(65536)
                if not data:
                    break
                reply += data
        other.join(timeout=60)
    status_line, _, rest = reply.partition(b"\r\n")
    body = rest.partition(b"\r\n\r\n")[2]
    assert status_line.split()[1] == b"413", reply[:300]
    assert b"max_request_bytes" in body and len(body) < 500  # nothing echoed back
    assert results["normal"] == [200, 200, 200]


def _content_length(reply: bytes) -> int:
    for line in reply.partition(b"\r\n\r\n")[0].split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value.strip())
    return 0


def test_a_body_without_content_length_is_cut_off_too(office: Office) -> None:
    def chunks():  # type: ignore[no-untyped-def]
        yield b'{"query": "'
        for _ in range(200):
            yield b"x" * 10_000
        yield b'"}'

    with running_app(office.service, office.settings) as url, httpx.Client(base_url=url, timeout=60) as client:
        response = client.post("/api/search", content=chunks(), headers={**basic("alice"), "content-type": "application/json"})
    assert response.status_code == 413 and "max_request_bytes" in response.json()["detail"]


def test_question_longer_than_max_query_chars_gets_413_naming_the_setting(office_ro: Office) -> None:
    client = office_ro.client()
    question = "ก" * 2001
    for path, field in (("/api/search", "query"), ("/api/ask", "question")):
        response = client.post(path, json={field: question}, headers=basic("alice"))
        assert response.status_code == 413
        assert response.json()["detail"].startswith("the question is 2,001 characters long; the limit is 2,000 (max_query_chars)")
    assert client.post("/api/search", json={"query": "ก" * 2000}, headers=basic("alice")).status_code == 200


def test_the_service_refuses_a_long_question_for_the_page(office_ro: Office) -> None:
    from assistant.limits import QueryTooLongError

    with pytest.raises(QueryTooLongError, match="max_query_chars"):
        office_ro.service.ask("x" * 2001)


def test_validation_errors_do_not_echo_the_input(office_ro: Office) -> None:
    response = office_ro.client().post("/api/search", json={"query": "x" * 1000, "k": 0}, headers=basic("alice"))
    assert response.status_code == 422 and "x" * 100 not in response.text
    assert response.json()["detail"][0]["loc"] == ["body", "k"]


def test_api_rate_limit_per_user(office: Office) -> None:
    client = office.client(api_rate_limit=3)
    codes = [client.get("/api/documents", headers=basic("alice")).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    limited = client.get("/api/documents", headers=basic("alice"))
    assert int(limited.headers["retry-after"]) >= 1 and "api_rate_limit" in limited.json()["detail"]
    assert client.get("/api/documents", headers=basic("bob")).status_code == 200  # per user
    assert client.get("/api/health").status_code == 200  # not counted


def test_upload_body_limit_is_its_own_setting(office: Office) -> None:
    client = office.client(max_upload_bytes=10_000)
    response = client.post(
        "/api/documents", data={"collection": "restricted"}, files={"files": ("big.md", b"x" * 20_000)}, headers=basic("bob")
    )
    assert response.status_code == 413 and "max_upload_bytes" in response.json()["detail"]
