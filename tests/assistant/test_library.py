"""Adding and removing documents while serving: checks, safe names, no overwrite surprises, the
background ingest, permissions, and the audit lines."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from assistant.library import DocumentLibrary, safe_file_name
from index.generations import writer_lock
from tests.assistant.office import Office

THAI_DOC = """# ระเบียบการลาพักร้อนของกรม

ข้าราชการลาพักร้อนได้ปีละสิบวันทำการ โดยยื่นใบลาผ่านระบบอิเล็กทรอนิกส์ล่วงหน้าอย่างน้อยสามวัน รหัสอ้างอิงคือนกกระเรียนทอง
"""


def _library(office: Office) -> DocumentLibrary:
    return DocumentLibrary(office.rag, office.settings, office.service.audit)


def _audit(office: Office) -> list[dict[str, object]]:
    path = office.settings.audit_log
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.is_file() else []


def _bob(office: Office):  # type: ignore[no-untyped-def]
    return office.users.get("bob").caller("10.0.0.8", "web")  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "sent, saved",
    [
        ("ระเบียบการลา.md", "ระเบียบการลา.md"),
        ("../../etc/passwd.md", "passwd.md"),
        ("C:\\Users\\somchai\\งบ 2569.PDF", "งบ 2569.pdf"),
        (".hidden.md", "hidden.md"),
        ("..", "document"),
        ("a\x00b<c>?.txt", "abc.txt"),
        ("ก" * 120 + ".md", "ก" * 65 + ".md"),  # 200 bytes at most: Thai letters are 3 bytes
    ],
)
def test_safe_file_names_keep_thai_and_drop_paths(sent: str, saved: str) -> None:
    assert safe_file_name(sent) == saved


def test_an_uploaded_thai_document_becomes_searchable(office: Office) -> None:
    library = _library(office)
    before = office.rag.generation
    job = library.submit_upload(_bob(office), "restricted", [("ระเบียบการลา.md", io.BytesIO(THAI_DOC.encode()))])
    assert job.state in ("queued", "checking", "indexing")
    job = library.wait(job.id, timeout=120)
    assert job.state == "done", job.to_dict()
    assert [(f.state, f.source) for f in job.files] == [("indexed", "restricted/ระเบียบการลา.md")]
    assert office.rag.generation == job.generation != before  # the open index follows the new generation
    hits = office.rag.search("ข้าราชการลาพักร้อนได้ปีละสิบวันทำการ", k=3)
    assert hits[0].chunk.source == "restricted/ระเบียบการลา.md" and hits[0].chunk.collection == "restricted"
    assert (office.corpus / "restricted" / "ระเบียบการลา.md").read_text(encoding="utf-8") == THAI_DOC
    assert not any(library.staging_dir.iterdir())  # staging is cleaned up
    events = _audit(office)
    upload = next(line for line in events if line["event"] == "upload")
    assert upload["user"] == "bob" and upload["source"] == "restricted/ระเบียบการลา.md" and upload["client"] == "10.0.0.8"
    assert any(line["event"] == "index" and line["generation"] == job.generation for line in events)
    library.close()


def test_bad_files_are_listed_with_their_reasons_and_never_reach_the_folder(office: Office) -> None:
    library = _library(office)
    job = library.submit_upload(
        _bob(office),
        "restricted",
        [
            ("table.xlsx", io.BytesIO(b"PK\x03\x04 spreadsheet")),
            ("empty.md", io.BytesIO(b"")),
            ("scan.pdf", io.BytesIO(bytes(range(256)) * 4)),
            ("good.md", io.BytesIO(b"# Good\n\nA readable document about procurement rules for cloud services.")),
        ],
    )
    reasons = {outcome.name: outcome.reason for outcome in job.files if outcome.state == "rejected"}
    assert reasons["table.xlsx"].startswith("unsupported file type '.xlsx'")  # refused before queueing
    assert reasons["empty.md"].startswith("empty file (0 bytes)")
    job = library.wait(job.id, timeout=120)
    states = {outcome.name: (outcome.state, outcome.reason) for outcome in job.files}
    assert states["scan.pdf"][0] == "rejected" and states["scan.pdf"][1].startswith("not a PDF (no %PDF header")
    assert states["good.md"][0] == "indexed"
    assert sorted(path.name for path in (office.corpus / "restricted").iterdir()) == ["budget-2569.md", "good.md", "thai-services.md"]
    rejected = [line for line in _audit(office) if line["event"] == "upload_rejected"]
    assert {line["file"] for line in rejected} == {"table.xlsx", "empty.md", "scan.pdf"}
    library.close()


def test_same_name_never_overwrites_silently(office: Office) -> None:
    library = _library(office)
    bob = _bob(office)
    original = (office.corpus / "restricted" / "budget-2569.md").read_bytes()
    same = library.wait(library.submit_upload(bob, "restricted", [("budget-2569.md", io.BytesIO(original))]).id, 120)
    assert same.files[0].state == "unchanged" and "already in the collection" in same.files[0].reason
    other = b"# Another budget\n\nA different file that happens to have the same name as the budget."
    renamed = library.wait(library.submit_upload(bob, "restricted", [("budget-2569.md", io.BytesIO(other))]).id, 120)
    assert renamed.files[0].source == "restricted/budget-2569 (2).md" and "saved as" in renamed.files[0].reason
    assert (office.corpus / "restricted" / "budget-2569.md").read_bytes() == original
    replaced = library.wait(library.submit_upload(bob, "restricted", [("budget-2569.md", io.BytesIO(other))], replace=True).id, 120)
    assert replaced.files[0].state == "indexed" and replaced.files[0].source == "restricted/budget-2569.md"
    assert (office.corpus / "restricted" / "budget-2569.md").read_bytes() == other
    kept = list(library.removed_dir.rglob("budget-2569.md"))
    assert len(kept) == 1 and kept[0].read_bytes() == original  # the old one is moved aside, not lost
    library.close()


def test_removing_a_document_drops_it_from_the_index_and_moves_the_file_aside(office: Office) -> None:
    library = _library(office)
    assert any(hit.chunk.source == "restricted/budget-2569.md" for hit in office.rag.search("BLUEHERON confidential draft budget 4,200 million baht", k=3))
    job = library.wait(library.submit_removal(_bob(office), "restricted/budget-2569.md", "restricted").id, 120)
    assert job.state == "done" and job.files[0].state == "removed"
    assert all(hit.chunk.source != "restricted/budget-2569.md" for hit in office.rag.search("BLUEHERON confidential draft budget 4,200 million baht", k=10))
    assert not (office.corpus / "restricted" / "budget-2569.md").exists()
    (moved,) = library.removed_dir.rglob("budget-2569.md")
    assert moved.relative_to(library.removed_dir).parts[1:] == ("restricted", "budget-2569.md")
    line = next(line for line in _audit(office) if line["event"] == "remove")
    assert line["user"] == "bob" and line["source"] == "restricted/budget-2569.md" and line["moved_to"] == str(moved)
    library.close()


def test_permissions_are_checked_per_collection(office: Office) -> None:
    library = _library(office)
    alice = office.users.get("alice").caller()  # type: ignore[attr-defined]
    with pytest.raises(PermissionError, match="may not add documents to collection 'public'"):
        library.submit_upload(alice, "public", [("a.md", io.BytesIO(b"# A\n\ntext"))])  # reads public, may not write
    with pytest.raises(PermissionError):
        library.submit_upload(_bob(office), "public", [("a.md", io.BytesIO(b"# A\n\ntext"))])
    with pytest.raises(PermissionError):
        library.submit_removal(_bob(office), "public/digital-principles.md", "public")
    boss = office.users.get("boss").caller()  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="not valid"):
        library.submit_upload(boss, "../outside", [("a.md", io.BytesIO(b"# A\n\ntext"))])
    job = library.wait(library.submit_upload(boss, "คู่มือ", [("guide.md", io.BytesIO(b"# Guide\n\nA new collection made by an admin."))]).id, 120)
    assert job.files[0].source == "คู่มือ/guide.md"
    assert {document["collection"] for document in office.rag.index.store.documents()} >= {"คู่มือ"}
    library.close()


def test_manifest_decides_the_collection_and_a_conflicting_upload_is_refused(office: Office) -> None:
    (office.corpus / "manifest.toml").write_text('[[documents]]\npath = "restricted/public-*"\ncollection = "public"\n', encoding="utf-8")
    library = _library(office)
    job = library.wait(library.submit_upload(_bob(office), "restricted", [("public-notice.md", io.BytesIO(b"# Notice\n\nSome text here."))]).id, 120)
    assert job.files[0].state == "rejected" and "put into collection 'public' by the corpus manifest" in job.files[0].reason
    library.close()


def test_uploads_wait_for_another_ingest_and_queue_into_one_batch(office: Office) -> None:
    library = _library(office)
    bob = _bob(office)
    with writer_lock(office.settings.index_dir):  # a `policyrag ingest` from the command line is running
        first = library.submit_upload(bob, "restricted", [("one.md", io.BytesIO(b"# One\n\nThe first queued document."))])
        for _ in range(100):
            if "waiting for another ingest" in first.message:
                break
            import time

            time.sleep(0.1)
        assert "waiting for another ingest" in first.message
        second = library.submit_upload(bob, "restricted", [("two.md", io.BytesIO(b"# Two\n\nThe second queued document."))])
        assert second.state == "queued" and library.queue_position(second) == 1
    first, second = library.wait(first.id, 120), library.wait(second.id, 120)
    assert first.state == second.state == "done"
    sources = {document["source"] for document in office.rag.index.store.documents()}
    assert {"restricted/one.md", "restricted/two.md"} <= sources
    library.close()


def test_an_index_without_recorded_folders_refuses_uploads(office: Office, monkeypatch: pytest.MonkeyPatch) -> None:
    library = _library(office)
    monkeypatch.setattr(library, "roots", lambda: [])
    with pytest.raises(ValueError, match="run `policyrag ingest FOLDER` once"):
        library.submit_upload(_bob(office), "restricted", [("a.md", io.BytesIO(b"# A\n\ntext"))])


def test_job_is_listed_for_those_who_may_see_it(office: Office) -> None:
    library = _library(office)
    job = library.submit_upload(_bob(office), "restricted", [("x.xlsx", io.BytesIO(b"x"))])
    library.wait(job.id, 60)
    assert [listed.id for listed in library.jobs_for(_bob(office))] == [job.id]
    assert library.jobs_for(office.users.get("alice").caller()) == []  # type: ignore[attr-defined]
    assert library.jobs_for(office.users.get("boss").caller())[0].id == job.id  # type: ignore[attr-defined]
    assert job.state == "failed" and job.to_dict()["files"][0]["state"] == "rejected"  # type: ignore[index]
    library.close()
    assert Path(job.staging or "").exists() is False
