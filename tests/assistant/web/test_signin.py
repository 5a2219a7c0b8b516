"""Sign-in: one rule for the page, Gradio's routes, /api and /files; sessions, Basic, tokens."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.settings import Settings
from assistant.users import UserStore
from assistant.web.app import exposure_warnings
from assistant.web.signin import SESSION_COOKIE, is_loopback
from tests.assistant.office import PASSWORDS, Office, basic, cheap_hasher

PROTECTED = [
    ("GET", "/api/documents"),
    ("POST", "/api/search"),
    ("POST", "/api/ask"),
    ("GET", "/files/public/digital-principles.md"),
    ("GET", "/api/audit"),
    ("GET", "/config"),
    ("GET", "/gradio_api/info"),
    ("POST", "/gradio_api/queue/join"),
    ("POST", "/gradio_api/upload"),
    ("GET", "/"),
]


def _sign_in(client: TestClient, name: str, password: str | None = None, next_path: str = "/") -> object:
    return client.post(
        "/login", data={"username": name, "password": password or PASSWORDS[name], "next": next_path}, follow_redirects=False
    )


@pytest.fixture(scope="module")
def ro_client(office_ro: Office) -> TestClient:
    """One app for the tests that sign in nobody for good (building the page costs a moment)."""
    return office_ro.client()


def _audit(office: Office) -> list[dict[str, object]]:
    return [json.loads(line) for line in office.settings.audit_log.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("method, path", PROTECTED)
def test_every_route_needs_credentials(ro_client: TestClient, method: str, path: str) -> None:
    client = ro_client
    body = {"json": {"query": "x", "question": "x"}} if method == "POST" else {}
    response = client.request(method, path, follow_redirects=False, **body)  # type: ignore[arg-type]
    assert response.status_code == 401, (path, response.status_code, response.text[:200])
    assert "sign in" in response.json()["detail"]
    if path.startswith(("/api/", "/files/")):
        assert response.headers["www-authenticate"].startswith("Basic")


def test_a_browser_is_sent_to_the_sign_in_page(ro_client: TestClient) -> None:
    client = ro_client
    response = client.get("/files/public/digital-principles.md", headers={"accept": "text/html"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login?next=/files/public/digital-principles.md"
    page = client.get("/login")
    assert page.status_code == 200 and 'name="password"' in page.text and "Sign in" in page.text


def test_web_sign_in_sets_a_safe_session_cookie_and_signs_out(office: Office) -> None:
    client = office.client()
    response = _sign_in(client, "alice", next_path="/?lang=en")
    assert response.status_code == 303 and response.headers["location"] == "/?lang=en"
    cookie = response.headers["set-cookie"]
    assert f"{SESSION_COOKIE}=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Max-Age=43200" in cookie and "Secure" not in cookie  # plain HTTP here; see the HTTPS test
    assert client.get("/api/documents").status_code == 200
    assert client.get("/").status_code == 200
    assert client.get("/logout", follow_redirects=False).headers["location"] == "/login"
    assert client.get("/api/documents").status_code == 401
    events = [line["event"] for line in _audit(office)]
    assert events[-2:] == ["sign_in", "sign_out"]


def test_cookie_is_secure_behind_https(ro_client: TestClient) -> None:
    client = TestClient(ro_client.app, base_url="https://policyrag.example")
    assert "Secure" in _sign_in(client, "alice").headers["set-cookie"]  # type: ignore[attr-defined]


def test_old_cookie_value_does_not_work_after_sign_out(office: Office) -> None:
    client = office.client()
    _sign_in(client, "alice")
    stolen = client.cookies[SESSION_COOKIE]
    client.get("/logout")
    other = office.client()
    other.cookies.set(SESSION_COOKIE, stolen)
    assert other.get("/api/documents").status_code == 401


def test_wrong_password_is_refused_and_recorded_without_the_password(office: Office) -> None:
    client = office.client()
    response = _sign_in(client, "alice", "not-her-password")
    assert response.status_code == 401 and "Wrong user name or password" in response.text  # type: ignore[attr-defined]
    assert SESSION_COOKIE not in client.cookies
    unknown = _sign_in(client, "mallory", "whatever-password")
    assert "Wrong user name or password" in unknown.text  # type: ignore[attr-defined]  # same answer: names are not revealed
    failed = [line for line in _audit(office) if line["event"] == "sign_in_failed"]
    assert [line["user"] for line in failed] == ["alice", "mallory"]
    assert "not-her-password" not in office.settings.audit_log.read_text(encoding="utf-8")


def test_repeated_failures_are_throttled(office: Office) -> None:
    client = office.client()
    for _ in range(10):
        assert _sign_in(client, "alice", "guess-guess").status_code == 401  # type: ignore[attr-defined]
    blocked = _sign_in(client, "alice")  # even the right password waits now
    assert blocked.status_code == 429 and "Too many failed sign-ins" in blocked.text  # type: ignore[attr-defined]


def test_redirect_after_sign_in_stays_on_this_server(ro_client: TestClient) -> None:
    client = TestClient(ro_client.app)  # its own cookies: the shared client stays signed out
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        assert _sign_in(client, "alice", next_path=target).headers["location"] == "/"  # type: ignore[attr-defined]


def test_basic_and_bearer_credentials_for_the_api(office: Office) -> None:
    client = office.client()
    assert client.get("/api/documents", headers=basic("alice")).status_code == 200
    wrong = client.get("/api/documents", auth=("alice", "wrong-password"))
    assert wrong.status_code == 401 and wrong.json()["detail"] == "wrong user name or password"
    token = office.users.new_token("bob")  # type: ignore[attr-defined]
    assert office.settings.users_file.read_text(encoding="utf-8").count(token) == 0  # stored hashed
    bob = client.get("/api/documents", headers={"Authorization": f"Bearer {token}"}).json()["documents"]
    assert {document["collection"] for document in bob} == {"restricted"}
    assert client.get("/api/documents", headers={"Authorization": "Bearer prt_forged"}).status_code == 401
    office.users.new_token("bob")  # type: ignore[attr-defined]  # a new token replaces the old one
    assert client.get("/api/documents", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_removing_a_user_or_changing_the_password_ends_access(office: Office) -> None:
    client = office.client()
    _sign_in(client, "alice")
    office.users.set_password("alice", "a-new-password")  # type: ignore[attr-defined]
    assert client.get("/api/documents").status_code == 401  # the old web session ended
    assert client.get("/api/documents", auth=("alice", "a-new-password")).status_code == 200
    office.users.remove("alice")  # type: ignore[attr-defined]
    assert client.get("/api/documents", auth=("alice", "a-new-password")).status_code == 401


def test_sign_in_is_off_without_users_and_turns_on_with_the_first(office: Office, tmp_path: Path) -> None:
    users = UserStore(tmp_path / "none.toml", hasher=cheap_hasher())
    from assistant.web.app import create_app

    client = TestClient(create_app(office.service, office.settings, users=users))
    documents = client.get("/api/documents").json()["documents"]
    assert len(documents) == 5  # the single local user reads everything
    assert client.get("/login", follow_redirects=False).status_code == 303
    users.add("first", "first-password", ["public"])
    assert client.get("/api/documents").status_code == 401


def test_non_loopback_host_without_users_is_warned_about(tmp_path: Path) -> None:
    users = UserStore(tmp_path / "users.toml", hasher=cheap_hasher())
    settings = Settings(serve_host="0.0.0.0", users_file=tmp_path / "users.toml")
    (warning,) = exposure_warnings(settings, users)
    assert "WARNING" in warning and "sign-in OFF" in warning and "policyrag users add" in warning
    assert exposure_warnings(settings.with_overrides(serve_host="127.0.0.1"), users) == []
    users.add("admin", "admin-password", [], admin=True)
    (note,) = exposure_warnings(settings, users)
    assert "TLS" in note and "WARNING" not in note
    assert is_loopback("::1") and is_loopback("localhost") and not is_loopback("192.168.1.10")


def test_local_user_may_not_change_documents_when_the_server_is_on_the_network(office: Office, tmp_path: Path) -> None:
    from assistant.web.app import create_app

    users = UserStore(tmp_path / "none.toml", hasher=cheap_hasher())
    client = TestClient(create_app(office.service, office.settings.with_overrides(serve_host="0.0.0.0"), users=users))
    response = client.post("/api/documents", data={"collection": "public"}, files={"files": ("a.md", b"# A\n\ntext")})
    assert response.status_code == 403
    local = TestClient(create_app(office.service, office.settings, users=users))
    assert local.get("/api/audit").status_code in (200, 404)  # the local user on 127.0.0.1 is the admin


def test_responses_carry_security_headers(ro_client: TestClient) -> None:
    response = ro_client.get("/api/documents", headers=basic("alice"))
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] in ("SAMEORIGIN", "DENY")


def test_another_sites_page_cannot_add_or_remove_documents_with_sign_in_off(office: Office, tmp_path: Path) -> None:
    """A page on another port of this machine posted a file to a local server with sign-in off, and
    it was indexed as the local user's upload; a DELETE moved a file out of the corpus folder."""
    from assistant.web.app import create_app

    users = UserStore(tmp_path / "none.toml", hasher=cheap_hasher())
    client = TestClient(create_app(office.service, office.settings, users=users))
    before = {document["source"] for document in client.get("/api/documents").json()["documents"]}
    forged = {"origin": "http://127.0.0.1:7890"}
    response = client.post(
        "/api/documents", data={"collection": "public"}, files={"files": ("planted.txt", b"planted text")}, headers=forged
    )
    assert response.status_code == 403 and "another site" in response.json()["detail"]
    source = sorted(before)[0]
    assert client.delete(f"/api/documents/{source}", headers={"sec-fetch-site": "cross-site"}).status_code == 403
    assert {document["source"] for document in client.get("/api/documents").json()["documents"]} == before
    # the server's own page (same origin) and scripts without an Origin still ask and search
    assert client.post("/api/search", json={"query": "digital"}, headers={"origin": "http://testserver"}).status_code == 200
    assert client.post("/api/search", json={"query": "digital"}).status_code == 200


def test_another_sites_page_cannot_sign_a_user_out(office: Office) -> None:
    client = office.client()
    assert _sign_in(client, "alice").status_code == 303
    assert client.get("/api/documents").status_code == 200
    assert client.get("/logout", headers={"sec-fetch-site": "same-site"}, follow_redirects=False).status_code == 403
    assert client.get("/api/documents").status_code == 200  # still signed in
    assert client.get("/logout", headers={"sec-fetch-site": "same-origin"}, follow_redirects=False).status_code == 303
    assert client.get("/api/documents").status_code == 401


def test_the_address_to_open_is_one_a_browser_takes() -> None:
    from assistant.web.app import server_url

    assert server_url("127.0.0.1", 7860) == "http://127.0.0.1:7860/"
    assert server_url("::1", 7914) == "http://[::1]:7914/"  # was http://::1:7914/
    assert server_url("0.0.0.0", 7860) == "http://localhost:7860/"
