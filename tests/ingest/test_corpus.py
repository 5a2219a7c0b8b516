"""Slow checks on the reference corpus in shared/corpus (skipped when it is not there)."""

from __future__ import annotations

import statistics
from pathlib import Path

import pypdf
import pytest

from ingest import Chunker, DocumentLoader
from ingest.model import BLOCK_SEPARATOR, document_text
from ingest.normalize import count_thai_pdf_defects
from ingest.readers.pdf import PDFReader, quiet_pypdf

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
if not CORPUS.is_dir():
    CORPUS = Path("/work/shared/corpus")
THAI_PDFS = CORPUS / "thai" / "dga-kb"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CORPUS.is_dir(), reason="reference corpus not found (shared/corpus)"),
]


def test_cabinet_decision_pdf_repaired() -> None:
    path = THAI_PDFS / "files__cabinetDoc161018.pdf"
    text = document_text(PDFReader().run(path, path.name))
    assert "อำนวยความสะดวก" in text
    assert "ดำเนินการ" in text
    assert "อ านวย" not in text and "ด าเนิน" not in text


def test_repair_removes_thai_pdf_defects() -> None:
    before = after = 0
    for path in sorted(THAI_PDFS.glob("*.pdf")):
        with quiet_pypdf():
            raw = "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(path).pages)
        before += count_thai_pdf_defects(raw)["lost_sara_am"]
        after += count_thai_pdf_defects(document_text(PDFReader().run(path, path.name)))["lost_sara_am"]
    assert before > 100
    assert after == 0


def test_whole_corpus_loads_and_chunks() -> None:
    result = DocumentLoader(show_progress=False, ocr="off").run([CORPUS])  # OCR: test_ocr_corpus.py
    assert len(result.documents) >= 50
    # Failed: the three scanned DGA PDFs (OCR off here); left out: index pages with only front matter.
    assert len(result.failed) == 3
    assert all(skip.reason.startswith("no text layer on its ") for skip in result.failed), result.failed
    assert all(skip.reason.startswith("no extractable text") for skip in result.skipped if not skip.failed)
    chunker = Chunker()
    chunks = [chunk for document in result.documents for chunk in chunker.run(document)]
    assert 800 <= len(chunks) <= 3000
    assert {chunk.lang for chunk in chunks} == {"th", "en"}
    assert 400 <= statistics.median(len(chunk.text) for chunk in chunks) <= 800
    assert max(len(chunk.text) for chunk in chunks) <= 800 * 1.3


def test_every_sentence_cut_by_a_page_break_is_whole_in_one_passage_of_the_next_page() -> None:
    result = DocumentLoader(show_progress=False, ocr="off").run(sorted(CORPUS.rglob("*.pdf")), CORPUS)
    breaks = moved = 0
    for document in result.documents:
        chunks = Chunker().run(document)
        offset = 0
        for block in document.blocks:
            for at, page in block.page_breaks:
                breaks += 1
                cut = offset + at  # where the next page's text begins in document_text
                [holding] = [c for c in chunks if c.start < cut < c.end]  # one passage holds the cut sentence
                assert page in (holding.page, holding.page_end), (document.source, page)
                # no passage ends inside the cut sentence (a head over half a passage stays, overlapped as usual)
                moved += not [c for c in chunks if holding.start < c.end < cut]
            offset += len(block.text) + len(BLOCK_SEPARATOR)
    assert breaks >= 20  # measured (OCR off): 30 paragraphs cut by a page break, all 30 sentences moved
    assert moved >= 0.9 * breaks


def test_thai_overlaps_open_with_a_sentence() -> None:
    """Of the DGA knowledge base's Thai chunk overlaps that started mid-line, 20 of 45 opened with
    a clause that goes on ("และ...", "ควรพิจารณา...", "จึงควร...": no subject) with main's chunker
    at stop 21; now 0 of 22 (the others start at a line, or at a sentence with its subject)."""
    from ingest.quotable import opens_mid_sentence

    paths = sorted(path for path in THAI_PDFS.iterdir() if path.suffix in (".md", ".mdx"))
    documents = DocumentLoader(show_progress=False).run(paths).documents
    chunker = Chunker()
    mid_sentence = overlaps = 0
    for document in documents:
        chunks = chunker.run(document)
        for previous, chunk in zip(chunks, chunks[1:]):
            if chunk.lang != "th" or not previous.start < chunk.start < previous.end:
                continue
            if previous.text[chunk.start - previous.start - 1] != "\n":  # a line start is a start
                overlaps += 1
                mid_sentence += opens_mid_sentence(chunk.text[:60])
    assert overlaps >= 10 and mid_sentence <= 2, (overlaps, mid_sentence)
