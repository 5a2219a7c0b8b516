"""Refuse requests that another web site's page makes a browser send (cross-site request forgery).

Why: a server with sign-in off (the default on 127.0.0.1) takes every request as its single local
user, and a signed-in user's cookie rides along with a form post from another site of the same
"site" (another port of localhost, a sibling sub-domain: SameSite=Lax does not stop those). Any
page the user opens could then add documents (``POST /api/documents`` as a multipart form needs
no CORS pre-flight) or remove them. Browsers say where a request comes from: ``Sec-Fetch-Site``
(Fetch Metadata) and ``Origin`` on every POST, PUT, PATCH and DELETE and every WebSocket handshake.
A request that carries neither (curl, scripts, the Python client) is not a browser's: it is left
to the credentials check. This is OWASP's "verifying origin with standard headers" defence
(https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html).

Behind a reverse proxy the origin is compared with the ``Host`` the proxy passes on, or its
``X-Forwarded-Host`` (a browser's cross-site request cannot set that header).
"""

from __future__ import annotations

from urllib.parse import urlsplit

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}


def _host_port(netloc: str, scheme: str) -> tuple[str, int | None]:
    """("example.org", 443) from "example.org" under https; ("127.0.0.1", 7860) from "127.0.0.1:7860"."""
    parts = urlsplit(f"//{netloc.strip()}")
    try:
        port = parts.port
    except ValueError:
        return netloc.strip().lower(), None
    return (parts.hostname or "").lower(), port if port is not None else _DEFAULT_PORTS.get(scheme)


def cross_site_problem(method: str, headers: dict[str, str], websocket: bool = False) -> str:
    """Why a request must be refused as sent from another site's page, or '' when it may pass.

    Args:
        method: the HTTP method (only unsafe methods and WebSocket handshakes are checked: a GET
            changes nothing and its answer is not readable by another site).
        headers: the request's headers, names in lower case.
        websocket: a WebSocket handshake (its ``Origin`` is checked whatever the method).
    """
    if not websocket and method.upper() not in UNSAFE_METHODS:
        return ""
    fetch_site = headers.get("sec-fetch-site", "").strip().lower()
    if fetch_site in ("cross-site", "same-site"):
        return f"a page of another site sent this request (Sec-Fetch-Site: {fetch_site}): refused"
    origin = headers.get("origin", "").strip()
    if not origin:
        return ""  # not a browser's request, or an old browser's same-origin one
    if origin.lower() == "null":
        return "a page without an origin (a sandboxed frame or a local file) sent this request: refused"
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return f"the request's Origin ({origin[:100]}) is not a web page of this server: refused"
    sender = _host_port(parts.netloc, parts.scheme)
    hosts = [headers.get("host", ""), *headers.get("x-forwarded-host", "").split(",")]
    if any(host.strip() and _host_port(host, parts.scheme) == sender for host in hosts):
        return ""
    return (
        f"a page of another site ({origin[:100]}) sent this request: refused. Open policyrag at its own "
        "address; behind a proxy, pass the browser's Host (or X-Forwarded-Host) on"
    )
