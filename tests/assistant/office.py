"""An office deployment for tests: a corpus with two collections (public, restricted), an index
of it with the hash embedder, and users with different access (``assistant/access.py``)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from fastapi.testclient import TestClient

from assistant.api import PolicyRAG
from assistant.settings import Settings
from assistant.web.service import AssistantService
from index.storage import OpenIndex
from tests.assistant.web.conftest import FakeAnswerer
from tests.conftest import FIXTURE_DOCS, HashEmbedder


RESTRICTED_DOC = """---
title: ร่างงบประมาณลับ 2569
---

# ร่างงบประมาณลับ 2569

ร่างงบประมาณลับของกรมสำหรับปี 2569 ยังไม่เปิดเผยต่อสาธารณะ วงเงินรวม 4,200 ล้านบาท รหัสโครงการบลูเฮรอน

The confidential draft budget, codename BLUEHERON, totals 4,200 million baht for digital government services.
"""
RESTRICTED_MARKERS = ("BLUEHERON", "บลูเฮรอน", "ร่างงบประมาณลับ", "restricted/")
PASSWORDS = {"alice": "alice-password", "bob": "bob-password", "boss": "boss-password", "nobody": "nobody-password"}


def cheap_hasher():  # type: ignore[no-untyped-def]
    """Argon2 with tiny costs: the tests check the logic, not the hashing cost (0.3 s a hash here)."""
    from argon2 import PasswordHasher

    return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def make_office_corpus(folder: Path) -> Path:
    """corpus/public (English principles and practice), corpus/restricted (Thai services and a
    confidential budget), notes.txt at the top (collection named after the folder: 'corpus')."""
    corpus = folder / "corpus"
    (corpus / "public").mkdir(parents=True)
    (corpus / "restricted").mkdir()
    for name in ("digital-principles.md", "public-sector-practice.md"):
        shutil.copy(FIXTURE_DOCS / name, corpus / "public" / name)
    shutil.copy(FIXTURE_DOCS / "thai-services.md", corpus / "restricted" / "thai-services.md")
    (corpus / "restricted" / "budget-2569.md").write_text(RESTRICTED_DOC, encoding="utf-8")
    shutil.copy(FIXTURE_DOCS / "notes.txt", corpus / "notes.txt")
    (folder / "outside-secret.txt").write_text("outside the corpus: never served", encoding="utf-8")
    return corpus


def office_settings(folder: Path, **overrides: object) -> Settings:
    values: dict[str, object] = dict(
        index_dir=folder / "index", show_progress=False, top_k=5, ocr="off",
        chunk_max_chars=300, chunk_min_chars=50, chunk_overlap_chars=0,
        users_file=folder / "users.toml", audit_log=folder / "audit.jsonl", uploads_dir=folder / "uploads",
    )
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def make_office_users(path: Path):  # type: ignore[no-untyped-def]
    """alice reads public; bob reads and writes restricted; boss is an admin; nobody reads a
    collection that does not exist."""
    from assistant.users import UserStore

    users = UserStore(path, hasher=cheap_hasher())
    users.add("alice", PASSWORDS["alice"], ["public"])
    users.add("bob", PASSWORDS["bob"], ["restricted"], write=["restricted"])
    users.add("boss", PASSWORDS["boss"], [], admin=True)
    users.add("nobody", PASSWORDS["nobody"], ["no-such-collection"])
    return users


@dataclass
class Office:
    folder: Path
    corpus: Path
    settings: Settings
    rag: PolicyRAG
    service: AssistantService
    users: object

    def client(self, **settings_overrides: object) -> TestClient:
        from assistant.web.app import create_app

        settings = self.settings.with_overrides(**settings_overrides) if settings_overrides else self.settings
        return TestClient(create_app(self.service, settings, users=self.users))  # type: ignore[arg-type]


def basic(name: str) -> dict[str, str]:
    import base64

    return {"Authorization": "Basic " + base64.b64encode(f"{name}:{PASSWORDS[name]}".encode()).decode()}


def build_office(folder: Path, answerer: object | None = None, prepare: Callable[[Path], None] | None = None) -> Office:
    """The office corpus indexed with the hash embedder; ``prepare(corpus)`` may change the corpus first."""
    from assistant.api import build_index
    from assistant.audit import AuditLog

    corpus = make_office_corpus(folder)
    if prepare is not None:
        prepare(corpus)
    settings = office_settings(folder)
    build_index([corpus], settings, encoders=[HashEmbedder()])  # type: ignore[list-item]
    rag = PolicyRAG(OpenIndex(settings.index_dir), [HashEmbedder()], settings)  # type: ignore[list-item]
    service = AssistantService(rag, answerers={"extractive": answerer or FakeAnswerer()}, audit=AuditLog(settings.audit_log))  # type: ignore[dict-item]
    return Office(folder, corpus, settings, rag, service, make_office_users(settings.users_file))
