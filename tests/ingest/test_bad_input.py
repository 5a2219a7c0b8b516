"""Bad input: every broken, strange or hostile file gives one error line, and the batch goes on.

Each case is built in a temporary folder next to one good document; the README's bad-input table
is these cases.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pypdf
import pytest

from ingest.loader import DocumentLoader, LoadResult

GOOD = "# นโยบายรัฐบาลดิจิทัล\n\nหน่วยงานของรัฐต้องเปิดเผยข้อมูลตามมาตรฐาน Open Data\n"


def load(*paths: Path, **kwargs: object) -> LoadResult:
    return DocumentLoader(show_progress=False, ocr="off", **kwargs).run(list(paths))  # type: ignore[arg-type]


def reasons(result: LoadResult) -> dict[str, str]:
    return {Path(item.path).name: item.reason for item in result.skipped}


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "good.md").write_text(GOOD, encoding="utf-8")
    return root


@pytest.fixture
def bad_folder(corpus: Path, tmp_path: Path, make_pdf: Callable[..., Path]) -> Path:
    """One file per bad-input case (except the unreadable file: see its own test)."""
    plain = make_pdf("plain.pdf", [["Budget statement for the digital agency."], ["Second page."]])
    writer = pypdf.PdfWriter(clone_from=plain)
    writer.encrypt("secret", algorithm="RC4-128")
    with (corpus / "encrypted.pdf").open("wb") as handle:
        writer.write(handle)
    (corpus / "corrupt.pdf").write_bytes(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 9 0 R\n%%EOF\n")
    data = plain.read_bytes()
    (corpus / "truncated.pdf").write_bytes(data[: len(data) // 2])
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "big.md").write_text("# Big\n\n" + "ข้อความ " * 400, encoding="utf-8")  # 8,808 bytes
    (corpus / "junk.pdf").write_bytes(bytes(range(256)) * 16)
    (corpus / "junk.txt").write_bytes(b"\x00\x01\x02\x03\xff\xfe\xfd" * 300)
    (corpus / "budget.xlsx").write_bytes(b"PK\x03\x04 not read")
    os.mkfifo(corpus / "pipe.txt")
    (corpus / "loop").symlink_to(".")
    (corpus / "self.md").symlink_to("self.md")
    (corpus / "gone.md").symlink_to("deleted.md")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "secret.md").write_text("# Secret\n\nnot part of the corpus\n", encoding="utf-8")
    (corpus / "outside.md").symlink_to(outside / "secret.md")
    (corpus / "ระเบียบสำนักทะเบียนกลาง.md").write_text("# ระเบียบ\n\nข้อ ๑ ระเบียบนี้เรียกว่า\n", encoding="utf-8")
    (corpus / "หนังสือเสีย.pdf").write_bytes(b"<html>404 Not Found</html>")
    return corpus


EXPECTED = {
    "encrypted.pdf": "encrypted PDF with a password: decrypt it first (qpdf --decrypt",
    "corrupt.pdf": "damaged or not a PDF (",
    "truncated.pdf": "truncated PDF (no %%EOF end marker;",
    "empty.txt": "empty file (0 bytes): nothing to index; re-export or remove it",
    "big.md": "file too large (",
    "junk.pdf": "not a PDF (no %PDF header; it starts with b'\\x00\\x01",
    "junk.txt": "binary data, not text: check it is a text file",
    "budget.xlsx": "unsupported file type '.xlsx': supported are .docx, .htm, .html,",
    "pipe.txt": "a FIFO (named pipe), not a document file: remove it from the folder",
    "loop": "symlink loop: it points back to ",
    "self.md": "symlink loop: the link points (through other links) to itself",
    "gone.md": "broken symlink (its target deleted.md does not exist)",
    "outside.md": "outside the folder being ingested (",
    "หนังสือเสีย.pdf": "not a PDF (no %PDF header; it starts with b'<html>40",
}


class TestBadInput:
    def test_each_case_gives_one_error_line_and_the_batch_goes_on(self, bad_folder: Path) -> None:
        result = load(bad_folder, max_file_bytes=5000)
        assert sorted(d.source for d in result.documents) == ["good.md", "ระเบียบสำนักทะเบียนกลาง.md"]
        found = reasons(result)
        assert len(result.skipped) == len(EXPECTED) == len(found)
        for name, expected in EXPECTED.items():
            assert expected in found[name], (name, found[name])
            assert "\n" not in found[name]
        assert all(item.failed for item in result.skipped)
        assert result.failed == result.skipped

    def test_messages_name_the_file(self, bad_folder: Path) -> None:
        result = load(bad_folder, max_file_bytes=5000)
        assert len(result.skipped) >= 10  # every case of the folder is reported: the loop below checks them all
        for item in result.skipped:
            assert Path(item.path).parent == bad_folder
        by_name = reasons(result)
        assert "max_file_bytes=5000" in by_name["big.md"]
        assert by_name["หนังสือเสีย.pdf"].startswith("not a PDF")  # the path is not repeated in the reason

    def test_size_limit_is_configurable(self, bad_folder: Path) -> None:
        assert "big.md" in reasons(load(bad_folder, max_file_bytes=5000))
        assert "big.md" not in reasons(load(bad_folder, max_file_bytes=100_000))

    def test_outside_link_is_refused_but_the_file_itself_can_be_given(self, bad_folder: Path, tmp_path: Path) -> None:
        result = load(tmp_path / "elsewhere" / "secret.md")
        assert [d.source for d in result.documents] == ["secret.md"]
        assert "not part of the corpus" not in "".join(b.text for d in load(bad_folder).documents for b in d.blocks)

    def test_link_inside_the_folder_is_followed_and_the_real_file_wins(self, corpus: Path) -> None:
        (corpus / "docs").mkdir()
        (corpus / "docs" / "a.md").write_text("# A\n\ntext\n", encoding="utf-8")
        (corpus / "alias").symlink_to("docs")
        (corpus / "again.md").symlink_to("docs/a.md")
        result = load(corpus)
        assert sorted(d.source for d in result.documents) == ["docs/a.md", "good.md"]
        assert result.skipped == []

    def test_tis620_file_name_is_shown_in_thai(self, corpus: Path) -> None:
        raw = os.fsencode(str(corpus)) + b"/" + "ประกาศ.txt".encode("cp874")
        with open(raw, "wb") as handle:
            handle.write("ประกาศ\n\nข้อความในประกาศ\n".encode("cp874"))
        result = load(corpus)
        assert sorted(d.source for d in result.documents) == ["good.md", "ประกาศ.txt"]
        document = next(d for d in result.documents if d.source == "ประกาศ.txt")
        assert document.blocks[-1].text == "ข้อความในประกาศ"
        document.path.encode("utf-8")  # printable and storable


@pytest.fixture
def world_readable_folder() -> Iterator[Path]:
    """A folder another user can enter (pytest's tmp_path is private to its owner)."""
    folder = Path(tempfile.mkdtemp(prefix="policyrag-unreadable-"))
    folder.chmod(0o755)
    yield folder
    for path in folder.rglob("*"):
        path.chmod(0o755)
    shutil.rmtree(folder)


def _load_as_nobody(folder: Path) -> tuple[list[str], list[tuple[str, str]]]:
    """Run the loader in a forked child that has dropped root privileges to uid/gid 65534 (nobody).

    Forking (not a new interpreter) because the interpreter may live where nobody cannot read it
    (here: under /root); the parent has already imported everything the loader needs.
    """
    load(folder)  # warm every import (readers, codecs) before the child loses access to them
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 1
        try:
            os.close(read_end)
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            result = load(folder)
            payload = {"documents": [d.source for d in result.documents], "skipped": [[s.path, s.reason] for s in result.skipped]}
            os.write(write_end, json.dumps(payload).encode())
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, "the child process failed"
    payload = json.loads(data)
    return payload["documents"], [tuple(item) for item in payload["skipped"]]


def test_unreadable_file(world_readable_folder: Path) -> None:
    """A file and a folder the user may not read: one error line each, the rest is read.

    root reads any file whatever its mode, so as root the loader runs in a forked child that has
    dropped its privileges to ``nobody``; as any other user ``chmod 000`` is enough.
    """
    folder = world_readable_folder
    (folder / "good.md").write_text(GOOD, encoding="utf-8")
    (folder / "good.md").chmod(0o644)
    secret = folder / "secret.md"
    secret.write_text("# Secret\n\nhidden\n", encoding="utf-8")
    secret.chmod(0)
    locked = folder / "locked"
    locked.mkdir()
    (locked / "inside.md").write_text("# Inside\n\ntext\n", encoding="utf-8")
    locked.chmod(0)
    if os.geteuid() == 0:
        documents, skipped = _load_as_nobody(folder)
    else:
        result = load(folder)
        documents, skipped = [d.source for d in result.documents], [(s.path, s.reason) for s in result.skipped]
    assert documents == ["good.md"]
    assert len(skipped) == 2
    assert skipped[0] == (str(locked), "cannot list this folder (Permission denied): make it readable (chmod +rx)")
    path, reason = skipped[1]
    assert path == str(secret)
    assert reason.startswith("PermissionError: [Errno 13] Permission denied")
    assert reason.endswith("make the file readable (chmod +r) or run as a user who may read it")
