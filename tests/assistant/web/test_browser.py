"""The web app in a real headless chromium: a Thai and an English question get an answer with
[n] and a sources panel with the supporting sentence highlighted; screenshots go to test-artifacts/.

Run: .venv/bin/python -m pytest -m browser tests/assistant/web/test_browser.py
(needs apt `chromium fonts-thai-tlwg` and the `browser` extra; .ci/run installs both).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.assistant.web.browser import ARTIFACTS, ask_in_page, new_page, open_app, with_sign_in

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def app_url(real_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from assistant.api import PolicyRAG
    from assistant.settings import Settings
    from assistant.web.app import running_app
    from assistant.web.service import AssistantService

    rag = PolicyRAG.open(real_index, Settings(index_dir=real_index, show_progress=False))
    with running_app(AssistantService(rag), with_sign_in(rag.settings, tmp_path_factory.mktemp("browser-users"))) as url:
        yield url
    rag.close()


@pytest.fixture(scope="module")
def page(browser: Any, app_url: str) -> Iterator[Any]:
    page = new_page(browser)
    open_app(page, app_url)
    yield page
    page.close()


def _check_rendered(page: Any, question: str, source: str, screenshot: str) -> None:
    answer = ask_in_page(page, question)
    assert answer.get_attribute("data-state") == "found", answer.inner_text()
    assert page.locator("#pr-answer a.pr-cite").count() >= 1  # inline [n] linked to its source
    text = answer.inner_text()
    assert "[1]" in text or "[2]" in text or "[3]" in text
    cited = page.locator("#pr-sources .pr-source.pr-cited")
    assert cited.count() >= 1
    first = cited.first
    assert source in first.locator(".pr-path").inner_text()
    mark = first.locator(".pr-passage mark")
    assert mark.count() >= 1 and len(mark.first.inner_text().strip()) > 10
    assert first.locator("a.pr-open").get_attribute("href") == f"/files/{source}"
    assert page.locator("#pr-download").is_visible()
    page.screenshot(path=str(ARTIFACTS / screenshot), full_page=True)


def test_thai_question_renders_answer_and_highlighted_source(page: Any) -> None:
    _check_rendered(page, "ตู้บริการอัจฉริยะตั้งอยู่ที่ไหน และใช้บัตรอะไร", "thai-services.md", "browser-thai.png")
    assert "ที่ว่าการอำเภอ" in page.locator("#pr-sources .pr-cited mark").first.inner_text()


def test_english_question_renders_answer_and_highlighted_source(page: Any) -> None:
    _check_rendered(page, "Must citizens give the same information to public agencies more than once?", "digital-principles.md", "browser-english.png")
    assert "more than once" in page.locator("#pr-sources .pr-cited").first.inner_text()


def test_markdown_export_downloads_the_answer_and_sources(page: Any) -> None:
    ask_in_page(page, "Must citizens give the same information to public agencies more than once?")
    with page.expect_download() as download_info:
        page.locator("#pr-download").click()
    content = Path(download_info.value.path()).read_text(encoding="utf-8")
    assert content.startswith("## Must citizens give the same information to public agencies more than once?")
    assert "[1]" in content or "[2]" in content
    assert "digital-principles.md" in content


def test_label_toggle_switches_the_interface_to_english(page: Any) -> None:
    assert page.locator("#pr-ask").inner_text().strip() == "ถาม"
    page.get_by_label("English", exact=True).check()
    page.locator("#pr-ask", has_text="Ask").wait_for(timeout=10_000)
    assert "Digital-government policy assistant" in page.locator("#pr-header").inner_text()
    page.screenshot(path=str(ARTIFACTS / "browser-english-labels.png"), full_page=True)


class SlowLLM:
    """Streams its answer a piece every 0.5 s, like an LLM server, so the page shows it growing."""

    name = "llm"
    pieces = ("ตู้บริการอัจฉริยะ", "ตั้งอยู่", "ในที่ว่าการอำเภอ", "และใช้บัตรประชาชนแบบสมาร์ทการ์ด", " [1]")

    def answer(self, question: str, hits: Any) -> Any:
        from dataclasses import replace

        from tests.assistant.web.conftest import FakeAnswerer

        return replace(FakeAnswerer().answer(question, hits), answerer=self.name, text="".join(self.pieces))

    def stream(self, question: str, hits: Any) -> Iterator[Any]:
        import time

        for piece in self.pieces:
            time.sleep(0.5)
            yield piece
        yield self.answer(question, hits)


def test_llm_answer_streams_into_the_page(browser: Any, hash_rag: Any, tmp_path: Path) -> None:
    """With the LLM answerer selected the text appears while it is written, then the checked answer."""
    from assistant.web.app import running_app
    from assistant.web.service import AssistantService
    from tests.assistant.web.conftest import FakeAnswerer

    service = AssistantService(hash_rag, answerers={"llm": SlowLLM(), "extractive": FakeAnswerer()})  # type: ignore[dict-item]
    with running_app(service, with_sign_in(hash_rag.settings, tmp_path)) as url:
        page = new_page(browser)
        open_app(page, url)
        assert page.locator("#pr-answerer").is_visible()  # two answerers: the user picks
        page.locator("#pr-question textarea").fill("ตู้บริการอัจฉริยะตั้งอยู่ที่ไหน")
        page.locator("#pr-ask").click()
        streaming = page.locator('#pr-answer .pr-answer[data-state="streaming"]')
        streaming.wait_for(timeout=30_000)
        page.wait_for_function(
            "() => { const e = document.querySelector('#pr-answer .pr-answer[data-state=\"streaming\"]');"
            " return e && e.innerText.trim().length > 0; }",
            timeout=30_000,
        )
        partial = streaming.inner_text()
        page.screenshot(path=str(ARTIFACTS / "browser-llm-streaming.png"), full_page=True)
        final = page.locator('#pr-answer .pr-answer[data-state="found"][data-answerer="llm"]')
        final.wait_for(timeout=30_000)
        assert partial.strip() and len(partial.strip()) < len("".join(SlowLLM.pieces))  # seen before it was complete
        assert "".join(SlowLLM.pieces).replace(" [1]", "") in final.inner_text()
        assert page.locator("#pr-sources .pr-cited mark").count() >= 1
        page.close()


def test_follow_up_is_searched_with_what_it_refers_to(browser: Any, app_url: str) -> None:
    """A question, then a follow-up with no subject of its own: the follow-up's answer comes from
    the same topic, says what it was searched as, and the first answer keeps its own sources."""
    page = new_page(browser)
    open_app(page, app_url)
    first = ask_in_page(page, "What must agencies do after a serious cybersecurity incident?")
    assert first.get_attribute("data-state") == "found"
    follow = ask_in_page(page, "And within how many hours?")
    assert follow.get_attribute("data-state") == "found", follow.inner_text()
    searched = follow.locator(".pr-searched").inner_text()
    assert "cybersecurity" in searched and "incident" in searched
    assert "24 hours" in follow.inner_text()
    cited = page.locator("#pr-sources .pr-source.pr-cited").first
    assert "public-sector-practice.md" in cited.locator(".pr-path").inner_text()
    assert "24 hours" in cited.locator(".pr-passage mark").first.inner_text()
    # the first turn stays on the page with its own sources and export
    earlier = page.locator('#pr-history .pr-turn[data-turn="1"]')
    assert "What must agencies do after a serious cybersecurity incident?" in earlier.locator(".pr-turn-question").inner_text()
    assert earlier.locator(".pr-source.pr-cited").count() >= 1
    assert earlier.locator("a.pr-export").get_attribute("href").startswith("data:text/markdown")
    assert earlier.locator("a.pr-cite").first.get_attribute("href").startswith("#pr-t1-src-")
    page.screenshot(path=str(ARTIFACTS / "browser-follow-up.png"), full_page=True)
    page.close()


def test_enter_asks_and_shift_enter_adds_a_line(browser: Any, app_url: str) -> None:
    page = new_page(browser)
    open_app(page, app_url)
    box = page.locator("#pr-question textarea")
    box.fill("ตู้บริการอัจฉริยะตั้งอยู่ที่ไหน")
    box.press("Shift+Enter")
    box.type("และใช้บัตรอะไร")
    assert box.input_value() == "ตู้บริการอัจฉริยะตั้งอยู่ที่ไหน\nและใช้บัตรอะไร"
    assert page.locator("#pr-answer .pr-answer").count() == 0  # nothing asked yet
    box.press("Enter")
    page.locator("#pr-answer .pr-answer").wait_for(state="visible", timeout=60_000)
    assert "ที่ว่าการอำเภอ" in page.locator("#pr-sources .pr-cited").first.inner_text()
    page.close()
