"""The scanned DGA PDFs become searchable through OCR (slow: tesseract on 16 pages, then the real models).

The first run on a machine OCRs the pages (about 5 s each on 2 cores); the results are cached
in the user cache (``~/.cache/policyrag/ocr`` or ``$POLICYRAG_CACHE_DIR/ocr``), so later runs take
seconds. Needs ``apt-get install tesseract-ocr tesseract-ocr-tha`` (``.ci/run`` installs it).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ingest.loader import DocumentLoader
from ingest.model import document_text
from ingest.ocr import PageOCR
from tests.conftest import SHARED

DGA = SHARED / "corpus" / "thai" / "dga-kb"
if not DGA.is_dir():
    DGA = Path("/work/shared/corpus/thai/dga-kb")

#: The three scanned PDFs, each with a phrase from its OCR text and a question a user would type.
SCANNED = {
    "files__20180920113012.pdf": (
        "โปรแกรมสำหรับอ่านข้อมูลจากบัตรประจำตัวประชาชน",
        "ข้อตกลงว่าด้วยการขอใช้โปรแกรมสำหรับอ่านข้อมูลจากบัตรประจำตัวประชาชน กับกรมการปกครอง",
    ),
    "files__หนังสือขออนุญาตเชื่อมโยงข้อมูลกรมพัฒนาธุรกิจการค้า.pdf": (
        "ข้อมูลทางทะเบียนนิติบุคคลผ่านระบบ Web Service",
        "หนังสือขอความอนุเคราะห์เชื่อมโยงข้อมูลทะเบียนนิติบุคคลจากกรมพัฒนาธุรกิจการค้า",
    ),
    "files__ระเบียบสำนักทะเบียนกลาง-ว่าด้วยการคุ้มครองและจัดการข้อมูลทะเบียนประวัติราษฎร-พ.ศ.2561.pdf": (
        "ทะเบียนประวัติราษฎร",
        "ระเบียบสำนักทะเบียนกลางว่าด้วยการคุ้มครองและจัดการข้อมูลทะเบียนประวัติราษฎร",
    ),
}

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not DGA.is_dir(), reason="reference corpus not found (shared/corpus)"),
]


@pytest.fixture(scope="module", autouse=True)
def tesseract() -> None:
    reason = PageOCR(cache_dir=None).unavailable_reason()
    if reason:
        if os.environ.get("POLICYRAG_REQUIRE_OCR") == "1":
            pytest.fail(f"POLICYRAG_REQUIRE_OCR=1 but {reason}")
        pytest.skip(reason)


def test_scanned_pdfs_are_read_by_ocr() -> None:
    result = DocumentLoader(show_progress=False, ocr="scanned").run([DGA / name for name in SCANNED], root=DGA)
    assert result.skipped == []
    by_source = {document.source: document for document in result.documents}
    reports = {report.source: report for report in result.fidelity}
    for name, (phrase, _) in SCANNED.items():
        document = by_source[name]
        assert document.lang == "th"
        assert phrase in document_text(document), name
        report = reports[name]
        assert report.pages_ocr == report.pages_without_text == report.pages > 0
        assert report.pages_missing == 0
        assert report.defects["private_use"] == report.defects["replacement_char"] == 0


def test_scanned_pdfs_are_found_by_search(tmp_path: Path) -> None:
    """Index the whole DGA folder (50 files) and find each scanned PDF by a question about it."""
    from assistant.api import PolicyRAG, build_index
    from assistant.settings import Settings

    settings = Settings(index_dir=tmp_path / "index", show_progress=False, ocr="scanned")
    report = build_index([DGA], settings)
    assert not [item for item in report.failed if Path(item.path).name in SCANNED]
    rag = PolicyRAG.open(settings.index_dir, settings)
    try:
        for name, (phrase, question) in SCANNED.items():
            for query in (phrase, question):
                sources = [hit.chunk.source for hit in rag.search(query, k=3)]
                assert name in sources, (query, sources)
    finally:
        rag.close()
