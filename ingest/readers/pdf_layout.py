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
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

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
# Two pages are enough: a two-page manual printed its title and file name atop both pages, and it was
# quoted as a claim ("... (สพร.) GDX_manualcheckjuritic_01082019"); a line at the edge of both is furniture.
MIN_PAGES_FOR_RUNNING_LINES = 2


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


# A printed page number in its usual forms: "8", "- 8 -", "Page 8", "p. 8", "8 |", "| 8", "8 of 40",
# "หน้า ๘", "iv"; alone on its line, or after/before a running title with a separator between
# ("Digital Government Review | 8", "8 | Chapter 2", "คู่มือการใช้งาน หน้า 3").
_ROMAN = r"(?=[ivxlcdm])m{0,3}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})"
_PAGE_NUMBER = (
    rf"(?:[0-9\u0e50-\u0e59]{{1,3}}|{_ROMAN}|(?-i:{_ROMAN.upper()}))"  # not 4 digits: "2019" alone is a year
    rf"(?:\s*(?:of|/|จาก)\s*[0-9\u0e50-\u0e59]{{1,4}})?"
)
_PAGE_WORD = r"(?:page|pg\.?|p\.|หน้าที่|หน้า)"
_FRAME = r"[\s\-–—|•·()\[\]]*"
_PAGE_NUMBER_LINE = re.compile(
    rf"^{_FRAME}(?:{_PAGE_WORD}\s*)?{_PAGE_NUMBER}{_FRAME}$"  # the number alone
    rf"|^.{{1,80}}?(?:\s[|•·–—]|\s{{2}}|\t|หน้า|\sPage\b){_FRAME}{_PAGE_NUMBER}{_FRAME}$"  # a running title, then it
    rf"|^{_FRAME}(?:{_PAGE_WORD}\s*)?{_PAGE_NUMBER}(?:[|•·–—]|\s[|•·–—]|\s{{2}}|\t).{{1,80}}$",  # it, then a title
    re.IGNORECASE,
)


def is_page_number_line(line: str) -> bool:
    """Whether ``line`` is a printed page number, alone or with a running title beside it.

    Only lines at a page's very top or bottom are judged so (see :func:`page_furniture`): in the
    body, "2019" or "Table 3 | 8" are text.

    Example:
        >>> [is_page_number_line(line) for line in ["8", "- 8 -", "Page 8", "8 |", "หน้า ๘", "OECD Review | 12"]]
        [True, True, True, True, True, True]
        >>> [is_page_number_line(line) for line in ["0.7 is considered acceptable.", "Annex B", "civic"]]
        [False, False, False]
    """
    text = line.strip()
    return bool(text) and len(text) <= 100 and bool(_PAGE_NUMBER_LINE.match(text))


def page_furniture(lines: list[str], drop: AbstractSet[str] = frozenset()) -> set[int]:
    """Indices of the page's header and footer lines: not text of the page.

    A running line (its key in ``drop``, from :func:`find_running_lines`) among the EDGE_LINES
    lines at either end; and one page number (:func:`is_page_number_line`) a side, at the page's
    outermost edge or next to running lines there. Page numbers are found on every page, also
    those :func:`find_running_lines` misses (a document of two pages, a running title that
    changes with each chapter): a page number left in splits the sentence that a page break cuts.
    """
    edges = _edge_indices(lines)
    found = {index for index in edges if line_key(lines[index]) in drop} if drop else set()
    content = [index for index, line in enumerate(lines) if line.strip()]
    for side in (content[:EDGE_LINES], content[::-1][:EDGE_LINES]):
        for index in side:
            if index in found:
                continue  # a running line: the page number may be the next one in
            if is_page_number_line(lines[index]) and len(content) > 1:
                found.add(index)
            break  # one page number a side: "8" then "2019" is a number and a year heading
    return found


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
    if len(pages) == 2 and any(sum(bool(line.strip()) for line in lines) <= 2 * EDGE_LINES for lines in pages):
        return set()  # two short pages: every line is at an edge, a repeated one may be the text itself
    counts: Counter[str] = Counter()
    for lines in pages:
        counts.update({line_key(lines[index]) for index in _edge_indices(lines)})
    needed = max(2, RUNNING_LINE_SHARE * len(pages))
    return {key for key, count in counts.items() if key and count >= needed}


def join_lines(left: str, right: str) -> str:
    """Join two lines of one paragraph the way the printed text read (also a sentence across a page break)."""
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
            only lines at the page's top or bottom edge are dropped, and page numbers there
            always (:func:`page_furniture`).
        full_width: the visual width of a full line; 0 = measure it on this page.

    Returns:
        Paragraph texts, not yet normalised.

    Example:
        >>> rebuild_paragraphs(["This line is long enough to be full ", "and it goes on.", "", "• item"])
        ['This line is long enough to be full and it goes on.', '• item']
    """
    return [text for text, _ in rebuild_blocks(lines, drop=drop, full_width=full_width)]


def rebuild_blocks(
    lines: list[str],
    *,
    drop: AbstractSet[str] = frozenset(),
    full_width: int = 0,
    heading_levels: Mapping[int, int] | None = None,
) -> list[tuple[str, int | None]]:
    """Like :func:`rebuild_paragraphs`, but keeps heading lines apart: ``(text, level or None)``.

    Args:
        heading_levels: index into ``lines`` -> heading level (1 = outermost), from
            :func:`heading_levels`. A heading line is never joined with body text; consecutive
            heading lines of one level are one heading that wrapped.

    Example:
        >>> rebuild_blocks(["Key findings", "Governments are ", "moving."], heading_levels={0: 1})
        [('Key findings', 1), ('Governments are moving.', None)]
    """
    levels = heading_levels or {}
    furniture = page_furniture(lines, drop)
    kept = [(index, _WINGDINGS_BULLET.sub("• ", line)) for index, line in enumerate(lines) if index not in furniture]
    if not full_width:
        full_width = typical_full_width([[line for _, line in kept]])
    blocks: list[tuple[str, int | None]] = []
    current = ""
    current_level: int | None = None

    def flush() -> None:
        nonlocal current, current_level
        if current.strip():
            too_long = len(_SPACES.sub(" ", current).strip()) > MAX_HEADING_CHARS
            blocks.append((current.strip(), None if too_long else current_level))
        current, current_level = "", None

    for index, line in kept:
        if not line.strip():
            flush()
            continue
        level = levels.get(index)
        if level is not None:
            # consecutive heading lines of one level are a heading that wrapped, unless numbered
            wrapped = current_level == level and not _LIST_START.match(line)
            if current and not wrapped:
                flush()
            current = join_lines(current, line) if current else line
            current_level = level
            continue
        if current_level is not None or (current and _LIST_START.match(line) and not _NUMBER_IN_SENTENCE.match(line)):
            flush()
        current = join_lines(current, line) if current else line
        if visual_width(line) < SHORT_LINE_RATIO * full_width:
            flush()
    flush()
    return blocks


# -- headings from font size and weight ---------------------------------------------------------

# A line set this much larger than the document's body text is a heading candidate ...
HEADING_SIZE_RATIO = 1.15
# ... and one this much larger is a chapter or display title (level 1).
CHAPTER_SIZE_RATIO = 1.6
# ... and a bold line at least this share of the body size is one too (bold table text in a
# smaller font is not).
BOLD_HEADING_MIN_RATIO = 0.97
# Share of a line's characters that must have its dominant size (and weight, for bold lines).
UNIFORM_STYLE_SHARE = 0.8
MAX_HEADING_CHARS = 120
MAX_HEADING_LEVEL = 3
# This many heading lines in a row are diagram labels (a heading that wraps takes two lines).
MAX_HEADING_RUN = 3
_SENTENCE_END = re.compile("[.,;:!?\u2026\u0e2f]$")  # ฯ (paiyannoi) too
_BULLET_START = re.compile(r"^\s*[•·▪◦●○■□►▶➢✓✔\-–—*\uf0b7\uf0a7]")
# Figure and table captions look like headings but head nothing.
_CAPTION = re.compile(r"^\s*(figure|table|box|chart|graph|annex table|รูปที่|รูป|ตารางที่|ตาราง|แผนภาพที่|แผนภาพ)\s*[A-Z]?\.?[0-9\u0e50-\u0e59]", re.IGNORECASE)
_LEADER_ENTRY = re.compile(r"(\.{4,}|…{2,}|(\. ){3,})\s*[0-9\u0e50-\u0e59ivxlc]{1,4}\s*$", re.IGNORECASE)
_PAGE_NUMBER_END = re.compile(r"\s[0-9\u0e50-\u0e59]{1,3}\s*$")
_BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)


@dataclass(frozen=True)
class LineStyle:
    """The dominant font size of a printed line (in points, as printed) and whether it is bold."""

    size: float
    bold: bool
    uniform: bool  # almost all of the line's characters share that size and weight


def font_is_bold(font: Mapping[str, object] | None) -> bool:
    """Whether a PDF font dictionary names a bold face (``/Arial-BoldMT``, ``THSarabunPSK-Bold``)."""
    if not font:
        return False
    return bool(_BOLD_FONT.search(str(font.get("/BaseFont", ""))))


def printed_size(font_size: float, cm: Sequence[float], tm: Sequence[float]) -> float:
    """The printed height of text set at ``font_size`` under the text and transformation matrices."""
    c = float(tm[2]) * float(cm[0]) + float(tm[3]) * float(cm[2])
    d = float(tm[2]) * float(cm[1]) + float(tm[3]) * float(cm[3])
    return round(float(font_size) * math.hypot(c, d) * 2) / 2  # half points: 10.02 and 9.98 are one size


class LineStyleCollector:
    """A pypdf ``visitor_text`` that records the style of every extracted line.

    pypdf's plain extraction output is the concatenation of the pieces it passes to the visitor
    (checked on this corpus), so line ``n`` of ``page.extract_text()`` gets ``styles()[n]``.
    """

    def __init__(self) -> None:
        self.text_parts: list[str] = []
        self._lines: list[Counter[tuple[float, bool]]] = [Counter()]

    def __call__(self, text: str, cm: Sequence[float], tm: Sequence[float], font: object, font_size: float) -> None:
        if not text:
            return
        self.text_parts.append(text)
        try:
            key = (printed_size(font_size, cm, tm), font_is_bold(font if isinstance(font, Mapping) else None))
        except (TypeError, ValueError, IndexError):
            key = (0.0, False)
        pieces = text.split("\n")
        for number, piece in enumerate(pieces):
            if number:
                self._lines.append(Counter())
            count = len("".join(piece.split()))
            if count:
                self._lines[-1][key] += count

    def styles(self, text: str) -> list[LineStyle | None]:
        """One style per line of ``text`` (the page's extracted text); all None if it does not match."""
        lines = text.split("\n")
        if "".join(self.text_parts) != text or len(self._lines) != len(lines):
            return [None] * len(lines)
        return [_line_style(counts) for counts in self._lines]


def _line_style(counts: Counter[tuple[float, bool]]) -> LineStyle | None:
    total = sum(counts.values())
    if not total:
        return None
    sizes: Counter[float] = Counter()
    bold = 0
    for (size, is_bold), count in counts.items():
        sizes[size] += count
        bold += count if is_bold else 0
    size, size_count = sizes.most_common(1)[0]
    if size <= 0:
        return None
    is_bold = bold >= UNIFORM_STYLE_SHARE * total
    uniform = size_count >= UNIFORM_STYLE_SHARE * total and (is_bold or bold <= (1 - UNIFORM_STYLE_SHARE) * total)
    return LineStyle(size=size, bold=is_bold, uniform=uniform)


def body_size(pages: list[list[str]], styles: list[list[LineStyle | None]], full_width: int = 0) -> float:
    """The font size of the document's running text: the size with the most characters in lines
    that wrapped at a space (paragraph lines; table cells and labels rarely wrap), else in all
    lines. 0 when nothing is known."""
    wrapped: Counter[float] = Counter()
    every: Counter[float] = Counter()
    for lines, line_styles in zip(pages, styles):
        for line, style in zip(lines, line_styles):
            if style is None:
                continue
            count = len("".join(line.split()))
            every[style.size] += count
            # wrapped at a space, or a full Thai line wrapped between two words (no space)
            if line.strip() and (line.endswith(" ") or (full_width and re.search(f"[{_THAI}]$", line)
                                                        and visual_width(line) >= SHORT_LINE_RATIO * full_width)):
                wrapped[style.size] += count
    counts = wrapped if sum(wrapped.values()) >= 200 else every
    return counts.most_common(1)[0][0] if counts else 0.0


def _heading_text_ok(line: str) -> bool:
    text = _SPACES.sub(" ", line).strip()
    letters = sum(ch.isalpha() for ch in text)
    if not 2 <= len(text) <= MAX_HEADING_CHARS or letters < 2 or letters < 0.5 * len(text.replace(" ", "")):
        return False
    if _SENTENCE_END.search(text) or _SYMBOL_GLYPHS.match(text):
        return False
    return not text[0].islower()  # "management": the tail of a wrapped label, not a heading


def heading_levels(
    pages: list[list[str]],
    styles: list[list[LineStyle | None]],
    *,
    drop: AbstractSet[str] = frozenset(),
    full_width: int = 0,
) -> list[dict[int, int]]:
    """Per page, the heading lines: line index -> level 1..3.

    A heading line is set in one size and weight, short (at most 120 characters), mostly letters
    and not ending like a sentence. Its level comes from its size relative to the body text:
    1 at 1.6 x body or more (chapter and display titles), 2 at 1.15 x or more, 3 for a bold line
    at body size that stands alone (shorter than a full line, not a list item, not the last line
    of a bold paragraph). Fixed bands rather than a rank of the sizes found: a cover page's
    display sizes would otherwise take the outer levels. Running headers and footers (``drop``)
    are never headings.
    """
    if not full_width:
        full_width = typical_full_width(pages)
    body = body_size(pages, styles, full_width)
    result: list[dict[int, int]] = []
    for lines, line_styles in zip(pages, styles):
        found: dict[int, int] = {}
        result.append(found)
        if body <= 0 or is_contents_page(lines):
            continue
        previous: str = ""
        previous_style: LineStyle | None = None
        for index, (line, style) in enumerate(zip(lines, line_styles)):
            after, after_style = previous, previous_style
            if line.strip():
                previous, previous_style = line, style
            if style is None or not style.uniform or line_key(line) in drop:
                continue
            if not _heading_text_ok(line) or _CAPTION.match(line):
                continue
            if style.size >= HEADING_SIZE_RATIO * body:
                found[index] = 1 if style.size >= CHAPTER_SIZE_RATIO * body else 2
            elif (
                style.bold
                and style.size >= BOLD_HEADING_MIN_RATIO * body
                and visual_width(line) < SHORT_LINE_RATIO * full_width
                and not _BULLET_START.match(line)
                and not (
                    after_style == style
                    and index - 1 not in found
                    and visual_width(after) >= SHORT_LINE_RATIO * full_width
                )
            ):
                found[index] = MAX_HEADING_LEVEL
        _drop_label_runs(found, lines)
    return result


def _drop_label_runs(found: dict[int, int], lines: list[str]) -> None:
    """Forget runs of MAX_HEADING_RUN or more heading lines with no body line between: the labels of
    a diagram or a list set in large type, not sections (they would head what follows)."""
    run: list[int] = []
    for index, line in enumerate([*lines, "body"]):
        if index in found:
            run.append(index)
        elif line.strip():
            if len(run) >= MAX_HEADING_RUN:
                for member in run:
                    del found[member]
            run = []


def is_contents_page(lines: list[str]) -> bool:
    """A table of contents or list of figures: lines with dot leaders ("Rationale ..... 6"), or
    most lines are words ending with a page number ("1 Introduction 7").

    Its title ("Table of contents", "สารบัญ") is no heading: it would head the whole document.
    """
    content = [line for line in lines if line.strip()]
    with_leaders = sum(1 for line in content if _LEADER_ENTRY.search(line))
    if with_leaders >= max(2, 0.25 * len(content)):
        return True
    entries = 0
    for line in content:  # "1 Introduction 7": words, then a page number (not a table row of figures)
        ending = _PAGE_NUMBER_END.search(line)
        chars = "".join(line.split())
        entries += bool(ending) and sum(ch.isalpha() for ch in chars) >= 0.6 * len(chars)
    return len(content) >= 5 and entries >= 0.5 * len(content)


def typical_full_width(pages: list[list[str]]) -> int:
    """The width of a full line: the 90th percentile of the line widths (0 when there are none).

    Not the maximum, which one long table row or contents line would set; rounded up, so that a
    short page with few lines uses its longest line.
    """
    widths = sorted(visual_width(line) for lines in pages for line in lines if line.strip())
    if not widths:
        return 0
    return widths[math.ceil(0.9 * (len(widths) - 1))]


# -- sentences cut by a page break ----------------------------------------------------------------

# A paragraph ending with one of these ends a sentence (or a heading-like label): not cut.
_SENTENCE_FINAL = re.compile("[.!?…:;。\u0e2f\u0e46\"'”’)\\]]$")
_CONTINUES_LATIN = re.compile(r"^[a-z(]")  # "no later than ...": a sentence does not start lowercase
_OPEN_END = re.compile(r"[,\-–(/]$")  # a sentence cannot end here
# A number inside a sentence ("0.7 is considered", "30 per cent of", "2017 และ"), not a list or
# section number ("1. ", "2) ", "3.1 Scope"): a figure, then a lower-case or Thai word.
# A Thai word may follow a whole number only: "3.1 ขอบเขต" is a section heading.
_NUMBER_IN_SENTENCE = re.compile(
    "^[0-9\u0e50-\u0e59]+(?:,[0-9\u0e50-\u0e59]{3})*(?:[.,][0-9\u0e50-\u0e59]+%?\\s+[a-z]|%?\\s+[a-z\u0e01-\u0e4e])"
)


def last_line_is_full(lines: list[str], *, drop: AbstractSet[str] = frozenset(), full_width: int = 0) -> bool:
    """Whether the page's last line of text (running footers left out) runs to the full line width."""
    furniture = page_furniture(lines, drop)
    kept = [line for index, line in enumerate(lines) if line.strip() and index not in furniture]
    if not kept:
        return False
    if not full_width:
        full_width = typical_full_width([kept])
    return visual_width(kept[-1]) >= SHORT_LINE_RATIO * full_width


def continues_sentence(previous: str, following: str, *, previous_line_full: bool) -> bool:
    """Whether ``following`` (the first paragraph of a page) continues the sentence that ends ``previous``.

    True when ``previous`` has no sentence end and either ``following`` starts in lowercase (English
    does not start a sentence so), or ``previous`` ends on a comma, hyphen or open bracket, or
    (Thai, which has no sentence punctuation) both are Thai and the page's last line ran to the full
    width: the text wrapped onto the next page. A list item or section number starting ``following``
    is new; a figure in a sentence ("0.7 is considered", "30 มิถุนายน") continues a full last line.

    Example:
        >>> continues_sentence("approves the catalogue of every ministry", "no later than 30 June.", previous_line_full=False)
        True
        >>> continues_sentence("The committee met.", "no later than 30 June.", previous_line_full=True)
        False
        >>> continues_sentence("In general, a coefficient of above", "0.7 is acceptable.", previous_line_full=True)
        True
    """
    previous, following = previous.rstrip(), following.lstrip()
    if not previous or not following or _SENTENCE_FINAL.search(previous):
        return False
    if _NUMBER_IN_SENTENCE.match(following):  # "a coefficient of above | 0.7 is considered ..."
        return previous_line_full or _OPEN_END.search(previous) is not None
    if _LIST_START.match(following):
        return False
    if _CONTINUES_LATIN.match(following) or _OPEN_END.search(previous):
        return True
    thai = re.compile(f"[{_THAI}]")
    return previous_line_full and bool(thai.match(previous[-1])) and bool(thai.match(following[0]))
