"""Wiring of ``policyrag serve``: one FastAPI app with the JSON API, the corpus files, the sign-in
page and the Gradio UI mounted at ``/``, all behind one sign-in gate, served by uvicorn.

The index and models load once in :func:`serve` (or by the caller of :func:`create_app`); every
request, UI or API, shares them through one :class:`AssistantService`, and every request passes
the :class:`~assistant.web.signin.Gate` (sign-in, body size and rate limits) before any route.
"""

from __future__ import annotations

import os
import socket
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # no telemetry calls from offline machines

from fastapi import FastAPI, Request  # noqa: E402
from fastapi.exceptions import RequestValidationError  # noqa: E402
from fastapi.responses import JSONResponse  # noqa: E402

from assistant.access import Caller  # noqa: E402
from assistant.library import DocumentLibrary  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from assistant.users import UserStore  # noqa: E402
from assistant.web.http_api import build_router  # noqa: E402
from assistant.web.render import CSS  # noqa: E402
from assistant.web.service import AssistantService  # noqa: E402
from assistant.web.signin import Gate, GateMiddleware, is_loopback  # noqa: E402


def create_app(
    service: AssistantService,
    settings: Settings,
    users: UserStore | None = None,
    library: DocumentLibrary | None = None,
) -> FastAPI:
    """The sign-in page, the JSON API and the file routes first (they win over the UI's catch-all
    mount), then the UI; the gate in front of all of them.

    Args:
        users: the users file (default: ``settings.users_file``); sign-in is on when it holds a user.
        library: uploads and removals (default: one over ``service.rag``, recording to ``service.audit``).
    """
    import gradio as gr

    from assistant.web.office_ui import OFFICE_CSS, office_panel
    from assistant.web.ui import build_ui

    gate = Gate(users or UserStore(settings.users_file), settings, service.audit)
    library = library or DocumentLibrary(service.rag, settings, service.audit)
    app = FastAPI(title="policyrag", description="Bilingual Thai/English search and cited answers over policy documents")
    app.add_middleware(GateMiddleware, gate=gate)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.include_router(gate.router())
    app.include_router(build_router(service, library))

    def caller_for(request: gr.Request) -> Caller:
        return gate.caller_named(request.username, request.client.host if request.client else "", "web")

    blocks = build_ui(service, caller_for=caller_for, extensions=[office_panel(service, library, gate)])
    blocks.queue(default_concurrency_limit=settings.serve_concurrency, max_size=max(64, 8 * settings.serve_concurrency))
    app.state.gate, app.state.library = gate, library
    return gr.mount_gradio_app(
        app,
        blocks,
        path="/",
        css=CSS + OFFICE_CSS,
        footer_links=["api"],
        run_history=False,  # answers stay on the server's side; nothing is stored in browsers
        server_name=settings.serve_host,
        server_port=settings.serve_port,
        auth_dependency=gate.gradio_user,  # Gradio's routes know the signed-in user (gr.Request.username)
        max_file_size=settings.max_upload_bytes,
    )


async def _validation_error(request: Request, error: Exception) -> JSONResponse:
    """422 naming the field and the problem, without echoing the input back (a 5 MB body stays on the server)."""
    assert isinstance(error, RequestValidationError)
    details = [{key: value for key, value in item.items() if key in ("loc", "msg", "type")} for item in error.errors()]
    return JSONResponse({"detail": details}, status_code=422)


def server_url(host: str, port: int) -> str:
    """The address to open: "http://127.0.0.1:7860/", "http://[::1]:7860/" (an IPv6 address in
    brackets), "http://localhost:7860/" for a server on every address (0.0.0.0 or ::)."""
    if host in ("0.0.0.0", "::", ""):
        host = "localhost"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}/"


def exposure_warnings(settings: Settings, users: UserStore) -> list[str]:
    """What ``policyrag serve`` prints about who can reach it: sign-in off on a network address,
    or passwords crossing the network without TLS."""
    if is_loopback(settings.serve_host):
        return []
    address = f"{settings.serve_host}:{settings.serve_port}"
    if not users.enabled:
        return [
            f"policyrag: WARNING: listening on {address} with sign-in OFF: anyone who can reach this port can search, "
            "read and download every document. Add a user to turn sign-in on: "
            f"policyrag users add NAME --admin (users file: {settings.users_file}); adding and removing documents "
            "from the page stays off until then. See README, 'Office deployment'."
        ]
    return [
        f"policyrag: note: listening on {address}: policyrag itself speaks plain HTTP, so passwords and answers cross "
        "the network unencrypted unless a reverse proxy with TLS (HTTPS) is in front and this port is reachable from "
        "the proxy only. See README, 'Office deployment'."
    ]


def serve(settings: Settings) -> None:
    """Load the index once and serve the app until interrupted."""
    import uvicorn

    from assistant.api import PolicyRAG
    from assistant.audit import AuditLog

    _check_port_free(settings.serve_host, settings.serve_port)
    users = UserStore(settings.users_file)
    for warning in exposure_warnings(settings, users):
        print(warning, file=sys.stderr, flush=True)
    rag = PolicyRAG.open(settings=settings)
    service = AssistantService(rag, audit=AuditLog(settings.audit_log))
    print("policyrag: loading the models ...", flush=True)
    seconds = service.warm_up()  # before listening: the first question is as fast as the next
    print(f"policyrag: models loaded and warmed up in {seconds:.1f} s: ready", flush=True)
    app = create_app(service, settings, users=users)
    print(
        f"policyrag: {len(service.catalogue)} documents, {len(rag.index)} passages from {settings.index_dir}\n"
        f"policyrag: open {server_url(settings.serve_host, settings.serve_port)}  "
        f"(JSON API: /api/health, /api/search, /api/ask; Ctrl-C to stop)\n"
        f"policyrag: sign-in {'on' if users.enabled else 'off'} (users file {settings.users_file}); "
        f"audit log {settings.audit_log}",
        flush=True,
    )
    try:
        # proxy_headers (uvicorn's default) trusts X-Forwarded-Proto/For from 127.0.0.1 only: behind a
        # TLS proxy on this machine, cookies get the Secure flag and the audit log the real client.
        uvicorn.run(app, host=settings.serve_host, port=settings.serve_port, log_level="warning")
    finally:
        app.state.library.close()
        rag.close()


def _check_port_free(host: str, port: int) -> None:
    """Fail in one line before loading the models when another program holds the port."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise ValueError(
                f"cannot listen on {host}:{port} ({error.strerror}): pick another port with --port or POLICYRAG_SERVE_PORT"
            ) from None


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


@contextmanager
def running_app(service: AssistantService, settings: Settings | None = None) -> Iterator[str]:
    """Serve ``service`` on a free local port in a background thread; yields the base URL.

    For tests and benchmarks that drive the app from the same process as its index.
    """
    import uvicorn

    port = free_port()
    settings = (settings or service.rag.settings).with_overrides(serve_host="127.0.0.1", serve_port=port)
    app = create_app(service, settings)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="policyrag-web", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError(f"the web app did not start on port {port} within 30 s")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        app.state.library.close()
