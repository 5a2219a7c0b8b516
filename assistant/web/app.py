"""Wiring of ``policyrag serve``: one FastAPI app with the JSON API, the corpus files and the
Gradio UI mounted at ``/``, served by uvicorn.

The index and models load once in :func:`serve` (or by the caller of :func:`create_app`); every
request, UI or API, shares them through one :class:`AssistantService`.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # no telemetry calls from offline machines

from fastapi import FastAPI  # noqa: E402

from assistant.settings import Settings  # noqa: E402
from assistant.web.http_api import build_router  # noqa: E402
from assistant.web.render import CSS  # noqa: E402
from assistant.web.service import AssistantService  # noqa: E402


def create_app(service: AssistantService, settings: Settings) -> FastAPI:
    """The JSON API and file routes first (they win over the UI's catch-all mount), then the UI."""
    import gradio as gr

    from assistant.web.ui import build_ui

    app = FastAPI(title="policyrag", description="Bilingual Thai/English search and cited answers over policy documents")
    app.include_router(build_router(service))
    blocks = build_ui(service)
    blocks.queue(default_concurrency_limit=settings.serve_concurrency, max_size=max(64, 8 * settings.serve_concurrency))
    return gr.mount_gradio_app(
        app,
        blocks,
        path="/",
        css=CSS,
        footer_links=["api"],
        run_history=False,  # answers stay on the server's side; nothing is stored in browsers
        server_name=settings.serve_host,
        server_port=settings.serve_port,
    )


def serve(settings: Settings) -> None:
    """Load the index once and serve the app until interrupted."""
    import uvicorn

    from assistant.api import PolicyRAG

    _check_port_free(settings.serve_host, settings.serve_port)
    rag = PolicyRAG.open(settings=settings)
    service = AssistantService(rag)
    app = create_app(service, settings)
    print(
        f"policyrag: {len(service.catalogue)} documents, {len(rag.index)} passages from {settings.index_dir}\n"
        f"policyrag: open http://{settings.serve_host}:{settings.serve_port}/  "
        f"(JSON API: /api/health, /api/search, /api/ask; Ctrl-C to stop)",
        flush=True,
    )
    try:
        uvicorn.run(app, host=settings.serve_host, port=settings.serve_port, log_level="warning")
    finally:
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
    config = uvicorn.Config(create_app(service, settings), host="127.0.0.1", port=port, log_level="warning")
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
