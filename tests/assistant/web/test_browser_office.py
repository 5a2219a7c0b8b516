"""The office deployment in a real headless chromium, with the real models: a user with write
access uploads a Thai document in the page, sees its progress, and can ask about it once it is
live; a user without access to a collection never sees it in the page; sign-out works.

Run: .venv/bin/python -m pytest -m browser tests/assistant/web/test_browser_office.py
Screenshots go to test-artifacts/ (``browser-upload-progress.png`` is the README's docs/ image).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.assistant.office import RESTRICTED_MARKERS, make_office_corpus, office_settings
from tests.assistant.web.browser import ARTIFACTS, ask_in_page, new_page, open_app, with_sign_in

pytestmark = pytest.mark.browser

USERS = {
    "bob": ("bob-password-1", ["restricted"], ["restricted"], False),
    "alice": ("alice-password-1", ["public"], [], False),
}
NEW_DOC_NAME = "ประกาศการทำงานจากบ้าน.md"
NEW_DOC = """# ประกาศเรื่องการทำงานจากบ้านของเจ้าหน้าที่

## จำนวนวันทำงานจากบ้าน

เจ้าหน้าที่ของกรมทำงานจากบ้านได้สัปดาห์ละสองวัน โดยแจ้งหัวหน้ากลุ่มงานล่วงหน้าผ่านระบบสารบรรณอิเล็กทรอนิกส์อย่างน้อยหนึ่งวันทำการ

## อุปกรณ์

กรมจัดสรรคอมพิวเตอร์พกพาและเครือข่ายส่วนตัวเสมือนให้เจ้าหน้าที่ที่ทำงานจากบ้าน เพื่อเข้าถึงระบบงานภายในอย่างปลอดภัย
"""


@pytest.fixture(scope="module")
def office_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The office corpus (public/, restricted/) indexed with the real models, served with sign-in on."""
    from assistant.api import PolicyRAG, build_index
    from assistant.audit import AuditLog
    from assistant.web.app import running_app
    from assistant.web.service import AssistantService

    folder = tmp_path_factory.mktemp("office-browser")
    corpus = make_office_corpus(folder)
    settings = office_settings(folder, top_k=10)
    build_index([corpus], settings)
    rag = PolicyRAG.open(settings.index_dir, settings)
    settings = with_sign_in(settings, folder, USERS)
    with running_app(AssistantService(rag, audit=AuditLog(settings.audit_log)), settings) as url:
        yield url
    rag.close()


def _signed_in_page(browser: Any, url: str, name: str) -> Any:
    page = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
    open_app(page, url, user=(name, USERS[name][0]))
    return page


def test_upload_in_the_page_makes_a_new_thai_document_answerable(browser: Any, office_app: str, tmp_path: Path) -> None:
    page = _signed_in_page(browser, office_app, "bob")
    assert page.locator("#pr-user-name").inner_text() == "bob"
    library = page.locator("#pr-library")
    library.wait_for(state="visible", timeout=30_000)  # bob may write: the panel is there
    library.get_by_text("Add or remove documents").click()
    page.locator("#pr-upload-collection input").click()
    page.get_by_role("option", name="restricted").click()
    document = tmp_path / NEW_DOC_NAME
    document.write_text(NEW_DOC, encoding="utf-8")
    page.locator("#pr-upload-files input[type=file]").set_input_files(str(document))
    page.locator("#pr-upload-files").get_by_text(NEW_DOC_NAME).wait_for(timeout=90_000)  # uploaded to the page
    page.locator("#pr-upload").click()

    (ARTIFACTS / "browser-upload-progress.png").unlink(missing_ok=True)
    job = page.locator("#pr-upload-status .pr-job").first
    job.wait_for(timeout=90_000)
    seen_states = set()
    for _ in range(600):  # the page polls the job every second; note each state shown until it is live
        state = job.get_attribute("data-state")
        seen_states.add(state)
        if state == "indexing" and not (ARTIFACTS / "browser-upload-progress.png").exists():
            page.screenshot(path=str(ARTIFACTS / "browser-upload-progress.png"), full_page=True)
        if state in ("done", "failed"):
            break
        page.wait_for_timeout(200)
    assert job.get_attribute("data-state") == "done", job.inner_text()
    assert seen_states & {"queued", "checking", "indexing"}, seen_states  # progress was shown before it was live
    assert f"restricted/{NEW_DOC_NAME}" in job.inner_text() and "searchable now" in job.inner_text()
    page.screenshot(path=str(ARTIFACTS / "browser-upload-done.png"), full_page=True)

    answer = ask_in_page(page, "เจ้าหน้าที่ทำงานจากบ้านได้สัปดาห์ละกี่วัน")
    assert answer.get_attribute("data-state") == "found", answer.inner_text()
    cited = page.locator("#pr-sources .pr-source.pr-cited").first
    assert NEW_DOC_NAME in cited.locator(".pr-path").inner_text()
    assert "สัปดาห์ละสองวัน" in answer.inner_text()  # quoted from the new document
    assert cited.locator(".pr-passage mark").count() >= 1
    page.screenshot(path=str(ARTIFACTS / "browser-upload-answer.png"), full_page=True)
    page.context.close()


def test_a_collection_the_user_may_not_read_is_absent_from_the_page(browser: Any, office_app: str) -> None:
    page = _signed_in_page(browser, office_app, "alice")
    assert not page.locator("#pr-library").is_visible()  # alice reads public only and adds nothing
    answer = ask_in_page(page, "ร่างงบประมาณลับ BLUEHERON วงเงินรวมเท่าไร")
    shown = answer.inner_text() + page.locator("#pr-sources").inner_text()
    for marker in RESTRICTED_MARKERS:
        assert marker not in shown.replace("ร่างงบประมาณลับ BLUEHERON วงเงินรวมเท่าไร", "")
    page.locator("#pr-filters").get_by_text("ตัวกรอง").click()
    page.locator("#pr-documents input").click()
    options = page.get_by_role("option").all_inner_texts()
    assert options and not any("งบประมาณ" in option or "บริการดิจิทัล" in option for option in options), options
    page.screenshot(path=str(ARTIFACTS / "browser-office-alice.png"), full_page=True)
    page.locator("#pr-question textarea").fill("ก" * 2001)  # over max_query_chars: refused with the reason
    page.locator("#pr-ask").click()
    page.locator("#pr-answer").get_by_text("max_query_chars").wait_for(timeout=30_000)
    page.locator("#pr-signout").click()
    page.wait_for_url("**/login", timeout=30_000)
    page.goto(office_app)
    assert "/login" in page.url  # signed out: the app asks again
    page.context.close()
