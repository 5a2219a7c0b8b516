"""Related across languages: a passage's closest passages in the other language, filtered."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.retrieval import HybridRetriever, RetrievalWeights
from index.retrieval.related import RelatedPassages
from tests.conftest import HashEmbedder
from tests.index.retrieval.conftest import build_index

# The hashing encoder matches words, so each Thai passage shares its English twin's Latin terms.
DOCUMENTS = {
    "th/once-only.md": ["หลัก Once-Only Principle ประชาชนไม่ต้องยื่นข้อมูลซ้ำ", "การชำระเงิน e-Payment ผ่าน PromptPay"],
    "en/oecd.md": ["Once-Only Principle citizens provide data once", "e-Payment through PromptPay and cards"],
    "en/other.md": ["Cloud First Policy for agencies"],
    "en/secret.md": ["Once-Only Principle secret draft for ministers"],
}


def _retriever(tmp_path: Path, collections: dict[str, str] | None = None) -> HybridRetriever:
    index = build_index(tmp_path, DOCUMENTS, collections)
    return HybridRetriever(index, [HashEmbedder(dimension=256)], RetrievalWeights(dense=(1.0,)))


def test_a_thai_passage_finds_its_english_counterpart_first(tmp_path: Path) -> None:
    retriever = _retriever(tmp_path)
    hits = retriever.related("th/once-only.md", chunk=1, k=2)
    assert hits[0].chunk.text == "e-Payment through PromptPay and cards"
    assert all(hit.chunk.lang == "en" for hit in hits)


def test_the_passage_own_document_and_language_are_left_out(tmp_path: Path) -> None:
    retriever = _retriever(tmp_path)
    hits = retriever.related("en/oecd.md", chunk=0, k=5)
    assert hits and all(hit.chunk.source == "th/once-only.md" for hit in hits)


def test_collections_never_show_a_passage_the_caller_may_not_read(tmp_path: Path) -> None:
    collections = {source: "public" for source in DOCUMENTS} | {"en/secret.md": "cabinet"}
    retriever = _retriever(tmp_path, collections)
    assert "en/secret.md" in {hit.chunk.source for hit in retriever.related("th/once-only.md", chunk=0, k=5)}
    hits = retriever.related("th/once-only.md", chunk=0, k=5, collections={"public"})
    assert hits and "en/secret.md" not in {hit.chunk.source for hit in hits}
    with pytest.raises(ValueError, match="not a document"):
        retriever.related("en/secret.md", chunk=0, k=5, collections={"public"})


def test_unknown_passage_says_what_exists(tmp_path: Path) -> None:
    retriever = _retriever(tmp_path)
    with pytest.raises(ValueError, match="has no passage 7 .*numbered 0-1"):
        retriever.related("th/once-only.md", chunk=7)


def test_a_missing_page_names_the_pages_and_a_page_of_a_file_without_pages_says_so(tmp_path: Path) -> None:
    """Page 999 of a PDF said "(it has 315 passage(s))"; a page of a Markdown file said the same."""
    from index.analyzer import ThaiEnglishAnalyzer
    from index.storage import IndexWriter, OpenIndex
    from ingest.model import Block, Chunk, Document

    texts = {"en/report.pdf": ["Once-Only Principle", "Cloud First Policy", "Digital identity"], "th/faq.md": ["หลัก Once-Only Principle"]}
    documents, chunks = [], []
    for source, passages in texts.items():
        documents.append(Document(source=source, title="", blocks=[Block(text) for text in passages], lang=source[:2]))  # type: ignore[arg-type]
        pdf = source.endswith(".pdf")
        for number, text in enumerate(passages):
            page = 3 + number if pdf else None  # pages 3-5 of the PDF hold passages
            chunks.append(Chunk(f"{source}#{number}", source, "", text, page, (), source[:2], 0, len(text)))  # type: ignore[arg-type]
    IndexWriter([HashEmbedder(dimension=64)], ThaiEnglishAnalyzer(), passage_template="{text}", show_progress=False).run(documents, chunks, tmp_path)
    retriever = HybridRetriever(OpenIndex(tmp_path), [HashEmbedder(dimension=64)], RetrievalWeights(dense=(1.0,)))
    assert retriever.related("en/report.pdf", page=4, k=1)[0].chunk.source == "th/faq.md"
    with pytest.raises(ValueError, match=r"en/report.pdf has no page 999 in this index: its pages are 3-5$"):
        retriever.related("en/report.pdf", page=999)
    with pytest.raises(ValueError, match=r"th/faq.md has no pages \(pages apply to PDFs\): ask for one of its passages by number instead \(chunk 0-0\)"):
        retriever.related("th/faq.md", page=2)


def test_one_document_takes_at_most_two_places(tmp_path: Path) -> None:
    """A Thai seminar summary about every OECD topic took 9 of the 10 places for the OECD Once-Only
    passage; the Thai control that applies the principle came 8th."""
    documents = {
        "en/oecd.md": ["Once-Only Principle citizens provide data once to government"],
        "th/seminar.md": [f"สัมมนา Once-Only Principle citizens provide data ครั้งที่ {number}" for number in range(6)],
        "th/control.md": ["มาตรฐาน PS-04 Once-Only Principle ขอข้อมูลครั้งเดียว"],
    }
    index = build_index(tmp_path, documents)
    retriever = HybridRetriever(index, [HashEmbedder(dimension=256)], RetrievalWeights(dense=(1.0,)))
    sources = [hit.chunk.source for hit in retriever.related("en/oecd.md", chunk=0, k=3)]
    assert sources.count("th/seminar.md") == 2 and "th/control.md" in sources


def test_a_whole_document_with_some_english_passages_still_finds_english_ones(tmp_path: Path) -> None:
    """A Thai seminar summary quotes English session titles: every language its passages had was
    left out, and the document had no related passages at all."""
    documents = {
        "th/seminar.md": ["สัมมนา Once-Only Principle ประชาชนไม่ต้องยื่นข้อมูลซ้ำ", "การชำระเงิน e-Payment ผ่าน PromptPay", "SESSION 3. User-driven design"],
        "en/oecd.md": ["Once-Only Principle citizens provide data once", "e-Payment through PromptPay and cards"],
    }
    retriever = HybridRetriever(build_index(tmp_path, documents), [HashEmbedder(dimension=256)], RetrievalWeights(dense=(1.0,)))
    hits = retriever.related("th/seminar.md", k=3)
    assert [hit.chunk.source for hit in hits] == ["en/oecd.md", "en/oecd.md"]


def test_data_passages_are_no_related_passages(tmp_path: Path) -> None:
    """A Thai standard's control was answered with an e-payment error-code enum: it shares names
    with many passages, and says nothing a researcher can follow across languages."""
    enum = (
        'payment = 1, [Description("ชำระเงินผ่านธนาคาร")] request = 2, [Description("คำขอผิดพลาด")] invalid = 999, '
        '[Description("ปลายทางขัดข้อง")] endpoint = 12, service = 13, unavailable = 14'
    )
    prose = "การชำระเงิน payment ผ่านระบบ เมื่อ request ผิดพลาด ระบบจะแจ้งให้หน่วยงานทราบ"
    documents = {"en/oecd.md": ["payment request invalid endpoint service unavailable"], "th/ktb.md": [enum, prose]}
    index = build_index(tmp_path, documents)
    retriever = HybridRetriever(index, [HashEmbedder(dimension=256)], RetrievalWeights(dense=(1.0,)))
    assert [hit.chunk.text for hit in retriever.related("en/oecd.md", chunk=0, k=3)] == [prose]
    # the enum is the closest Thai passage by its words: only leaving out data keeps it out
    unfiltered = RelatedPassages(index, (1.0,), skip_data=False).run([0], k=3)
    assert index.store.get([unfiltered[0][0]])[0].text == enum


def test_reference_lists_and_outlines_are_no_related_passages(tmp_path: Path) -> None:
    """An OECD report's bibliography and a page's list of headings and links share the names a
    passage speaks of, and say nothing: they were offered as "related" neighbours."""
    bibliography = (
        "บรรณานุกรม\n\nสำนักงานพัฒนารัฐบาลดิจิทัล. (2563). Once-Only Principle data sharing. สืบค้นจาก https://www.dga.or.th/once-only\n\n"
        "OECD (2019), Once-Only Principle: data sharing across agencies, OECD Publishing, Paris, https://doi.org/10.1787/once-only."
    )
    outline = "Once-Only Principle\n\nสหรัฐอเมริกา\n\nusa.gov data sharing\n\nสิงคโปร์\n\ngov.sg"
    prose = "หลัก Once-Only Principle ประชาชนไม่ต้องยื่นข้อมูลซ้ำ เพราะหน่วยงานของรัฐแลกเปลี่ยนข้อมูล data sharing กันเอง"
    documents = {"en/oecd.md": ["Once-Only Principle data sharing across agencies"], "th/refs.md": [bibliography], "th/links.md": [outline], "th/seminar.md": [prose]}
    index = build_index(tmp_path, documents)
    retriever = HybridRetriever(index, [HashEmbedder(dimension=256)], RetrievalWeights(dense=(1.0,)))
    assert [hit.chunk.text for hit in retriever.related("en/oecd.md", chunk=0, k=3)] == [prose]
    # both are close by their words: only leaving them out keeps them out
    unfiltered = {index.store.get([row])[0].text for row, _ in RelatedPassages(index, (1.0,), skip_data=False).run([0], k=3)}
    assert unfiltered == {bibliography, outline, prose}
