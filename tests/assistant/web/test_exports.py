"""Markdown exports: one file per answer, named for the question; old files are removed."""

from __future__ import annotations

import os
import time
from pathlib import Path

from assistant.web.ui import MarkdownExports
from tests.assistant.web.conftest import FakeAnswerer


def test_export_file_holds_the_answer_markdown(tmp_path: Path, hash_rag) -> None:  # type: ignore[no-untyped-def]
    answer = FakeAnswerer().answer("ตู้บริการอัจฉริยะอยู่ที่ไหน?", hash_rag.search("ตู้บริการอัจฉริยะ", k=2))
    path = MarkdownExports(tmp_path).write(answer)
    assert path.parent == tmp_path and path.suffix == ".md" and "ตู้บริการอัจฉริยะอยู่ที่ไหน" in path.name
    assert path.read_text(encoding="utf-8") == answer.to_markdown()


def test_old_exports_are_removed(tmp_path: Path, hash_rag) -> None:  # type: ignore[no-untyped-def]
    exports = MarkdownExports(tmp_path, max_age_s=60)
    old = tmp_path / "policyrag-old.md"
    old.write_text("x")
    os.utime(old, (time.time() - 120, time.time() - 120))
    exports._last_prune -= 60
    exports.write(FakeAnswerer().answer("q", hash_rag.search("cloud", k=1)))
    assert not old.exists() and len(list(tmp_path.glob("policyrag-*.md"))) == 1


def test_a_follow_ups_export_file_is_named_and_headed_by_the_question_as_typed(tmp_path: Path, hash_rag) -> None:  # type: ignore[no-untyped-def]
    answer = FakeAnswerer().answer("ตู้บริการอัจฉริยะ ระยะที่ 2", hash_rag.search("ตู้บริการอัจฉริยะ", k=2))
    path = MarkdownExports(tmp_path).write(answer, "แล้วระยะที่ 1 ล่ะ")
    assert "แล้วระยะที่-1-ล่ะ" in path.name
    text = path.read_text(encoding="utf-8")
    assert text.startswith("## แล้วระยะที่ 1 ล่ะ\n") and "ตู้บริการอัจฉริยะ ระยะที่ 2" in text.split("\n")[2]
