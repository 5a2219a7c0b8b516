"""Cut documents into passages for indexing, following the document's structure.

Why structure first: a passage that is one section or a few whole paragraphs reads well when
cited and embeds one topic. Only a block longer than ``max_chars`` is split, first at its line
breaks (tables, lists, code), then at sentence ends (pythainlp's crfcut for Thai, punctuation for
English), then between words, and as a last resort every ``max_chars`` characters.

Every chunk is an exact slice ``document_text(doc)[start:end]`` so that the index can point back
into the document. Pages are chunk boundaries, so that a PDF citation names the page where the
passage is printed, also inside a paragraph that a page break cuts (the PDF reader keeps it one
block and records where the next page begins: ``Block.page_breaks``). The sentence cut there
moves whole into the passage that starts the next page: the previous page's passage ends before
it, so no passage ends mid-sentence and the answerers can only quote the sentence whole, once. That
passage is cited by the next page, where the sentence ends and the passage's other text is printed
(its first words are at the foot of the previous page). A head longer than half of ``max_chars``
is not moved (the passages then overlap as usual). The one exception to the page boundary: a
break inside a word (a compound hyphenated across it, "data-|driven") is moved to the word's end,
so the word stays whole in the passage where it starts, which then ends on the next page
(``Chunk.page_end``, cited "pp. 3-4").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from ingest.lang import passage_lang
from ingest.model import BLOCK_SEPARATOR, Block, Chunk, Document, document_text
from ingest.sentences import Span, line_spans, sentence_spans, word_spans

# A tiny piece may make its neighbour this much longer than max_chars rather than stand alone.
MERGE_TOLERANCE = 1.3
_WHITESPACE = re.compile(r"\s+")
_NOT_SPACE = re.compile(r"\S+")
_THAI = re.compile("[\u0e01-\u0e4e]")


@dataclass(frozen=True)
class _Piece:
    """The smallest unit the packer moves: a whole block, or a line/sentence/word of a long one."""

    start: int
    end: int
    page: int | None
    block: int
    starts_heading: bool  # the first piece of a heading block
    page_end: int | None = None  # where the piece ends, when a word cut by a page break ends it there
    continues: bool = False  # the first piece of a page inside a block: it continues a cut sentence

    @property
    def last_page(self) -> int | None:
        return self.page_end if self.page_end is not None else self.page


@dataclass
class _Span:
    start: int
    end: int
    page: int | None
    first: _Piece  # the first piece that is new in this chunk (not overlap)
    pieces: list[_Piece] = field(default_factory=list)

    @property
    def length(self) -> int:
        return self.end - self.start

    @property
    def last_page(self) -> int | None:
        """The page the chunk ends on."""
        return self.pieces[-1].last_page if self.pieces else self.page


class Chunker:
    """Splits a :class:`Document` into :class:`Chunk` passages.

    Consecutive blocks of one page are packed into a chunk up to ``max_chars``; a new page starts
    a new chunk, also inside a block that a page break cuts (``Block.page_breaks``); a heading
    starts a new chunk once the current one has ``min_chars``. The next chunk on the same page
    starts with the last sentence(s) of the previous one, up to ``overlap_chars`` (or the last
    sentence alone when it is longer, up to half of ``max_chars``), unless it starts with a
    heading. A chunk that continues a sentence cut by a page break starts with that sentence's
    head, which the previous chunk gives up (up to half of ``max_chars``; the previous chunk is
    dropped when nothing of its own is left). A chunk shorter than ``min_chars`` that does not start with
    a heading or continue a cut sentence is merged into its neighbour on the same page when the
    result stays within 1.3 x ``max_chars``.

    Each chunk's ``heading_path`` is that of its first (non-overlap) block; when that block is a
    heading, the heading itself is included (the chunk is the section under it).

    Args:
        max_chars: longest chunk in characters; up to 30 % more when a tiny remainder is merged
            or a heading is kept with its first paragraph.
        overlap_chars: characters repeated from the end of the previous chunk, as whole sentences
            (a single longer last sentence up to max_chars // 2 is repeated whole); 0 disables.
        min_chars: a chunk shorter than this is "tiny": a heading does not close it, and it is
            merged into a neighbour when possible.

    Example:
        >>> from ingest.model import Block, Document
        >>> doc = Document(source="a.md", title="A", blocks=[Block("Intro"), Block("Text.")])
        >>> [(c.chunk_id, c.text) for c in Chunker().run(doc)]
        [('a.md#0', 'Intro\\n\\nText.')]
    """

    def __init__(self, max_chars: int = 800, overlap_chars: int = 120, min_chars: int = 200) -> None:
        for name, value in (("max_chars", max_chars), ("overlap_chars", overlap_chars), ("min_chars", min_chars)):
            if not isinstance(value, int) or isinstance(value, bool):
                raise ValueError(f"{name} must be an integer, got {value!r}")
        if max_chars < 20:
            raise ValueError(f"max_chars must be at least 20 characters, got {max_chars}")
        if not 0 <= overlap_chars <= max_chars // 2:
            raise ValueError(
                f"overlap_chars must be between 0 and max_chars // 2 ({max_chars // 2}), got {overlap_chars}"
            )
        if not 0 <= min_chars <= max_chars:
            raise ValueError(f"min_chars must be between 0 and max_chars ({max_chars}), got {min_chars}")
        self.max_chars = max_chars
        self.overlap_chars = overlap_chars
        self.min_chars = min_chars

    def to_dict(self) -> dict[str, int]:
        """The settings, to save with an index and rebuild the same chunker."""
        return {"max_chars": self.max_chars, "overlap_chars": self.overlap_chars, "min_chars": self.min_chars}

    @classmethod
    def from_dict(cls, data: dict[str, int]) -> Chunker:
        return cls(**data)

    def run(self, document: Document) -> list[Chunk]:
        """Chunk one document; chunks are numbered ``f"{source}#{ordinal}"`` from 0 in reading order."""
        text = document_text(document)
        pieces = self._pieces(document, text)
        spans = self._merge_tiny(self._pack(pieces, text))
        chunks: list[Chunk] = []
        for ordinal, span in enumerate(spans):
            block = document.blocks[span.first.block]
            heading_path = block.heading_path + ((block.text,) if block.is_heading else ())
            chunk_text = text[span.start : span.end]
            chunks.append(
                Chunk(
                    chunk_id=f"{document.source}#{ordinal}",
                    source=document.source,
                    title=document.title,
                    text=chunk_text,
                    page=span.page,
                    heading_path=heading_path,
                    lang=passage_lang(chunk_text, document.lang),
                    start=span.start,
                    end=span.end,
                    page_end=span.last_page,
                    collection=document.collection,
                )
            )
        return chunks

    # -- pieces ---------------------------------------------------------------------------------

    def _pieces(self, document: Document, text: str) -> list[_Piece]:
        pieces: list[_Piece] = []
        offset = 0
        for index, block in enumerate(document.blocks):
            start = offset
            offset = start + len(block.text) + len(BLOCK_SEPARATOR)
            for part, (part_start, part_end, page, page_end) in enumerate(_page_parts(text, block, start)):
                if part:  # the cut sentence's end is a piece of its own: its head moves in before it (_pack)
                    first_end = sentence_spans(text, part_start, part_end)[0][1]
                    rest = _rest(text, first_end, part_end)
                    spans = self._split(text, part_start, first_end, 0) + (self._split(text, *rest, 0) if rest[0] < rest[1] else [])
                else:
                    spans = self._split(text, part_start, part_end, 0)
                for number, (piece_start, piece_end) in enumerate(spans):
                    pieces.append(
                        _Piece(
                            piece_start,
                            piece_end,
                            page,
                            index,
                            starts_heading=block.is_heading and part == 0 and number == 0,
                            page_end=page_end if number == len(spans) - 1 else None,
                            continues=part > 0 and number == 0,
                        )
                    )
        return pieces

    def _split(self, text: str, start: int, end: int, level: int) -> list[Span]:
        """Spans of at most max_chars covering ``text[start:end]``, cut at the coarsest boundary."""
        if end - start <= self.max_chars:
            return [(start, end)]
        splitters: list[Callable[[str, int, int], list[Span]]] = [line_spans, sentence_spans, word_spans]
        if level >= len(splitters):  # one "word" longer than max_chars: cut it
            return [(cut, min(cut + self.max_chars, end)) for cut in range(start, end, self.max_chars)]
        spans = splitters[level](text, start, end)
        result: list[Span] = []
        for span_start, span_end in spans:
            result.extend(self._split(text, span_start, span_end, level + 1))
        return result

    # -- packing --------------------------------------------------------------------------------

    def _pack(self, pieces: list[_Piece], text: str) -> list[_Span]:
        spans: list[_Span] = []
        current: _Span | None = None
        for piece in pieces:
            if current is not None and self._extends(current, piece):
                current.end = piece.end
                current.pieces.append(piece)
                continue
            start = piece.start
            if current is not None:
                carried = self._carry_start(current, text, piece) if piece.continues else None
                if carried is not None:
                    # the cut sentence moves whole into the next page's chunk: no chunk ends inside it
                    start = carried
                    if _cut_back(current, text, start):  # a chunk with nothing of its own left is dropped
                        spans.append(current)
                else:
                    spans.append(current)
                    overlap = None
                    # a cut sentence whose head is too long to move gets the usual overlap
                    if piece.continues or (current.last_page == piece.page and not piece.starts_heading):
                        overlap = self._overlap_start(current, text)
                    if overlap is not None and piece.end - overlap <= self.max_chars:
                        start = overlap
            # cited by the page where its first sentence ends: a cut sentence by the page that finishes it
            current = _Span(start=start, end=piece.end, page=piece.page, first=piece, pieces=[piece])
        if current is not None:
            spans.append(current)
        return spans

    def _extends(self, current: _Span, piece: _Piece) -> bool:
        """Whether ``piece`` joins the current chunk."""
        if piece.continues or piece.page != current.last_page:
            return False
        if piece.starts_heading and current.length >= self.min_chars:
            return False
        limit = self.max_chars
        if all(p.starts_heading for p in current.pieces):  # keep a heading with its first paragraph
            limit = int(self.max_chars * MERGE_TOLERANCE)
        return piece.end - current.start <= limit

    def _overlap_start(self, previous: _Span, text: str) -> int | None:
        """Where the next chunk starts inside ``previous``: its last sentence(s) within overlap_chars.

        When the last sentence alone is longer, the next chunk repeats that whole sentence if it is
        at most half of max_chars; only a longer one falls back to the first word boundary inside
        the last overlap_chars characters. None when there is no boundary (or overlap is off).
        """
        if not self.overlap_chars:
            return None
        earliest = previous.end - self.overlap_chars
        last = previous.pieces[-1]
        starts = [piece.start for piece in previous.pieces]
        if last.end - last.start > self.overlap_chars:  # look for sentence ends inside the last piece
            starts += [start for start, _ in sentence_spans(text, last.start, last.end)]
        # A block's or a page's first piece starts where the document does (a paragraph, or the page
        # that continues a sentence a page break cut: the chunk then starts at the break, and the cut
        # sentence stays whole in ``previous``); a line's or a sentence's must start a sentence.
        structural = {piece.start for piece in previous.pieces if piece.continues}
        structural |= {piece.start for before, piece in zip(previous.pieces, previous.pieces[1:]) if piece.block != before.block}
        inside = [start for start in starts if previous.start < start and (start in structural or starts_sentence(text, start))]
        candidates = [start for start in inside if start >= earliest]
        if candidates:
            return min(candidates)
        # The last sentence alone is longer than overlap_chars: repeat it whole when it is not too
        # long, rather than start the next chunk mid-sentence. A chunk that opens with half a
        # sentence embeds half a thought and reads badly when cited.
        if inside and previous.end - max(inside) <= self.max_chars // 2:
            return max(inside)
        # A word boundary in the last overlap_chars, where a sentence could start if one does
        spaces = [match.end() for match in _WHITESPACE.finditer(text, max(earliest, previous.start), previous.end)]
        spaces = [start for start in spaces if previous.start < start < previous.end]
        return next((start for start in spaces if starts_sentence(text, start)), spaces[0] if spaces else None)

    def _carry_start(self, previous: _Span, text: str, piece: _Piece) -> int | None:
        """Where the chunk that continues a sentence cut by a page break starts inside ``previous``.

        At the start of the cut sentence (the last that ``sentence_spans`` finds in the text
        before the break), so that the chunk holds the sentence whole; ``previous`` is then cut
        back to end before it. None when that head is longer than half of ``max_chars`` or the
        chunk would be longer than ``max_chars`` (the caller then overlaps as usual).
        """
        last = previous.pieces[-1]
        # not back into overlap: the chunk before ``previous`` is final (a head carried into it may move on)
        earliest = previous.start if previous.first.continues else previous.first.start
        start = sentence_spans(text, earliest if last is previous.first else last.start, last.end)[-1][0]
        if start >= earliest and previous.end - start <= self.max_chars // 2 and piece.end - start <= self.max_chars:
            return start
        return None

    def _merge_tiny(self, spans: list[_Span]) -> list[_Span]:
        """Merge chunks shorter than min_chars into a neighbour on the same page when it fits."""
        limit = int(self.max_chars * MERGE_TOLERANCE)
        merged: list[_Span] = []
        for span in spans:
            previous = merged[-1] if merged else None
            # A tiny chunk joins the previous one; a tiny previous one that could not go back
            # goes forward into this one.
            if (
                previous is not None
                and (span.length < self.min_chars or previous.length < self.min_chars)
                and not span.first.starts_heading
                and not span.first.continues
                and previous.last_page == span.page
                and span.end - previous.start <= limit
            ):
                previous.end = span.end
                previous.pieces.extend(span.pieces)
                continue
            merged.append(span)
        return merged


def _page_parts(text: str, block: Block, start: int) -> list[tuple[int, int, int | None, int | None]]:
    """The parts of a block printed on one page each: ``(start, end, page, page_end)`` offsets into ``text``.

    ``start`` is the block's offset in ``text``. A break inside a word (no space at it, and not
    between two Thai letters, where Thai lines wrap between words) moves to the word's end: the
    part before it then ends on the next page (``page_end``; None when it ends on ``page``).
    """
    end = start + len(block.text)
    parts: list[tuple[int, int, int | None, int | None]] = []
    part_start, page, page_end = start, block.page, None
    for offset, next_page in block.page_breaks:
        cut = start + offset
        if part_start < cut < end and not text[cut - 1].isspace() and not (_THAI.match(text[cut - 1]) and _THAI.match(text[cut])):
            word = _NOT_SPACE.match(text, cut)
            cut, page_end = (word.end() if word else cut), next_page
        if cut >= end:  # the block ends in the cut word
            break
        head_end = part_start + len(text[part_start:cut].rstrip())
        if head_end > part_start:
            parts.append((part_start, head_end, page, page_end))
        part_start, page, page_end = _rest(text, cut, end)[0], next_page, None
    parts.append((part_start, end, page, page_end))
    return parts


# Words a Thai sentence opens with that are no subject: discourse connectives ("ทั้งนี้": in this
# respect, "นอกจากนี้": besides, "อย่างไรก็ตาม": however, "ดังนั้น": therefore).
_THAI_SENTENCE_OPENERS = frozenset({"ทั้งนี้", "นอกจากนี้", "อย่างไรก็ตาม", "ดังนั้น", "อีกทั้ง"})
# A Thai sentence opens with its subject (a noun, a name, a pronoun, a number); a clause that goes
# on opens with a preposition, conjunction, relative, verb or auxiliary ("ในประเด็น...",
# "และส่งมอบ...", "ซึ่ง...", "ควรพิจารณา...", "จึงควร...").
_THAI_SUBJECT_TAGS = frozenset({"NOUN", "PROPN", "PRON", "NUM"})
_THAI_ERAS = frozenset({"พ.ศ.", "ค.ศ.", "พ.ศ", "ค.ศ"})  # "พระราชบัญญัติ ... | พ.ศ. 2562": the act's year
# What introduces what follows on the same line: a list marker ("3.", "1)", "(ก)"), "ได้แก่"
# (namely), "ดังนี้" (as follows), "คือ" (is), "เช่น" / "e.g." (for example), a colon.
# An era before the start is a year cut off its era ("พ.ศ. | 2562").
_INTRODUCES = re.compile(r"(?:^|\s)(?:\(?(?:\d{1,3}|[๐-๙]{1,3}|[a-zA-Z]|[ก-ฮ])[.)]|ได้แก่|ดังนี้|คือ|เช่น|e\.g\.|i\.e\.|พ\.ศ\.|ค\.ศ\.)$|[:;,]$")
# English goes on after a word or a comma; a sentence starts after . ! ? … (or after Thai text)
_ENDS_ENGLISH_WORD = re.compile(r"[A-Za-z0-9,)\]\"”’'-]$")


def starts_sentence(text: str, at: int) -> bool:
    """Whether a passage may start at ``at``: at a line start, or mid-line where a sentence starts.

    Thai ends a sentence with a space, and crfcut (``ingest.sentences.sentence_spans``) cuts at
    most spaces, clause ends included: of the DGA knowledge base's Thai chunk overlaps that started
    mid-line, 20 of 45 opened with a clause that goes on ("และส่งมอบ...", "ในประเด็น...", "ดังนี้",
    "จึงควร..."). A mid-line start is a sentence start when the line before it introduces
    nothing (no list marker, "ได้แก่", "ดังนี้", colon ...) and, in Thai, its first word is a
    subject or a connective that opens sentences (pythainlp newmm words, perceptron part-of-speech
    tags of the Orchid UD corpus); in English when it is no lower-case continuation
    (``ingest.quotable.opens_mid_sentence``).
    """
    if at <= 0 or text[at - 1] == "\n":
        return True
    line_start = text.rfind("\n", 0, at) + 1
    if _INTRODUCES.search(text[line_start:at].rstrip()):
        return False
    head = text[at : at + 40].lstrip()
    if not _THAI.match(head):  # an English sentence, or a Latin name opening a Thai one ("GOV.UK เป็น ...")
        from ingest.quotable import opens_mid_sentence

        before = text[line_start:at].rstrip()
        if _ENDS_ENGLISH_WORD.search(before) or head.startswith("("):  # "Good | Practice", "บัตร | (Smart Card)"
            return False
        return bool(head) and not opens_mid_sentence(head)
    from pythainlp.tag import pos_tag
    from pythainlp.tokenize import word_tokenize

    words = [word for word in word_tokenize(head, engine="newmm") if word.strip()]
    if not words or words[0] in _THAI_SENTENCE_OPENERS:
        return True
    if words[0] in _THAI_ERAS:
        return False
    return pos_tag(words[:2], engine="perceptron", corpus="orchid_ud")[0][1] in _THAI_SUBJECT_TAGS


def _cut_back(span: _Span, text: str, end: int) -> bool:
    """End ``span`` before ``end`` (trailing whitespace left out); False when nothing of its own is left.

    The pieces past the new end go, and the last one kept no longer reaches the next page when
    the cut is inside it (so ``page_end`` follows the text that stays).
    """
    span.end = span.start + len(text[span.start : end].rstrip())
    span.pieces = [piece for piece in span.pieces if piece.start < span.end]
    if span.pieces and span.pieces[-1].end > span.end:
        span.pieces[-1] = replace(span.pieces[-1], end=span.end, page_end=None)
    return span.end > span.first.start


def _rest(text: str, start: int, end: int) -> Span:
    """``(start, end)`` with the whitespace at ``start`` skipped."""
    return start + len(text[start:end]) - len(text[start:end].lstrip()), end
