"""Requests another site's page makes a browser send are refused; same-origin pages and scripts pass."""

from __future__ import annotations

import pytest

from assistant.origins import parse_origins
from assistant.settings import Settings
from assistant.web.cross_site import cross_site_problem

HOST = {"host": "127.0.0.1:7860"}


@pytest.mark.parametrize(
    "headers",
    [
        {**HOST, "origin": "http://127.0.0.1:7890"},  # another local server's page (another port)
        {**HOST, "origin": "https://evil.example"},
        {**HOST, "origin": "null"},  # a sandboxed frame or a file:// page, in a browser without Fetch Metadata
        {**HOST, "sec-fetch-site": "cross-site"},
        {**HOST, "sec-fetch-site": "same-site", "origin": "http://127.0.0.1:7860"},  # Fetch Metadata wins
        {"host": "policyrag.example.go.th", "origin": "http://policyrag.example.go.th:8080"},
        # X-Forwarded-Host is not trusted: Gradio's CORS lets a page on another localhost port send it
        {**HOST, "origin": "http://localhost:9999", "x-forwarded-host": "localhost:9999"},
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
        {"host": "localhost.:7860", "origin": "http://localhost:7860"},
        # the sign-in form behind a proxy that sends Referrer-Policy: no-referrer: Chromium posts Origin: null
        {**HOST, "origin": "null", "sec-fetch-site": "same-origin"},
    ],
)
def test_the_servers_own_pages_and_scripts_pass(headers: dict[str, str]) -> None:
    assert cross_site_problem("POST", headers) == ""
    assert cross_site_problem("DELETE", headers) == ""


def test_a_trusted_origin_passes_where_a_proxy_rewrites_host() -> None:
    trusted = parse_origins("https://policyrag.example.go.th, http://intranet.local:8080")
    proxied = {"host": "127.0.0.1:7860", "origin": "https://policyrag.example.go.th"}
    assert "trusted_origins" in cross_site_problem("POST", proxied)
    assert cross_site_problem("POST", proxied, trusted=trusted) == ""
    assert cross_site_problem("POST", {**proxied, "origin": "http://intranet.local:8080"}, trusted=trusted) == ""
    assert "refused" in cross_site_problem("POST", {**proxied, "origin": "https://evil.example"}, trusted=trusted)


def test_a_trusted_origin_that_is_no_origin_is_a_settings_error() -> None:
    with pytest.raises(ValueError, match="trusted_origins: 'policyrag.example.go.th' is not an origin"):
        Settings(trusted_origins="policyrag.example.go.th")


def test_reading_is_never_refused() -> None:
    assert cross_site_problem("GET", {**HOST, "origin": "https://evil.example", "sec-fetch-site": "cross-site"}) == ""
