"""Only indexed files inside the ingested folder are served."""

from __future__ import annotations

from pathlib import Path

from assistant.web.corpus_files import CorpusFiles


def test_serves_indexed_files_with_page_anchor(tmp_path: Path) -> None:
    (tmp_path / "oecd").mkdir()
    (tmp_path / "oecd" / "report 2019.pdf").write_bytes(b"%PDF-1.4")
    files = CorpusFiles([tmp_path], ["oecd/report 2019.pdf"])
    assert files.path_for("oecd/report 2019.pdf") == (tmp_path / "oecd" / "report 2019.pdf").resolve()
    assert files.url_for("oecd/report 2019.pdf", 7) == "/files/oecd/report%202019.pdf#page=7"
    assert files.url_for("oecd/report 2019.pdf") == "/files/oecd/report%202019.pdf"


def test_refuses_files_the_index_does_not_know(tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("x")
    files = CorpusFiles([tmp_path], ["doc.md"])
    assert files.path_for("secret.txt") is None and files.url_for("secret.txt") is None
    assert files.path_for("doc.md") is None  # indexed, but the file is gone


def test_refuses_paths_that_leave_the_folder(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (tmp_path / "outside.txt").write_text("x")
    (corpus / "link.txt").symlink_to(tmp_path / "outside.txt")
    files = CorpusFiles([corpus], ["../outside.txt", "link.txt"])
    assert files.path_for("../outside.txt") is None
    assert files.path_for("link.txt") is None


def test_index_without_recorded_roots_serves_nothing(tmp_path: Path) -> None:
    assert CorpusFiles([], ["a.md"]).url_for("a.md") is None


# -- the /files route over HTTP, with sign-in and collections (tests/assistant/office.py) -----------

RAW_ESCAPES = [
    "/files/../outside-secret.txt",
    "/files/public/../../outside-secret.txt",
    "/files/%2e%2e/outside-secret.txt",
    "/files/%2E%2E%2Foutside-secret.txt",
    "/files/public%2F..%2F..%2Foutside-secret.txt",
    "/files/public/..%2f..%2foutside-secret.txt",
    "/files//etc/passwd",
    "/files/%2Fetc%2Fpasswd",
    "/files/public/../restricted/budget-2569.md",
    "/files/restricted/budget-2569.md",
]


def _raw_get(url: str, path: str, name: str) -> tuple[int, bytes]:
    """GET with the path sent exactly as written (HTTP clients normalise '..' away)."""
    import http.client
    from urllib.parse import urlsplit

    from tests.assistant.office import basic

    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request("GET", path, headers=basic(name))
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_no_path_trick_reaches_a_file_outside_the_readable_documents(office) -> None:  # type: ignore[no-untyped-def]
    from assistant.web.app import running_app

    absolute = (office.corpus / "public" / "digital-principles.md").resolve()
    with running_app(office.service, office.settings) as url:
        for path in [*RAW_ESCAPES, f"/files/{absolute}", f"/files/{absolute.as_posix().lstrip('/')}"]:
            status, body = _raw_get(url, path, "alice")
            assert status == 404, (path, status)
            assert b"outside the corpus" not in body and b"BLUEHERON" not in body and b"root:" not in body
        assert _raw_get(url, "/files/public/digital-principles.md", "alice")[0] == 200
        assert _raw_get(url, "/files/restricted/budget-2569.md", "bob")[0] == 200
        assert _raw_get(url, "/files/../outside-secret.txt", "boss")[0] == 404  # not even for an admin


def test_symlinks_out_of_the_folder_are_never_served(office) -> None:  # type: ignore[no-untyped-def]
    """An indexed file later replaced by a link to a file outside the corpus is refused."""
    client = office.client()
    from tests.assistant.office import basic

    target = office.corpus / "public" / "digital-principles.md"
    assert client.get("/files/public/digital-principles.md", headers=basic("alice")).status_code == 200
    target.unlink()
    target.symlink_to(office.folder / "outside-secret.txt")
    response = client.get("/files/public/digital-principles.md", headers=basic("boss"))
    assert response.status_code == 404 and "outside the corpus" not in response.text


def test_a_link_into_another_collection_serves_only_that_collections_readers(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """public/link.md -> restricted/budget-2569.md is indexed in 'restricted' (its real folder)."""
    from tests.assistant.office import basic, build_office

    def add_link(corpus) -> None:  # type: ignore[no-untyped-def]
        (corpus / "public" / "link.md").symlink_to(corpus / "restricted" / "budget-2569.md")

    office = build_office(tmp_path, prepare=add_link)
    try:
        client = office.client()
        documents = {row["source"]: row["collection"] for row in client.get("/api/documents", headers=basic("boss")).json()["documents"]}
        linked = [source for source in documents if source.endswith("budget-2569.md") or source == "public/link.md"]
        assert linked and all(documents[source] == "restricted" for source in linked)
        for source in linked:
            assert client.get(f"/files/{source}", headers=basic("alice")).status_code == 404
            assert client.get(f"/files/{source}", headers=basic("bob")).status_code == 200
    finally:
        office.rag.close()
