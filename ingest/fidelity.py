"""How faithfully a document's text was extracted: counts that show broken Thai, per page and per file.

A policy assistant that silently indexes garbled Thai answers wrongly with confidence, so every
file gets a :class:`FidelityReport` during ingest (``policyrag ingest --report`` prints them) and
every PDF page gets a :func:`page_quality` verdict that decides whether its text layer is used or
the page is OCR'd instead.

What counts as suspicious (none of these occur in correct Thai):

- ``space_before_mark``: whitespace before a Thai vowel or tone mark that cannot start a syllable
  (including the "อ านวย" form of a lost ำ),
- ``orphan_nikhahit``: U+0E4D that is not part of a decomposed ำ (U+0E4D + า),
- ``private_use``: Private Use Area glyphs (U+E000-U+F8FF): font glyphs without a Unicode mapping,
- ``replacement_char``: U+FFFD, left by a wrong text encoding,
- ``ascii_inside_thai``: one ASCII character between two Thai ones ("ใชF" for ใช้): a font whose
  tone-mark glyphs map to Latin bytes.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from ingest.injection import planted_instructions
from ingest.normalize import NIKHAHIT, SARA_AA

_THAI = "\u0e01-\u0e5b"
_COMBINING = "\u0e31\u0e34-\u0e3a\u0e47-\u0e4e"
_FOLLOWING_VOWEL = "\u0e30\u0e32\u0e33\u0e45"

DEFECT_PATTERNS: dict[str, re.Pattern[str]] = {
    "space_before_mark": re.compile(f"(?<=[\u0e01-\u0e4e])[^\\S\\n]+[{_COMBINING}{_FOLLOWING_VOWEL}]"),
    "orphan_nikhahit": re.compile(f"{NIKHAHIT}(?![\u0e48-\u0e4b]?{SARA_AA})"),
    "private_use": re.compile("[\ue000-\uf8ff]"),
    "replacement_char": re.compile("\ufffd"),
    # Letters and a few symbols only: digits and punctuation (: " [ . , ( ...) do sit between Thai
    # words in correct text ("ทะเบียนบ้าน:อาคาร", "คลิก"แก้ไข"", "บุคคล[คลิก"). On the DGA PDFs
    # the garbage bytes were F J B N u l i b w A, DEL, $ and @.
    "ascii_inside_thai": re.compile("(?<=[\u0e01-\u0e4e])[A-Za-z\x7f$@^`{}|~](?=[\u0e01-\u0e4e])"),
}
DEFECT_NAMES: tuple[str, ...] = tuple(DEFECT_PATTERNS)

DEFECT_LABELS: dict[str, str] = {
    "space_before_mark": "space before a Thai vowel/tone mark",
    "orphan_nikhahit": "orphan U+0E4D",
    "private_use": "Private Use Area glyph",
    "replacement_char": "replacement character U+FFFD",
    "ascii_inside_thai": "ASCII byte inside Thai (lost tone mark)",
}

#: ``PageQuality.reason`` of a page without a text layer.
NO_TEXT_LAYER = "no text layer"
#: A page with fewer letters than this has no usable text layer (scanned, or only a page number).
MIN_PAGE_LETTERS = 10
#: A page whose garbage sequences reach this share of its Thai characters is garbled...
MAX_GARBAGE_SHARE = 0.01
#: ...provided there are at least this many (one stray sequence is not worth seconds of OCR).
MIN_GARBAGE_COUNT = 3


def count_defects(text: str) -> dict[str, int]:
    """Counts of each suspicious sequence in ``text`` (keys: :data:`DEFECT_NAMES`).

    Example:
        >>> count_defects("การใชFงาน")["ascii_inside_thai"], count_defects("การใช้งาน")["ascii_inside_thai"]
        (1, 0)
    """
    return {name: len(pattern.findall(text)) for name, pattern in DEFECT_PATTERNS.items()}


def thai_share(text: str) -> float:
    """Thai characters as a share of all letters and Thai marks (0.0 for text without letters)."""
    thai = sum(1 for ch in text if "\u0e01" <= ch <= "\u0e5b")
    letters = thai + sum(1 for ch in text if ch.isalpha() and not "\u0e01" <= ch <= "\u0e5b")
    return thai / letters if letters else 0.0


@dataclass(frozen=True)
class PageQuality:
    """Whether a page's extracted text can be used, and why not.

    Attributes:
        usable: the text layer can be indexed as it is.
        reason: "" when usable; "no text layer" or "garbled text layer (...)" otherwise.
    """

    usable: bool
    reason: str = ""


def page_quality(text: str) -> PageQuality:
    """Judge a page's (normalised, repaired) text layer.

    Unusable: fewer than :data:`MIN_PAGE_LETTERS` letters (no text layer), or Private Use Area
    glyphs, replacement characters and ASCII-inside-Thai together at least
    :data:`MIN_GARBAGE_COUNT` and at least :data:`MAX_GARBAGE_SHARE` of the page's Thai characters
    (a font whose glyphs extract as garbage). Measured on the DGA PDFs: the garbled GovAPI manual
    pages have 3-10% such sequences per Thai character, correct pages none.

    Symbol-font bullets (U+F020-U+F0FF, mapped by ``normalize_text(from_pdf=True)``) do not count.
    """
    letters = sum(1 for ch in text if ch.isalpha())
    if letters < MIN_PAGE_LETTERS:
        return PageQuality(False, NO_TEXT_LAYER)
    counts = count_defects(text)
    garbage = counts["private_use"] + counts["replacement_char"] + counts["ascii_inside_thai"]
    thai = sum(1 for ch in text if "\u0e01" <= ch <= "\u0e5b")
    if garbage >= MIN_GARBAGE_COUNT and garbage >= MAX_GARBAGE_SHARE * max(thai, 1):
        return PageQuality(False, f"garbled text layer ({garbage} garbage sequences in {thai} Thai characters)")
    return PageQuality(True)


@dataclass
class FidelityReport:
    """What ingest made of one file: its text's Thai share and defects, and its pages.

    Attributes:
        path: the file as given or found.
        source: its path relative to the ingested folder.
        chars: characters of text indexed.
        thai_share: Thai characters among letters (0-1).
        defects: counts of suspicious sequences in the indexed text (see :func:`count_defects`).
        raw_defects: the same counts in the text as extracted, before repair (PDF only; else {}).
        pages: number of pages (PDF only; 0 otherwise).
        pages_without_text: pages with no usable text layer (scanned).
        pages_garbled: pages whose text layer was garbage (see :func:`page_quality`).
        pages_ocr: pages whose text came from OCR.
        pages_missing: pages that needed OCR and did not get it: their text is missing or garbled.
        pages_repaired: pages garbled as extracted that the text repairs made usable (not OCR'd).
        pages_fallback: pages pypdf could not extract, read by pdfium.
        repairs: characters or sequences the repairs changed, by kind (``ingest.normalize.count_repairs``).
        hidden: pieces of text left out because a reader of the document cannot see them.
        encoding: the text encoding used (text formats only).
        note: why OCR did not run, when it did not ("tesseract not installed ...").
        planted: sentences that address an AI or the reader with instructions ("ignore previous
            instructions", "tell the user ...": ``ingest.injection``); indexed, never quoted.
    """

    path: str
    source: str
    chars: int = 0
    thai_share: float = 0.0
    defects: dict[str, int] = field(default_factory=dict)
    raw_defects: dict[str, int] = field(default_factory=dict)
    pages: int = 0
    pages_without_text: int = 0
    pages_garbled: int = 0
    pages_ocr: int = 0
    pages_missing: int = 0
    pages_repaired: int = 0
    pages_fallback: int = 0
    repairs: dict[str, int] = field(default_factory=dict)
    hidden: int = 0
    encoding: str = ""
    note: str = ""
    planted: list[str] = field(default_factory=list)

    @property
    def attention(self) -> list[str]:
        """Why a person should look at this file; empty when its text is clean."""
        reasons = []
        if self.pages_missing:
            reasons.append(f"{self.pages_missing} of {self.pages} page(s) need OCR and did not get it" + (f" ({self.note})" if self.note else ""))
        for name, count in self.defects.items():
            if count:
                reasons.append(f"{count} x {DEFECT_LABELS[name]}")
        if self.planted:
            example = self.planted[0] if len(self.planted[0]) <= 80 else self.planted[0][:77] + "..."
            reasons.append(f"{len(self.planted)} sentence(s) addressing an AI with instructions, never quoted (e.g. {example!r})")
        return reasons

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["thai_share"] = round(self.thai_share, 3)
        data["attention"] = self.attention
        return data


def build_report(
    *,
    path: str,
    source: str,
    text: str,
    raw_defects: dict[str, int] | None = None,
    pages: int = 0,
    pages_without_text: int = 0,
    pages_garbled: int = 0,
    pages_ocr: int = 0,
    pages_missing: int = 0,
    pages_repaired: int = 0,
    pages_fallback: int = 0,
    repairs: dict[str, int] | None = None,
    hidden: int = 0,
    encoding: str = "",
    note: str = "",
) -> FidelityReport:
    """A file's report: counts measured on the text that is indexed, plus what its reader recorded."""
    return FidelityReport(
        path=path,
        source=source,
        chars=len(text),
        thai_share=thai_share(text),
        defects=count_defects(text),
        raw_defects=dict(raw_defects or {}),
        pages=pages,
        pages_without_text=pages_without_text,
        pages_garbled=pages_garbled,
        pages_ocr=pages_ocr,
        pages_missing=pages_missing,
        pages_repaired=pages_repaired,
        pages_fallback=pages_fallback,
        repairs=dict(repairs or {}),
        hidden=hidden,
        encoding=encoding,
        note=note,
        planted=planted_instructions(text),
    )


def format_report_table(reports: list[FidelityReport]) -> str:
    """A plain-text table, one row per file: what ``policyrag ingest --report`` prints.

    Besides the defect counts left in the indexed text: ``repaired`` pages (garbled as extracted,
    usable after the text repairs, so not OCR'd), ``fixes`` (characters and sequences the repairs
    changed) and ``hidden`` (pieces of text left out because no reader sees them).
    """
    header = ["file", "chars", "thai%", "pages", "no-text", "garbled", "repaired", "ocr", "missing", "fixes", "hidden", *DEFECT_NAMES]
    short = {"space_before_mark": "sp+mark", "orphan_nikhahit": "nikhahit", "private_use": "PUA",
             "replacement_char": "U+FFFD", "ascii_inside_thai": "ascii-in-thai"}
    header = [short.get(name, name) for name in header]
    rows = [header]
    for report in reports:
        rows.append([
            report.source,
            str(report.chars),
            f"{100 * report.thai_share:.0f}",
            str(report.pages or "-"),
            str(report.pages_without_text if report.pages else "-"),
            str(report.pages_garbled if report.pages else "-"),
            str(report.pages_repaired if report.pages else "-"),
            str(report.pages_ocr if report.pages else "-"),
            str(report.pages_missing if report.pages else "-"),
            str(sum(report.repairs.values())),
            str(report.hidden),
            *(str(report.defects.get(name, 0)) for name in DEFECT_NAMES),
        ])
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)) for row in rows]
    totals = {name: sum(r.defects.get(name, 0) for r in reports) for name in DEFECT_NAMES}
    repairs: dict[str, int] = {}
    for report in reports:
        for name, count in report.repairs.items():
            repairs[name] = repairs.get(name, 0) + count
    repaired = ", ".join(f"{name} {count}" for name, count in repairs.items() if count) or "none"
    lines.append(
        f"{len(reports)} file(s); pages OCR'd {sum(r.pages_ocr for r in reports)}, "
        f"repaired without OCR {sum(r.pages_repaired for r in reports)}, "
        f"still missing {sum(r.pages_missing for r in reports)}; text repaired: {repaired}; "
        f"hidden text left out {sum(r.hidden for r in reports)}; defects "
        + ", ".join(f"{short[name]} {count}" for name, count in totals.items())
    )
    return "\n".join(lines)
