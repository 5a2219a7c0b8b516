"""Driving the system chromium with Playwright (never a downloaded browser, never `playwright install`).

Shared by the browser test and ``benchmarks/ui_latency.py``.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


def chromium_missing() -> str | None:
    """Why the browser test cannot run here, or None."""
    if not CHROMIUM.exists() and not shutil.which("chromium"):
        return "no system chromium: apt-get install -y chromium fonts-thai-tlwg"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright is not installed: pip install -e '.[browser]'"
    return None


@contextmanager
def chromium() -> Iterator[Any]:
    """The system chromium, headless. One per thread: Playwright's sync API cannot nest."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def new_page(browser: Any, width: int = 1280, height: int = 1000) -> Any:
    return browser.new_page(viewport={"width": width, "height": height}, accept_downloads=True)


@contextmanager
def chromium_page(width: int = 1280, height: int = 1000) -> Iterator[Any]:
    with chromium() as browser:
        yield new_page(browser, width, height)


# The browser tests run with sign-in on, as an office runs the app: every test signs in as this
# user (an admin) unless it names another.
BROWSER_USER = ("tester", "tester-password-1")


def with_sign_in(settings: Any, folder: Path, users: dict[str, tuple[str, list[str], list[str], bool]] | None = None) -> Any:
    """``settings`` with a users file in ``folder`` holding the browser user (and ``users``: name ->
    (password, readable, writable, admin)), so the app asks everyone to sign in."""
    from assistant.users import UserStore

    store = UserStore(folder / "users.toml")
    store.add(BROWSER_USER[0], BROWSER_USER[1], [], admin=True)
    for name, (password, readable, writable, admin) in (users or {}).items():
        store.add(name, password, readable, writable, admin)
    return settings.with_overrides(
        users_file=folder / "users.toml", audit_log=folder / "audit.jsonl", uploads_dir=folder / "uploads"
    )


def sign_in(page: Any, name: str, password: str, timeout_ms: int = 60_000) -> None:
    """Fill the sign-in page the app redirected to, and wait to leave it."""
    page.locator("#username").fill(name)
    page.locator("#password").fill(password)
    page.locator("#pr-login-submit").click()
    page.wait_for_url(lambda address: "/login" not in address, timeout=timeout_ms)


def open_app(page: Any, url: str, timeout_ms: int = 60_000, user: tuple[str, str] = BROWSER_USER) -> None:
    """Load the app (signing in as ``user`` when the app asks) and wait until the question box is
    there (Gradio keeps a connection open, so waiting for network idle would never end)."""
    page.goto(url, wait_until="load", timeout=timeout_ms)
    if "/login" in page.url:
        sign_in(page, *user, timeout_ms=timeout_ms)
    page.locator("#pr-question textarea").wait_for(state="visible", timeout=timeout_ms)


def ask_in_page(page: Any, question: str, timeout_ms: int = 60_000) -> Any:
    """Type ``question``, press Ask, wait until its answer is rendered; returns the answer element.

    The app clears the question box when it shows the finished answer, so this waits for the empty
    box first: asking a question the page already answered would otherwise find the old answer
    at once and go on while the new one (and its download button) is still being made."""
    from playwright.sync_api import expect

    box = page.locator("#pr-question textarea")
    box.fill(question)
    page.locator("#pr-ask").click()
    expect(box).to_have_value("", timeout=timeout_ms)
    answer = page.locator(f"#pr-answer .pr-answer[data-question={json.dumps(question, ensure_ascii=False)}]")
    answer.wait_for(state="visible", timeout=timeout_ms)
    return answer
