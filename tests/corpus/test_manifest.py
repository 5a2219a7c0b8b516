from __future__ import annotations

from pathlib import Path

import pytest

from corpus.manifest import PACKAGED_MANIFEST, CorpusManifest
from ingest.model import Block, Document

SHARED_CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"


def _doc(source: str) -> Document:
    return Document(source=source, title="file stem", blocks=[Block("text")])


def test_packaged_manifest_describes_the_reference_corpus() -> None:
    manifest = CorpusManifest.load(PACKAGED_MANIFEST)
    entry = manifest.entry_for("oecd/oecd-digital-government-index-2023.pdf")
    assert entry is not None and entry.publisher == "OECD" and entry.year == 2023
    assert manifest.entry_for("thai/dga-kb/czp__faq-1.md").publisher == "DGA"  # type: ignore[union-attr]
    assert manifest.is_excluded("SOURCES.md") and not manifest.is_excluded("thai/dga-kb/index.mdx")


@pytest.mark.skipif(not SHARED_CORPUS.is_dir(), reason="reference corpus not present")
def test_every_specific_entry_names_a_file_of_the_reference_corpus() -> None:
    manifest = CorpusManifest.load(PACKAGED_MANIFEST)
    for entry in manifest.entries:
        assert list(SHARED_CORPUS.glob(entry.path)), f"{entry.path} matches no file in {SHARED_CORPUS}"


def test_apply_sets_title_and_metadata_first_match_wins(tmp_path: Path) -> None:
    (tmp_path / "manifest.toml").write_text(
        'exclude = ["catalogue.md"]\n'
        '[[documents]]\npath = "a/special.pdf"\ntitle = "Special"\nyear = 2561\n'
        '[[documents]]\npath = "a/*"\npublisher = "Ministry"\n',
        encoding="utf-8",
    )
    manifest = CorpusManifest.find(tmp_path)
    docs = [_doc("a/special.pdf"), _doc("a/other.md"), _doc("b/free.txt")]
    manifest.apply(docs)
    assert (docs[0].title, docs[0].metadata) == ("Special", {"year": "2561"})
    assert (docs[1].title, docs[1].metadata) == ("file stem", {"publisher": "Ministry"})
    assert docs[2].metadata == {}
    assert manifest.is_excluded("catalogue.md")


def test_a_folder_without_manifest_uses_the_packaged_one(tmp_path: Path) -> None:
    assert CorpusManifest.find(tmp_path).source == str(PACKAGED_MANIFEST)


def test_bad_manifest_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "manifest.toml").write_text("[[documents]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="manifest.toml is not valid TOML"):
        CorpusManifest.find(tmp_path)
    (tmp_path / "manifest.toml").write_text('[[documents]]\ntitle = "x"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="has no 'path'"):
        CorpusManifest.find(tmp_path)


def test_collection_comes_from_the_first_entry_that_names_one(tmp_path: Path) -> None:
    (tmp_path / "manifest.toml").write_text(
        '[[documents]]\npath = "public/budget.pdf"\ntitle = "Budget"\n'
        '[[documents]]\npath = "public/budget*"\ncollection = "restricted"\n'
        '[[documents]]\npath = "public/*"\ncollection = "everyone"\n',
        encoding="utf-8",
    )
    docs = [_doc("public/budget.pdf"), _doc("public/plan.md"), _doc("other/x.md")]
    for doc, folder in zip(docs, ["public", "public", "other"]):
        doc.collection = folder
    CorpusManifest.find(tmp_path).apply(docs)
    assert [(doc.title, doc.collection) for doc in docs] == [("Budget", "restricted"), ("file stem", "everyone"), ("file stem", "other")]


def test_a_bad_collection_name_names_the_entry(tmp_path: Path) -> None:
    (tmp_path / "manifest.toml").write_text('[[documents]]\npath = "a/*"\ncollection = "../up"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="documents entry 1 has collection '../up'"):
        CorpusManifest.find(tmp_path)
