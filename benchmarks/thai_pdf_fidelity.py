"""Thai PDF fidelity before and after policyrag's repairs and OCR, on the DGA PDFs of the corpus.

For every PDF in ``../shared/corpus/thai/dga-kb`` three texts are compared:

* **raw**: pypdf ``extract_text()`` of every page, as a naive pipeline indexes it;
* **repaired**: policyrag's PDF reader with OCR off (Unicode normalisation, legacy Thai Private
  Use Area glyphs, ligatures, the Thai repairs of ``ingest.normalize``, Symbol-font bullets);
* **final**: policyrag's PDF reader with OCR ``auto`` (pages without a usable text layer read by
  tesseract ``tha+eng``), i.e. what ``policyrag ingest`` indexes.

Counted in each: the suspicious sequences of ``ingest.fidelity.count_defects`` (space before a
Thai mark, orphan U+0E4D, Private Use Area glyphs, U+FFFD, ASCII inside Thai), the lost-ำ
signature of ``ingest.normalize.count_thai_pdf_defects`` and decomposed U+0E4D, characters, and
pages without text. OCR time per page is measured when pages are not yet in the OCR cache
(``--no-cache`` forces that, in a temporary cache).

Run:  python -m benchmarks.thai_pdf_fidelity              (all 10 PDFs; 75 OCR pages: about 6 min uncached)
      python -m benchmarks.thai_pdf_fidelity --ocr scanned  (the 16 pages without a text layer only)
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pypdf

from benchmarks.xquad import machine_info, write_json
from ingest.fidelity import DEFECT_NAMES, count_defects
from ingest.model import document_text
from ingest.normalize import count_thai_pdf_defects
from ingest.ocr import PageOCR, default_ocr_cache_dir
from ingest.readers.pdf import PDFReader, quiet_pypdf

DEFAULT_FOLDER = Path("/work/shared/corpus/thai/dga-kb")
RESULTS_DIR = Path(__file__).resolve().parent / "results"
KINDS = (*DEFECT_NAMES, "lost_sara_am", "nikhahit_any")


def counts(text: str) -> dict[str, int]:
    """All counted kinds for one text."""
    legacy = count_thai_pdf_defects(text)
    return {**count_defects(text), "lost_sara_am": legacy["lost_sara_am"], "nikhahit_any": legacy["nikhahit"]}


def raw_text(path: Path) -> tuple[str, int]:
    """pypdf's text of every page, and the number of pages with no text at all."""
    with quiet_pypdf():
        pages = [page.extract_text() or "" for page in pypdf.PdfReader(path).pages]
    return "\n".join(pages), sum(1 for page in pages if not page.strip())


def measure(folder: Path, ocr: PageOCR, ocr_mode: str) -> dict[str, Any]:
    files: list[dict[str, Any]] = []
    for path in sorted(folder.glob("*.pdf")):
        raw, raw_empty = raw_text(path)
        repaired_doc = PDFReader(detect_headings=False).run(path, path.name)
        before = (ocr.stats.pages_read, ocr.stats.seconds)
        final_doc = PDFReader(detect_headings=False, ocr=ocr, ocr_garbled=ocr_mode == "auto").run(path, path.name)
        pages_read, seconds = ocr.stats.pages_read - before[0], ocr.stats.seconds - before[1]
        final = document_text(final_doc)
        files.append(
            {
                "file": path.name,
                "pages": final_doc.extraction.pages,
                "pages_without_text_raw": raw_empty,
                "pages_garbled": final_doc.extraction.pages_garbled,
                "pages_repaired": final_doc.extraction.pages_repaired,
                "pages_ocr": final_doc.extraction.pages_ocr,
                "repairs": final_doc.extraction.repairs,
                "hidden_dropped": final_doc.extraction.hidden_dropped,
                "pages_missing": final_doc.extraction.pages_missing,
                "ocr_pages_read": pages_read,
                "ocr_seconds": round(seconds, 1),
                "chars": {"raw": len(raw), "repaired": len(document_text(repaired_doc)), "final": len(final)},
                "raw": counts(raw),
                "repaired": counts(document_text(repaired_doc)),
                "final": counts(final),
            }
        )
        print(f"{path.name[:60]}: {pages_read} page(s) OCR'd in {seconds:.0f} s", flush=True)
    totals = {stage: {kind: sum(f[stage][kind] for f in files) for kind in KINDS} for stage in ("raw", "repaired", "final")}
    read = sum(f["ocr_pages_read"] for f in files)
    return {
        "files": files,
        "totals": totals,
        "pages": sum(f["pages"] for f in files),
        "pages_without_text_raw": sum(f["pages_without_text_raw"] for f in files),
        "pages_ocr": sum(f["pages_ocr"] for f in files),
        "pages_repaired": sum(f["pages_repaired"] for f in files),
        "pages_garbled": sum(f["pages_garbled"] for f in files),
        "repairs": {kind: sum(f["repairs"].get(kind, 0) for f in files) for kind in sorted({k for f in files for k in f["repairs"]})},
        "pages_missing": sum(f["pages_missing"] for f in files),
        "ocr_pages_read": read,
        "ocr_seconds_per_page": round(sum(f["ocr_seconds"] for f in files) / read, 1) if read else None,
    }


def markdown(result: dict[str, Any]) -> str:
    header = "| stage | " + " | ".join(KINDS) + " | pages without text |"
    lines = [header, "|" + "---|" * (len(KINDS) + 2)]
    empty = {"raw": result["pages_without_text_raw"], "repaired": result["pages_without_text_raw"], "final": result["pages_missing"]}
    for stage in ("raw", "repaired", "final"):
        lines.append(f"| {stage} | " + " | ".join(str(result["totals"][stage][k]) for k in KINDS) + f" | {empty[stage]} |")
    lines.append("")
    lines.append(
        f"pages {result['pages']}; OCR'd {result['pages_ocr']}; garbled after repair {result['pages_garbled']}; "
        f"repaired without OCR {result['pages_repaired']}; repairs {result['repairs']}"
    )
    lines.append("")
    lines.append("| file | pages | OCR'd | " + " | ".join(f"{k} raw->final" for k in ("private_use", "ascii_inside_thai", "space_before_mark")) + " |")
    lines.append("|---|---|---|---|---|---|")
    for f in result["files"]:
        cells = [f"{f['raw'][k]}->{f['final'][k]}" for k in ("private_use", "ascii_inside_thai", "space_before_mark")]
        lines.append(f"| {f['file'][:50]} | {f['pages']} | {f['pages_ocr']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, default=DEFAULT_FOLDER)
    parser.add_argument("--ocr", choices=["auto", "scanned"], default="auto")
    parser.add_argument("--no-cache", action="store_true", help="OCR every page again (temporary cache)")
    parser.add_argument("--out", type=Path, default=RESULTS_DIR / "thai_pdf_fidelity.json")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory() as scratch:
        cache = Path(scratch) if args.no_cache else default_ocr_cache_dir()
        ocr = PageOCR(cache_dir=cache, show_progress=True)
        reason = ocr.unavailable_reason()
        if reason:
            raise SystemExit(reason)
        started = time.perf_counter()
        machine = machine_info()
        result = measure(args.folder, ocr, args.ocr)
        record = {
            "benchmark": "thai_pdf_fidelity",
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "folder": str(args.folder),
            "ocr": args.ocr,
            "seconds": round(time.perf_counter() - started, 1),
            "machine_start": machine,
            "machine_end": machine_info(),
            **result,
        }
    write_json(args.out, record)
    print(markdown(result))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
