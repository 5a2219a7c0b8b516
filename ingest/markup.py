"""Plain text of a passage for people to read: Markdown and HTML marks removed, offsets kept.

Passages keep what their file held: a ``.txt`` file written in Markdown keeps its ``#### **4.
สรุป...**``, a wiki export its ``[[links]]``, an HTML fragment in Markdown its ``<b>`` tags. The
index needs that text as it is (chunk offsets point into it), but a quote or a source card must
show "4. สรุป..." and never the marks. :func:`plain_text` gives the cleaned text;
:func:`plain_with_offsets` also gives, for each character kept, its offset in the original, so
the sentences an answer quotes (offsets into the original) can be highlighted in the clean text.

What is removed: heading marks (``#``..``######`` at a line start, closing ``#``), emphasis
(``**``, ``__``, ``*word*``, ``~~``), inline code backticks, wiki links (``[[target|text]]`` ->
text), Markdown links and images (``[text](url)`` -> text, ``![alt](url)`` -> nothing), HTML tags
of known elements (``<br>`` -> a space; a placeholder such as ``<OfficeID>`` is text and stays),
block quote marks, table separator rows (``|---|---|``), backslash escapes and the common HTML
entities. Bullets (``-``, ``*``, ``+``, ``•``) at a line start become "• "; numbers ("3.", "b)")
stay, with one space after them ("b)Governments" -> "b) Governments").
"""

from __future__ import annotations

import html
import re

_HTML_ELEMENTS = (
    "a|abbr|b|big|blockquote|body|br|caption|center|cite|code|col|colgroup|dd|del|details|dfn|div|dl|dt|em|"
    "figcaption|figure|font|footer|h[1-6]|head|header|hr|html|i|img|ins|kbd|li|main|mark|nav|ol|p|pre|q|s|"
    "section|small|span|strike|strong|sub|summary|sup|table|tbody|td|tfoot|th|thead|tr|tt|u|ul|article|aside|label"
)

# Each rule: a pattern and what replaces the match, as a function of the match (None: the
# groups named "keep" stay, everything else of the match goes).
_RULES: list[re.Pattern[str]] = [
    # a table separator row: the whole line goes
    re.compile(r"(?m)^[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)+\|?[ \t]*$"),
    # images: nothing is left (also a broken one with the path run in before its parenthesis:
    # "![alt]../../assets(@assets/images/x.png)", as MDX exports write relative asset paths)
    re.compile(r"!\[[^\]\n]*\][^\s()\[\]]*\([^)\n]*\)"),
    # wiki links [[target|text]] / [[text]]
    re.compile(r"\[\[(?:[^\]|\n]*\|)?(?P<keep>[^\]\n]*)\]\]"),
    # Markdown links [text](url "title") and reference links [text][ref]
    # (never a citation or reference mark: "[1][2]", "(OECD, 2014[2])" stay as they are)
    re.compile(r"\[(?P<keep>(?!\d+\])[^\]\n]+)\](?:\([^)\s]*(?:\s+\"[^\"\n]*\")?\)|\[(?!\d+\])[^\]\n]*\])"),
    # HTML tags of real elements, opening, closing or self-closing (attributes included)
    re.compile(rf"</?(?:{_HTML_ELEMENTS})(?:\s[^<>]*)?/?>", re.IGNORECASE),
    re.compile(r"<!--.*?-->", re.DOTALL),
    # ATX heading marks at a line start, and a closing run of #
    re.compile(r"(?m)^[ \t]{0,3}#{1,6}[ \t]+"),
    re.compile(r"(?m)[ \t]+#+[ \t]*$"),
    # block quote marks
    re.compile(r"(?m)^[ \t]{0,3}(?:>[ \t]?)+"),
    # strong / emphasis / strike: paired marks around text
    re.compile(r"(\*\*|__)(?=\S)(?P<keep>.+?)(?<=\S)\1", re.DOTALL),
    re.compile(r"~~(?=\S)(?P<keep>.+?)(?<=\S)~~"),
    re.compile(r"(?<![\w*])\*(?=[^\s*])(?P<keep>[^*\n]+?)(?<=[^\s*])\*(?![\w*])"),
    # inline code
    re.compile(r"`+(?P<keep>[^`\n]+)`+"),
    # stray emphasis runs left over (an unpaired ** or __)
    re.compile(r"\*\*+|(?<![\w])__+|__+(?![\w])"),
    # backslash escapes of Markdown punctuation: the backslash goes
    re.compile(r"\\(?P<keep>[\\`*_{}\[\]()#+\-.!|>~])"),
]
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_ENTITY = re.compile(r"&(?:[a-zA-Z]{2,8}|#\d{2,6}|#x[0-9a-fA-F]{2,5});")
_BULLET = re.compile(r"(?m)^(?P<indent>[ \t]*)(?P<mark>[-*+•▪◦·●○■□➢➤►]|\uf0b7|\uf0a7)[ \t]+(?=\S)")
# "b)Governments", "3.The": a list number glued to its text
_GLUED_NUMBER = re.compile(r"(?m)^(?P<mark>[ \t]*(?:\(?[0-9]{1,2}[.)]|\(?[a-z]\)|\(?[ivx]{1,4}\)))(?=[A-Za-z\u0e01-\u0e4e])")


def _edits(text: str) -> list[tuple[int, int, str]]:
    """Non-overlapping (start, end, replacement) edits that turn ``text`` into its plain form."""
    edits: list[tuple[int, int, str]] = []
    taken = [False] * (len(text) + 1)

    def free(start: int, end: int) -> bool:
        return not any(taken[start:end])

    def take(start: int, end: int, replacement: str) -> None:
        edits.append((start, end, replacement))
        for position in range(start, end):
            taken[position] = True

    for match in _BR.finditer(text):
        take(match.start(), match.end(), " ")
    for pattern in _RULES:
        for match in pattern.finditer(text):
            if match.end() == match.start() or not free(match.start(), match.end()):
                continue
            keep = match.groupdict().get("keep")
            if keep is None:
                take(match.start(), match.end(), "")
                continue
            keep_start, keep_end = match.span("keep")
            # only the marks around the kept text go; the kept text may still hold other marks
            if keep_start > match.start() and free(match.start(), keep_start):
                take(match.start(), keep_start, "")
            if match.end() > keep_end and free(keep_end, match.end()):
                take(keep_end, match.end(), "")
    for match in _ENTITY.finditer(text):
        if free(match.start(), match.end()):
            value = html.unescape(match.group(0))
            if value != match.group(0):
                take(match.start(), match.end(), value.replace("\xa0", " "))
    for match in _BULLET.finditer(text):
        if free(match.start("mark"), match.end()):
            take(match.start("mark"), match.end(), "• ")
    for match in _GLUED_NUMBER.finditer(text):
        if free(match.end("mark"), match.end("mark")):
            take(match.end("mark"), match.end("mark"), " ")
    return sorted(edits, key=lambda edit: (edit[0], edit[1]))


def plain_with_offsets(text: str) -> tuple[str, list[int]]:
    """``(plain, origin)``: the text without marks, and for each of its characters the offset of
    the character of ``text`` it comes from (an inserted or replaced character maps to the start of
    what it replaced). ``len(origin) == len(plain)``.

    Example:
        >>> plain, origin = plain_with_offsets("#### **4. Summary**")
        >>> plain, origin[0]
        ('4. Summary', 7)
    """
    pieces: list[str] = []
    origin: list[int] = []
    position = 0
    for start, end, replacement in _edits(text):
        if start < position:
            continue
        pieces.append(text[position:start])
        origin.extend(range(position, start))
        pieces.append(replacement)
        origin.extend([start] * len(replacement))
        position = end
    pieces.append(text[position:])
    origin.extend(range(position, len(text)))
    return "".join(pieces), origin


def plain_text(text: str) -> str:
    """``text`` without Markdown/HTML marks (see the module doc), whitespace as it was.

    Example:
        >>> plain_text("See [[Digital ID|the digital ID]] and **once-only** <b>now</b>")
        'See the digital ID and once-only now'
    """
    return plain_with_offsets(text)[0]


def plain_span(origin: list[int], start: int, end: int) -> tuple[int, int]:
    """The span of the plain text that shows ``text[start:end]`` (``origin`` from
    :func:`plain_with_offsets`): the first and past-the-last plain characters taken from it."""
    import bisect

    first = bisect.bisect_left(origin, start)
    last = bisect.bisect_left(origin, end)
    return first, max(first, last)


def has_markup(text: str) -> bool:
    """True when :func:`plain_text` would change more than whitespace and bullets."""
    return any(replacement not in ("• ", " ") for _, _, replacement in _edits(text))
