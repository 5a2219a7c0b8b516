"""Rebuild paragraphs from the line-broken text that pypdf extracts, and drop running headers.

pypdf gives one line per printed line and no paragraph marks. What it does give, checked on this
corpus's PDFs:

- a line that wrapped at a space ends with that space ("...of the OECD. The opinions "), in Thai
  and English alike;
- a Thai line that wrapped between two words has no trailing space, because Thai writes no space
  between words: joining it with a space would put a space inside a phrase, so it is joined
  without one ("การแก้ไขเพิ่มเติม" + "กฎหมาย");
- an English line ending in "-" without a space is a compound word that wrapped ("e-" +
  "government", "user-" + "driven"): every case in the OECD PDFs is one, so the hyphen is kept and
  no space is added;
- a paragraph's last line is usually shorter than the full lines of the page, and list items start
  with a bullet or a number;
- headers and footers (title, "© OECD 2024", page numbers) repeat on most pages.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Set as AbstractSet

_THAI = "\u0e01-\u0e4e"
_COMBINING = re.compile("[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")
_DIGITS = re.compile("[0-9\u0e50-\u0e59]+")
_SPACES = re.compile(r"\s+")
_SYMBOL_GLYPHS = re.compile("[\ue000-\uf8ff|]")
_LIST_START = re.compile(
    r"^\s*(?:[•·▪◦●○■□►▶➢✓✔\-–—*\uf0b7\uf0a7]"  # bullets (PDF symbol-font bullets too)
    r"|\(?[0-9\u0e50-\u0e59]{1,3}(?:\.[0-9\u0e50-\u0e59]{1,3})+\.?\s"  # 1.1 / ๑.๒.
    r"|\(?[0-9\u0e50-\u0e59]{1,3}[.)]\s?"  # 1. / 2) / (๓)
    r"|\(?[a-zA-Z\u0e01-\u0e2e][.)]\s"  # a) / ก.
    r"|ข้อ\s*[0-9\u0e50-\u0e59])"
)
# Wingdings bullets that pypdf maps to ASCII letters ("qคณะรัฐมนตรี..."): a Latin letter glued
# to Thai at the start of a line is never real text.
_WINGDINGS_BULLET = re.compile(f"^\\s*[qvnüØ§](?=[{_THAI}])")

# A line shorter than this share of the page's full lines ends its paragraph.
SHORT_LINE_RATIO = 0.7
# Lines looked at for running headers and footers at each end of a page.
EDGE_LINES = 3
# A line is a running header or footer when it is at a page edge on at least this share of pages.
RUNNING_LINE_SHARE = 0.4  # below one half: books alternate even and odd page headers
MIN_PAGES_FOR_RUNNING_LINES = 3


def visual_width(line: str) -> int:
    """Characters that take horizontal space: Thai vowel and tone marks sit above or below."""
    return len(_COMBINING.sub("", line.strip()))


def line_key(line: str) -> str:
    """A line with digits masked and symbol glyphs dropped, so that "page 3" and "page 4" (or
    "2 |" on even pages and "| 3" on odd ones) count as the same footer."""
    line = _SYMBOL_GLYPHS.sub("", line)
    return _DIGITS.sub("#", _SPACES.sub(" ", line).strip())


def _edge_indices(lines: list[str]) -> list[int]:
    """Indices of the first and last EDGE_LINES non-blank lines."""
    content = [index for index, line in enumerate(lines) if line.strip()]
    if len(content) <= 2 * EDGE_LINES:
        return content
    return content[:EDGE_LINES] + content[-EDGE_LINES:]


def find_running_lines(pages: list[list[str]]) -> set[str]:
    """Keys (see :func:`line_key`) of lines that sit at the top or bottom of most pages.

    Example:
        >>> pages = [["Report 2024", *(f"text {c}{p}" for c in "abcdefg"), f"- {n} -"]
        ...          for n, p in enumerate("xyz", 1)]
        >>> sorted(find_running_lines(pages))
        ['- # -', 'Report #']
    """
    pages = [lines for lines in pages if any(line.strip() for line in lines)]  # scanned pages don't vote
    if len(pages) < MIN_PAGES_FOR_RUNNING_LINES:
        return set()
    counts: Counter[str] = Counter()
    for lines in pages:
        counts.update({line_key(lines[index]) for index in _edge_indices(lines)})
    needed = max(2, RUNNING_LINE_SHARE * len(pages))
    return {key for key, count in counts.items() if key and count >= needed}


def _join(left: str, right: str) -> str:
    """Join two lines of one paragraph the way the printed text read."""
    right = right.strip()
    if left.endswith("\u00ad"):  # soft hyphen: the word continues
        return left[:-1] + right
    stripped = left.rstrip()
    if stripped != left:  # the line wrapped at a space
        return f"{stripped} {right}"
    if not stripped or not right:
        return stripped + right
    last, first = stripped[-1], right[0]
    if re.match(f"[{_THAI}]", last) and re.match(f"[{_THAI}]", first):
        return stripped + right  # Thai wrapped between two words
    if last == "-" and len(stripped) > 1 and stripped[-2].isalpha() and first.isalpha():
        return stripped + right  # a compound word wrapped after its hyphen
    return f"{stripped} {right}"


def rebuild_paragraphs(lines: list[str], *, drop: AbstractSet[str] = frozenset(), full_width: int = 0) -> list[str]:
    """Group a page's lines into paragraphs and join each paragraph's lines.

    Args:
        lines: the page's lines as pypdf gives them (trailing spaces kept: they matter).
        drop: keys of running header/footer lines to leave out, from :func:`find_running_lines`;
            only lines at the page's top or bottom edge are dropped.
        full_width: the visual width of a full line; 0 = measure it on this page.

    Returns:
        Paragraph texts, not yet normalised.

    Example:
        >>> rebuild_paragraphs(["This line is long enough to be full ", "and it goes on.", "", "• item"])
        ['This line is long enough to be full and it goes on.', '• item']
    """
    edges = set(_edge_indices(lines)) if drop else set()
    kept = [
        _WINGDINGS_BULLET.sub("• ", line)
        for index, line in enumerate(lines)
        if not (index in edges and line_key(line) in drop)
    ]
    if not full_width:
        full_width = typical_full_width([kept])
    paragraphs: list[str] = []
    current = ""

    def flush() -> None:
        nonlocal current
        if current.strip():
            paragraphs.append(current.strip())
        current = ""

    for line in kept:
        if not line.strip():
            flush()
            continue
        if current and _LIST_START.match(line):
            flush()
        current = _join(current, line) if current else line
        if visual_width(line) < SHORT_LINE_RATIO * full_width:
            flush()
    flush()
    return paragraphs


def typical_full_width(pages: list[list[str]]) -> int:
    """The width of a full line: the 90th percentile of the line widths (0 when there are none).

    Not the maximum, which one long table row or contents line would set; rounded up, so that a
    short page with few lines uses its longest line.
    """
    widths = sorted(visual_width(line) for lines in pages for line in lines if line.strip())
    if not widths:
        return 0
    return widths[math.ceil(0.9 * (len(widths) - 1))]
