"""Sign-in and the one rule every request passes: the page, the Gradio routes, ``/api`` and ``/files``.

:class:`Gate` is an ASGI middleware in front of the whole app (so no route, Gradio's own
included, can be reached around it). For each request it

1. finds the caller: a web session cookie, ``Authorization: Bearer <token>`` (``policyrag users
   token``) or HTTP Basic; when sign-in is off (no users in the users file), the single local
   user;
2. refuses requests without a valid one with 401 (a browser asking for a page is sent to
   ``/login`` instead); only ``/login``, ``/logout`` and ``/api/health`` are open;
3. refuses bodies larger than ``max_request_bytes`` (uploads: ``max_upload_bytes``) with 413
   before reading them (by ``Content-Length``, or while reading a body sent without one);
4. refuses more than ``api_rate_limit`` requests a minute per user to ``/api/*`` with 429;

and before all of them refuses, with 403, a request that changes something (POST, PUT, PATCH,
DELETE, a WebSocket) sent by another site's page (``assistant.web.cross_site``).

Web sessions live in the server's memory (a restart signs everyone out): a random 256-bit id in
an HttpOnly, SameSite=Lax cookie (Secure when the request came over HTTPS, as a TLS proxy in
front reports it), ending after ``session_hours``, at sign-out, or when the user's password
changes or the user is removed. Failed sign-ins are throttled per name and per client address.
"""

from __future__ import annotations

import base64
import hashlib
import html
import ipaddress
import json
import logging
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from anyio import to_thread
from fastapi import APIRouter, Form, Request
from starlette.exceptions import HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from assistant.access import LOCAL_NAME, NOBODY, Caller, local_caller
from assistant.audit import AuditLog
from assistant.limits import FailureThrottle, RateLimiter
from assistant.origins import parse_origins
from assistant.settings import Settings
from assistant.users import User, UserStore
from assistant.web.cross_site import cross_site_problem

logger = logging.getLogger(__name__)

SESSION_COOKIE = "policyrag_session"
CALLER_KEY = "policyrag.caller"
OPEN_PATHS = frozenset({"/login", "/logout", "/api/health", "/favicon.ico"})
UPLOAD_PATHS = ("/api/documents", "/gradio_api/upload")
BASIC_CACHE_S = 600.0


def is_loopback(host: str) -> bool:
    """Whether ``host`` (what the server listens on) is reachable from this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass
class _Session:
    name: str
    stamp: str
    expires: float


class Sessions:
    """Web sign-ins by the SHA-256 of their cookie value (the raw id is never stored)."""

    def __init__(self, lifetime_s: float) -> None:
        self.lifetime_s = lifetime_s
        self._sessions: dict[str, _Session] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _key(session_id: str) -> str:
        return hashlib.sha256(session_id.encode("utf-8", "replace")).hexdigest()

    def start(self, user: User) -> str:
        session_id = secrets.token_urlsafe(32)
        now = time.time()
        with self._lock:
            self._sessions = {key: session for key, session in self._sessions.items() if session.expires > now}
            self._sessions[self._key(session_id)] = _Session(user.name, user.stamp, now + self.lifetime_s)
        return session_id

    def user_name(self, session_id: str, users: UserStore) -> str | None:
        """The signed-in user's name, or None when the session is unknown, expired, or the user was
        removed or changed their password since."""
        with self._lock:
            session = self._sessions.get(self._key(session_id))
        if session is None or session.expires <= time.time():
            return None
        user = users.get(session.name)
        if user is None or not secrets.compare_digest(user.stamp, session.stamp):
            return None
        return user.name

    def end(self, session_id: str) -> str | None:
        with self._lock:
            session = self._sessions.pop(self._key(session_id), None)
        return session.name if session else None


class Gate:
    """Who a request is from, and whether it may go on (see the module docstring).

    Args:
        users: the users file.
        settings: ``serve_host`` (the local user may add and remove documents only on a loopback
            address), ``session_hours``, the size and rate limits.
        audit: sign-ins, failed sign-ins and sign-outs are recorded here.
    """

    def __init__(self, users: UserStore, settings: Settings, audit: AuditLog) -> None:
        self.users = users
        self.settings = settings
        self.trusted_origins = parse_origins(settings.trusted_origins)
        self.audit = audit
        self.sessions = Sessions(settings.session_hours * 3600)
        self.rate = RateLimiter(settings.api_rate_limit)
        self.failures = FailureThrottle()
        self._local = local_caller(may_write=is_loopback(settings.serve_host))
        self._basic_ok: dict[str, tuple[str, str, float]] = {}  # digest of name+password -> (name, stamp, until)
        self._lock = threading.Lock()

    # -- who is asking --------------------------------------------------------------------------------

    def signin_enabled(self) -> bool:
        """Sign-in is on when the users file holds a user; a users file that cannot be read keeps
        it on (nobody gets in until it is fixed) rather than opening everything."""
        try:
            return self.users.enabled
        except (OSError, ValueError) as error:
            logger.error("cannot read the users file (%s): every request is refused until it is fixed", error)
            return True

    def caller_named(self, name: str | None, client: str = "", via: str = "") -> Caller:
        """The caller for a user name given by the web app's session (Gradio's ``request.username``)."""
        if not self.signin_enabled():
            return self._local.with_request(client, via)
        try:
            user = self.users.get(name) if name and name != LOCAL_NAME else None
        except (OSError, ValueError):
            user = None
        return user.caller(client, via) if user else NOBODY

    def gradio_user(self, request: Request) -> str | None:
        """Gradio's ``auth_dependency``: the name the gate found for this request."""
        caller = request.scope.get(CALLER_KEY)
        return caller.name if isinstance(caller, Caller) and caller is not NOBODY else None

    async def identify(self, scope: dict[str, Any]) -> tuple[Caller | None, str]:
        """(caller, "") for a valid credential or when sign-in is off; (None, why) otherwise."""
        client = _client(scope)
        if not self.signin_enabled():
            return self._local.with_request(client, _via(scope)), ""
        headers = _headers(scope)
        authorization = headers.get("authorization", "")
        scheme, _, credential = authorization.partition(" ")
        if scheme.lower() == "bearer" and credential:
            user = self.users.authenticate_token(credential.strip())
            if user is None:
                self.failures.failed("client:" + client)
                return None, "the API token is not valid: make a new one with `policyrag users token NAME`"
            return user.caller(client, _via(scope)), ""
        if scheme.lower() == "basic" and credential:
            return await self._basic(credential.strip(), client, scope)
        session_id = _cookies(headers).get(SESSION_COOKIE)
        if session_id:
            name = self.sessions.user_name(session_id, self.users)
            user = self.users.get(name) if name else None
            if user is not None:
                return user.caller(client, _via(scope)), ""
            return None, "your sign-in has ended: sign in again"
        return None, "sign in first (web page: /login; API: HTTP Basic or Authorization: Bearer <token>)"

    async def _basic(self, credential: str, client: str, scope: dict[str, Any]) -> tuple[Caller | None, str]:
        try:
            name, _, password = base64.b64decode(credential, validate=True).decode("utf-8").partition(":")
        except (ValueError, UnicodeDecodeError):
            return None, "malformed HTTP Basic credentials"
        wait = self.failures.wait_seconds("name:" + name, "client:" + client)
        if wait:
            return None, f"too many failed sign-ins: try again in {wait} s"
        key = hashlib.sha256(f"{name}\0{password}".encode()).hexdigest()
        with self._lock:
            cached = self._basic_ok.get(key)
        user = self.users.get(name)
        if cached and user and cached[2] > time.time() and secrets.compare_digest(cached[1], user.stamp):
            return user.caller(client, _via(scope)), ""
        # Argon2 takes a tenth of a second or more: off the event loop, so other requests go on.
        user = await to_thread.run_sync(self.users.authenticate, name, password)
        if user is None:
            self.failures.failed("name:" + name, "client:" + client)
            self.audit.record("sign_in_failed", name[:64], client, "api", method="basic")
            return None, "wrong user name or password"
        with self._lock:
            self._basic_ok[key] = (user.name, user.stamp, time.time() + BASIC_CACHE_S)
        self.failures.succeeded("name:" + name)
        return user.caller(client, _via(scope)), ""

    # -- the middleware -------------------------------------------------------------------------------

    async def guard(self, app: Any, scope: dict[str, Any], receive: Any, send: Any) -> None:
        path = scope.get("path", "")
        method = "POST" if path == "/logout" else scope.get("method", "GET")  # another site's page must not sign users out
        forged = cross_site_problem(method, _headers(scope), websocket=scope["type"] == "websocket", trusted=self.trusted_origins)
        if forged:
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 4403})
            else:
                await _json(send, 403, {"detail": forged})
            return
        caller, problem = await self.identify(scope)
        scope[CALLER_KEY] = caller if caller is not None else NOBODY
        if caller is None and path not in OPEN_PATHS:
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 4401})
                return
            await self._unauthorized(scope, send, problem)
            return
        if scope["type"] == "http":
            limit = self.settings.max_upload_bytes if path.startswith(UPLOAD_PATHS) else self.settings.max_request_bytes
            length = _headers(scope).get("content-length", "")
            if length.isdigit() and int(length) > limit:
                await _json(send, 413, _too_large(int(length), limit, path))
                return
            if path == "/gradio_api/upload" and caller is not None and not caller.may_write:
                # The question page has no file inputs: only people who add documents upload.
                await _json(send, 403, {"detail": "you may not upload files"})
                return
            if path.startswith("/api/") and path != "/api/health" and caller is not None:
                wait = self.rate.wait_seconds(caller.name if caller.name != LOCAL_NAME else "client:" + caller.client)
                if wait:
                    detail = (
                        f"too many requests: at most {self.settings.api_rate_limit} a minute (api_rate_limit); "
                        f"try again in {wait:.0f} s"
                    )
                    await _json(send, 429, {"detail": detail}, [(b"retry-after", str(max(1, round(wait))).encode())])
                    return
            receive = _limited(receive, limit, path)
            try:
                await app(scope, receive, _tracking(send, scope))
            except _BodyTooLarge as error:
                if not scope.get("policyrag.response_started"):
                    await _json(send, 413, _too_large(error.size, limit, path))
            return
        await app(scope, receive, send)

    async def _unauthorized(self, scope: dict[str, Any], send: Any, problem: str) -> None:
        headers = _headers(scope)
        path = scope.get("path", "")
        wants_page = scope.get("method") == "GET" and "text/html" in headers.get("accept", "") and not path.startswith("/api/")
        if wants_page:
            target = path + ("?" + scope["query_string"].decode("latin-1") if scope.get("query_string") else "")
            location = f"/login?next={quote(target)}".encode()
            await send(
                {"type": "http.response.start", "status": 303, "headers": [(b"location", location), (b"cache-control", b"no-store")]}
            )
            await send({"type": "http.response.body", "body": b""})
            return
        status = 429 if problem.startswith("too many") else 401
        # Basic only where a person or script would answer it (a page's own fetches must not pop up a dialog)
        basic = status == 401 and path.startswith(("/api/", "/files/"))
        extra = [(b"www-authenticate", b'Basic realm="policyrag", charset="UTF-8"')] if basic else []
        await _json(send, status, {"detail": problem}, extra)

    # -- the sign-in page -------------------------------------------------------------------------------

    def router(self) -> APIRouter:
        router = APIRouter()
        gate = self

        @router.get("/login", response_class=HTMLResponse, include_in_schema=False)
        def login_page(next: str = "/") -> Response:  # noqa: A002 - the query parameter's name
            if not gate.signin_enabled():
                return RedirectResponse(_safe_next(next), status_code=303)
            return _login_html(_safe_next(next))

        @router.post("/login", include_in_schema=False)
        def login(
            request: Request, username: str = Form(""), password: str = Form(""), next: str = Form("/")  # noqa: A002
        ) -> Response:
            target = _safe_next(next)
            if not gate.signin_enabled():
                return RedirectResponse(target, status_code=303)
            client = request.client.host if request.client else ""
            name = username.strip()
            wait = gate.failures.wait_seconds("name:" + name, "client:" + client)
            if wait:
                message = f"มีการลงชื่อเข้าใช้ผิดหลายครั้ง ลองใหม่ใน {wait} วินาที / Too many failed sign-ins: try again in {wait} s"
                return _login_html(target, message, 429)
            user = gate.users.authenticate(name, password)
            if user is None:
                gate.failures.failed("name:" + name, "client:" + client)
                gate.audit.record("sign_in_failed", name[:64], client, "web")
                return _login_html(target, "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง / Wrong user name or password", 401)
            gate.failures.succeeded("name:" + name)
            gate.audit.record("sign_in", user.name, client, "web")
            response = RedirectResponse(target, status_code=303)
            response.set_cookie(
                SESSION_COOKIE,
                gate.sessions.start(user),
                max_age=int(gate.settings.session_hours * 3600),
                httponly=True,
                samesite="lax",
                secure=request.url.scheme == "https",
                path="/",
            )
            response.headers["cache-control"] = "no-store"
            return response

        @router.get("/logout", include_in_schema=False)
        @router.post("/logout", include_in_schema=False)
        def logout(request: Request) -> Response:
            session_id = request.cookies.get(SESSION_COOKIE)
            name = gate.sessions.end(session_id) if session_id else None
            if name:
                gate.audit.record("sign_out", name, request.client.host if request.client else "", "web")
            response = RedirectResponse("/login" if gate.signin_enabled() else "/", status_code=303)
            response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=request.url.scheme == "https")
            return response

        return router


class GateMiddleware:
    """The ASGI middleware that makes every request pass ``gate`` (``app.add_middleware(GateMiddleware, gate=...)``)."""

    def __init__(self, app: Any, gate: Gate) -> None:
        self.app = app
        self.gate = gate

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        await self.gate.guard(self.app, scope, receive, send)


class _BodyTooLarge(HTTPException):
    """Raised while reading a body that passed its limit: the app answers it with 413 itself."""

    def __init__(self, size: int, limit: int, path: str) -> None:
        super().__init__(413, _too_large(size, limit, path)["detail"])
        self.size = size


def _limited(receive: Any, limit: int, path: str) -> Any:
    """``receive`` that stops a body sent without Content-Length once it passes ``limit`` bytes."""
    seen = 0

    async def wrapped() -> dict[str, Any]:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise _BodyTooLarge(seen, limit, path)
        return message

    return wrapped


SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"SAMEORIGIN"),
    (b"referrer-policy", b"same-origin"),
)


def _tracking(send: Any, scope: dict[str, Any]) -> Any:
    """``send`` that notes when the response has started and adds the security headers a
    response lacks (no content sniffing, no framing by other sites, no URLs in Referer elsewhere)."""

    async def wrapped(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            scope["policyrag.response_started"] = True
            present = {key.lower() for key, _ in message.get("headers", [])}
            extra = [(key, value) for key, value in SECURITY_HEADERS if key not in present]
            if extra:
                message = {**message, "headers": [*message.get("headers", []), *extra]}
        await send(message)

    return wrapped


def _too_large(size: int, limit: int, path: str) -> dict[str, str]:
    setting = "max_upload_bytes" if path.startswith(UPLOAD_PATHS) else "max_request_bytes"
    return {"detail": f"request body too large ({size:,} bytes; the limit is {limit:,} = {setting})"}


async def _json(send: Any, status: int, body: dict[str, object], headers: list[tuple[bytes, bytes]] | None = None) -> None:
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(data)).encode()),
                (b"connection", b"close"),  # the body may not have been read: do not reuse the connection
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": data})


def _headers(scope: dict[str, Any]) -> dict[str, str]:
    return {key.decode("latin-1").lower(): value.decode("latin-1") for key, value in scope.get("headers", [])}


def _cookies(headers: dict[str, str]) -> dict[str, str]:
    from http.cookies import CookieError, SimpleCookie

    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(headers.get("cookie", ""))
    except CookieError:
        return {}
    return {key: morsel.value for key, morsel in jar.items()}


def _client(scope: dict[str, Any]) -> str:
    client = scope.get("client")
    return str(client[0]) if client else ""


def _via(scope: dict[str, Any]) -> str:
    return "api" if scope.get("path", "").startswith(("/api/", "/files/")) else "web"


def _safe_next(target: str) -> str:
    """Only a path on this server (no ``//host`` or ``/\\host``: no open redirect)."""
    if not target.startswith("/") or target.startswith(("//", "/\\")) or "\r" in target or "\n" in target:
        return "/"
    return target


def _login_html(target: str, error: str = "", status: int = 200) -> HTMLResponse:
    message = f'<p class="error" id="pr-login-error">{html.escape(error)}</p>' if error else ""
    page = f"""<!doctype html>
<html lang="th"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>ลงชื่อเข้าใช้ / Sign in · policyrag</title>
<style>
body {{ font-family: "Sarabun", "Noto Sans Thai", "Loma", system-ui, sans-serif; background: #f4f6f8; margin: 0; }}
main {{ max-width: 380px; margin: 10vh auto; background: #fff; padding: 32px; border-radius: 10px; box-shadow: 0 2px 12px rgba(0,0,0,.08); }}
h1 {{ font-size: 1.3rem; margin: 0 0 4px; }} p.sub {{ color: #555; margin: 0 0 20px; font-size: .95rem; }}
label {{ display: block; margin: 14px 0 4px; font-weight: 600; }}
input {{ width: 100%; box-sizing: border-box; padding: 10px; border: 1px solid #bbb; border-radius: 6px; font-size: 1rem; }}
button {{ margin-top: 22px; width: 100%; padding: 11px; border: 0; border-radius: 6px; background: #1f5fbf; color: #fff; font-size: 1rem; cursor: pointer; }}
.error {{ color: #a40000; background: #fdecec; padding: 8px 10px; border-radius: 6px; }}
</style></head>
<body><main>
<h1>ผู้ช่วยค้นนโยบายรัฐบาลดิจิทัล</h1><p class="sub">ลงชื่อเข้าใช้ / Sign in</p>
{message}
<form method="post" action="/login" id="pr-login">
<input type="hidden" name="next" value="{html.escape(target, quote=True)}">
<label for="username">ชื่อผู้ใช้ / User name</label><input id="username" name="username" autocomplete="username" required autofocus>
<label for="password">รหัสผ่าน / Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit" id="pr-login-submit">เข้าสู่ระบบ / Sign in</button>
</form></main></body></html>"""
    return HTMLResponse(page, status_code=status, headers={"cache-control": "no-store", "x-frame-options": "DENY"})
