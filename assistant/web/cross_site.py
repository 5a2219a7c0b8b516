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

Behind a reverse proxy the origin is compared with the ``Host`` the proxy passes on (Caddy does;
nginx with ``proxy_set_header Host $http_host``), or with the ``trusted_origins`` setting.
``X-Forwarded-Host`` is not trusted: Gradio's CORS lets a page on another localhost port send it.
"""

from __future__ import annotations

from assistant.origins import Origin, host_port, origin_key

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def cross_site_problem(
    method: str, headers: dict[str, str], websocket: bool = False, trusted: frozenset[Origin] = frozenset()
) -> str:
    """Why a request must be refused as sent from another site's page, or '' when it may pass.

    Args:
        method: the HTTP method (only unsafe methods and WebSocket handshakes are checked: a GET
            changes nothing and its answer is not readable by another site).
        headers: the request's headers, names in lower case.
        websocket: a WebSocket handshake (its ``Origin`` is checked whatever the method).
        trusted: origins allowed besides the request's own host (``assistant.origins.parse_origins``).
    """
    if not websocket and method.upper() not in UNSAFE_METHODS:
        return ""
    fetch_site = headers.get("sec-fetch-site", "").strip().lower()
    if fetch_site in ("same-origin", "none"):
        return ""  # the browser says so itself (a sign-in form behind a no-referrer proxy sends Origin: null)
    origin = headers.get("origin", "").strip()
    key = origin_key(origin) if origin and origin.lower() != "null" else None
    if key is not None and key in trusted:
        return ""
    if fetch_site in ("cross-site", "same-site"):
        return f"a page of another site sent this request (Sec-Fetch-Site: {fetch_site}): refused"
    if not origin:
        return ""  # not a browser's request, or an old browser's same-origin one
    if key is None:
        return (
            f"a page without a web origin (Origin: {origin[:60]}: a sandboxed frame, a local file, or a proxy's "
            "Referrer-Policy: no-referrer in an older browser) sent this request: refused"
        )
    if host_port(headers.get("host", ""), key[0]) == key[1:]:
        return ""
    return (
        f"a page of another site ({origin[:100]}) sent this request: refused. Open policyrag at its own address; "
        "behind a proxy, pass the browser's Host on, or add the address to the trusted_origins setting"
    )
