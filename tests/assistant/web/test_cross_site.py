"""Requests another site's page makes a browser send are refused; same-origin pages and scripts pass."""

from __future__ import annotations

import pytest

from assistant.web.cross_site import cross_site_problem

HOST = {"host": "127.0.0.1:7860"}


@pytest.mark.parametrize(
    "headers",
    [
        {**HOST, "origin": "http://127.0.0.1:7890"},  # another local server's page (another port)
        {**HOST, "origin": "https://evil.example"},
        {**HOST, "origin": "null"},  # a sandboxed frame or a file:// page
        {**HOST, "sec-fetch-site": "cross-site"},
        {**HOST, "sec-fetch-site": "same-site", "origin": "http://127.0.0.1:7860"},  # Fetch Metadata wins
        {"host": "policyrag.example.go.th", "origin": "http://policyrag.example.go.th:8080"},
    ],
)
def test_a_state_changing_request_from_another_site_is_refused(headers: dict[str, str]) -> None:
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        assert "refused" in cross_site_problem(method, headers)
    assert "refused" in cross_site_problem("GET", headers, websocket=True)


@pytest.mark.parametrize(
    "headers",
    [
        {**HOST, "origin": "http://127.0.0.1:7860", "sec-fetch-site": "same-origin"},
        {**HOST},  # curl, scripts, the Python client: no Origin
        {**HOST, "sec-fetch-site": "none"},  # typed in the address bar
        {"host": "policyrag.example.go.th", "origin": "https://policyrag.example.go.th"},  # default port
        {"host": "POLICYRAG.example.go.th:443", "origin": "https://policyrag.example.go.th"},
        {"host": "127.0.0.1:7860", "x-forwarded-host": "policyrag.example.go.th", "origin": "https://policyrag.example.go.th"},
    ],
)
def test_the_servers_own_pages_and_scripts_pass(headers: dict[str, str]) -> None:
    assert cross_site_problem("POST", headers) == ""
    assert cross_site_problem("DELETE", headers) == ""


def test_reading_is_never_refused() -> None:
    assert cross_site_problem("GET", {**HOST, "origin": "https://evil.example", "sec-fetch-site": "cross-site"}) == ""
