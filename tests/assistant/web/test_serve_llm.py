"""`policyrag serve` with `answerer = "llm"` against a real OpenAI-compatible server (llama-cpp-python
+ gemma-3-270m on 127.0.0.1): it starts, answers, streams through the web app, and falls back to
the quoted answer when the LLM server is stopped mid-session.

Needs ``bash scripts/setup_llm_test.sh``; run with ``-m llm``. The model is a base model: the
protocol and the app's behaviour are tested, never answer quality.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.wording import say
from tests.llm_server import LlamaServer, free_port, running_llama

pytestmark = [pytest.mark.llm, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[3]
QUESTION = "What must agencies do after a serious cybersecurity incident?"
# llama-server's grammar option: the model writes this cited sentence, token by token (streamed).
CITED_GRAMMAR = r'''root ::= "Agencies report serious incidents within 24 hours [1]."'''


def _get(url: str) -> dict[str, object]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


def _post(url: str, body: dict[str, object], timeout: float = 180) -> dict[str, object]:
    request = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read())


@pytest.fixture(scope="module")
def llama(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    with running_llama(tmp_path_factory.mktemp("llama-serve") / "server.log") as server:
        yield server


@pytest.fixture(scope="module")
def app(llama: LlamaServer, real_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`policyrag serve` in its own process, configured by environment variables as an office would."""
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""),
        "POLICYRAG_ANSWERER": "llm",
        "POLICYRAG_LLM_BASE_URL": llama.base_url,
        "POLICYRAG_LLM_MAX_TOKENS": "48",
        "POLICYRAG_LLM_TEMPERATURE": "0",
        # gemma-3-270m is a base model: its own text seldom cites a passage, and an answer that
        # cites none gives way to the quoted one. The grammar makes it write a cited answer.
        "POLICYRAG_LLM_EXTRA_BODY": json.dumps({"grammar": CITED_GRAMMAR}),
        "POLICYRAG_SHOW_PROGRESS": "false",
    }
    log = (tmp_path_factory.mktemp("serve") / "serve.log").open("wb")
    command = [sys.executable, "-c", "import sys; from assistant.cli import main; sys.exit(main())", "serve", "--index", str(real_index), "--port", str(port)]
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            if process.poll() is not None:
                pytest.fail(f"policyrag serve exited with {process.returncode}: {Path(log.name).read_text(errors='replace')[-2000:]}")
            try:
                _get(f"{url}/api/health")
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    pytest.fail("policyrag serve did not answer /api/health within 180 s")
                time.sleep(1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def test_serve_starts_with_the_llm_answerer(app: str) -> None:
    health = _get(f"{app}/api/health")
    assert health["answerers"] == ["llm", "extractive"]
    assert health["llm"]["reachable"] is True  # type: ignore[index]


def test_ask_with_the_llm_returns_a_checked_answer(app: str) -> None:
    answer = _post(f"{app}/api/ask", {"question": QUESTION, "k": 5})
    assert answer["answerer"] == "llm" and answer["found"] is True
    cited = [passage["number"] for passage in answer["passages"] if passage["cited"]]  # type: ignore[index,union-attr]
    assert all(1 <= number <= 5 for number in cited)


def test_the_web_app_streams_the_llm_answer(app: str) -> None:
    from gradio_client import Client

    client = Client(app + "/", verbose=False)
    job = client.submit(QUESTION, [], [], [], 5, "llm", "en", api_name="/ask_ui")
    final = job.result(timeout=180)
    renders = [output[0] for output in job.outputs()]
    assert any('data-state="streaming"' in render for render in renders[:-1]), renders[:3]
    assert 'data-state="found"' in final[0] and 'data-answerer="llm"' in final[0]


def test_stopping_the_llm_server_mid_session_gives_the_quoted_answer(app: str, llama: LlamaServer) -> None:
    llama.stop()
    started = time.monotonic()
    answer = _post(f"{app}/api/ask", {"question": QUESTION, "k": 5, "answerer": "llm"})
    assert answer["answerer"] == "extractive" and answer["found"] is True
    assert answer["notes"] == [say("note_fallback", "en", reason="could not connect to the server")]
    assert "24 hours" in str(answer["text"])
    # the next question does not try the stopped server again: it is answered at once
    again = _post(f"{app}/api/ask", {"question": QUESTION, "k": 5, "answerer": "llm"})
    assert again["answerer"] == "extractive"
    assert _get(f"{app}/api/health")["llm"]["reachable"] is False  # type: ignore[index]
    assert time.monotonic() - started < 120
