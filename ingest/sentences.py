"""Split text into spans (start, end offsets) at line, sentence and word boundaries.

The chunker needs offsets, not strings, so that every chunk is an exact slice of the document
text. Thai has no sentence punctuation: pythainlp's CRF sentence model ("crfcut", bundled, works
offline) finds the boundaries; English uses a punctuation rule.
"""

from __future__ import annotations

import re

from ingest.lang import detect_lang

Span = tuple[int, int]

_LINES = re.compile(r"[^\n]+")
_WORDS = re.compile(r"\S+")
# A sentence ends at . ! ? … (plus closing quotes/brackets) before a space and a capital, digit,
# opening quote or Thai letter: "e.g. the" and "3.5 million" are not split.
_EN_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9\u0e01-\u0e4e])")
_THAI_ABBREVIATION_END = re.compile(r"[\u0e01-\u0e4e]\.[)\]]?$")


def _trimmed(text: str, start: int, end: int) -> Span | None:
    """The span without surrounding whitespace, or None when only whitespace is left."""
    piece = text[start:end]
    stripped = piece.strip()
    if not stripped:
        return None
    offset = start + (len(piece) - len(piece.lstrip()))
    return offset, offset + len(stripped)


def _locate(text: str, pieces: list[str], start: int, end: int) -> list[Span]:
    """Offsets of consecutive pieces of ``text[start:end]`` found in order.

    Tokenisers may drop or alter whitespace; each piece is searched for after the previous one so
    the spans stay exact whatever they return. A piece that is not found ends the search and the
    rest of the text becomes one span.
    """
    spans: list[Span] = []
    position = start
    for piece in pieces:
        needle = piece.strip()
        if not needle:
            continue
        found = text.find(needle, position, end)
        if found < 0:
            break
        spans.append((found, found + len(needle)))
        position = found + len(needle)
    rest = _trimmed(text, position, end)
    if rest:
        spans.append(rest)
    return spans


def line_spans(text: str, start: int, end: int) -> list[Span]:
    """Non-blank lines of ``text[start:end]``, trimmed."""
    spans = (_trimmed(text, start + m.start(), start + m.end()) for m in _LINES.finditer(text[start:end]))
    return [span for span in spans if span]


def _thai_sentences(text: str) -> list[str]:
    from pythainlp.tokenize import sent_tokenize  # imported on first use: English-only runs skip it

    return [str(sentence) for sentence in sent_tokenize(text, engine="crfcut")]


def sentence_spans(text: str, start: int, end: int) -> list[Span]:
    """Sentences of ``text[start:end]``: crfcut for Thai, punctuation for English."""
    piece = text[start:end]
    if detect_lang(piece) != "th":
        return _locate(text, _EN_SENTENCE_END.split(piece), start, end)
    # crfcut also cuts inside Thai abbreviations ("ก.พ." | "ร."). Thai ends a sentence with a
    # space, never a full stop, so a cut with no space before it or right after "<Thai>." is undone.
    spans: list[Span] = []
    for span in _locate(text, _thai_sentences(piece), start, end):
        if spans and (spans[-1][1] == span[0] or _THAI_ABBREVIATION_END.search(text, spans[-1][0], spans[-1][1])):
            spans[-1] = (spans[-1][0], span[1])
        else:
            spans.append(span)
    return spans


def word_spans(text: str, start: int, end: int) -> list[Span]:
    """Words of ``text[start:end]``: whitespace-separated tokens, and Thai runs cut into words.

    Thai writes no space between words, so a long Thai run is segmented with pythainlp's newmm
    dictionary tokenizer (offline) to avoid cutting a word in half.
    """
    spans: list[Span] = []
    for match in _WORDS.finditer(text, start, end):
        token = match.group(0)
        if len(token) > 40 and detect_lang(token) == "th":
            from pythainlp.tokenize import word_tokenize

            spans.extend(_locate(text, word_tokenize(token, engine="newmm"), match.start(), match.end()))
        else:
            spans.append((match.start(), match.end()))
    return spans
