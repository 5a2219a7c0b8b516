"""List questions get the list: the items a document gives, in its order, each cited.

"What are the six dimensions of the Digital Government Policy Framework?" or "กลุ่มบริการของระบบ
คลาวด์มีอะไรบ้าง" is answered by the document's own enumeration, not by sentences that mention the
topic. Enumerations come in four forms, all found here:

- ``marked``: lines that start with a bullet or a number ("• Dimension 1 - ...", "1. กลุ่มบริการ ...",
  "a) ...", "iii. ..."), numbers in sequence;
- ``inline``: one paragraph enumerating "1. X 2. Y 3. Z" or "i) X; ii) Y; and iii) Z";
- ``lines``: short unmarked lines after an introduction ("... as follows:", "... ได้แก่", a FAQ's
  "ตอบ") - what a Markdown bullet list becomes once its bullets are read;
- ``headings``: the sub-headings of the section whose heading names the subject (the OECD AI
  principles are five sub-sections). A heading is quoted here as an item, never as a claim.

A list often runs over several passages (chunks of 800 characters), so the passages after a hit
in its document are read too (``document_chunks``, from the open index). Each candidate list is
scored by how well its introduction (the line before it, or the heading above it) and its items
match the question: e5 cosine of the question to the introduction plus half the second encoder's
(USE, as a sentence's support), shared words, the number of items the question names ("six
dimensions"), and the hit's retrieval rank. Whether a list answers at all, rather than sentences,
is decided on e5 alone (``ExtractiveAnswerer``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from assistant.questions import QuestionIntent, analyse_question
from assistant.retrieval import Hit
from index.analyzer import ThaiEnglishAnalyzer
from ingest.injection import is_planted_instruction
from ingest.markup import plain_text
from ingest.model import Chunk
from ingest.quotable import LIST_INTRO, QUESTION, answer_marker_end, piece_kind
from ingest.sentences import dedupe_key, line_spans

DocumentChunks = Callable[[str], Sequence[tuple[int, Chunk]]]

_BULLET = r"[-*+•▪◦●○■□➢➤►]|\uf0b7|\uf0a7"
_MARKER = re.compile(
    rf"^\s*(?:(?P<bullet>{_BULLET})|(?P<number>\d{{1,2}})[.)](?!\d)|\(?(?P<alpha>[a-z])\)|\(?(?P<roman>[ivx]{{1,4}})[.)])\s*(?=\S)"
)
# "1. X 2. Y" / "i) X; ii) Y" inside one line: a marker after a space or at the start
# "1. X" but not the "1." of a decimal ("Thailand 1.0), light industry (Thailand 2.0)" is no list).
_INLINE = re.compile(r"(?:(?<=\s)|^)(?:(?P<number>\d{1,2})\.(?!\d)|\(?(?P<roman>[ivx]{1,4})\)|\(?(?P<alpha>[a-h])\))(?=\s*\S)")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10}
_ANSWER_LABEL = re.compile(r"^\s*(?:ตอบ|คำตอบ|answer|a)\s*[:.]?\s*$", re.IGNORECASE)
_ITEM_TAIL = re.compile(r"[\s;,]*(?:\s(?:and|or)|\s?(?:และ|หรือ))?[\s;,]*$", re.IGNORECASE)
MAX_ITEM_CHARS = 300  # a longer "item" is a paragraph
MAX_LINE_ITEM_CHARS = 160  # an unmarked line longer than this ends a list of short lines
MAX_ITEMS = 15  # sub-headings or unmarked lines beyond this are a document's outline, not a list
# A numbered or bulleted list is shown whole up to this: the kiosk's 18 services were cut at 15
# with nothing said.
MAX_MARKED_ITEMS = 40
_SENTENCE_END = re.compile(r"[.!?](?:[\"'”’)\]])*\s*$")
MAX_GAP_LINES = 3  # unmarked lines allowed between two numbered items
# A heading that is only an identifier: "RS-03", "PS-04", "ข้อ 5", "A.2.1"
_CODE = re.compile(r"(?:[A-Z]{1,6}[-‐ ]?\d+(?:[.\-]\d+)*|ข้อ\s*[\d๐-๙]+|[A-Z]?\d+(?:\.\d+)+)")


@dataclass(frozen=True)
class ListItem:
    """One item: ``chunk.text[start:end]`` (its marker left out), from the passage at ``row``."""

    chunk: Chunk
    row: int | None
    start: int
    end: int
    marker: str = ""
    full_text: str = ""  # the whole item when it runs past the end of its passage

    @property
    def text(self) -> str:
        return self.chunk.text[self.start : self.end]

    @property
    def display(self) -> str:
        """The item on one line, without markup; a number or letter marker kept in front ("b) ...")."""
        body = " ".join(plain_text(self.full_text or self.text).split())
        return f"{self.marker} {body}" if self.marker and not self.marker in "-*+•▪◦●○■□➢➤►" else body


@dataclass(frozen=True)
class FoundList:
    """A candidate list: its items in document order, the text that introduces it, and its score."""

    kind: str
    context: str
    items: tuple[ListItem, ...]
    hit_number: int
    score: float = 0.0
    similarity: float = 0.0  # e5 cosine of the question to the list's title, headings and introduction
    shared: float = 0.0  # share of the question's subject words in the introduction and headings
    support: float = 0.0  # ``similarity`` plus the weighted second encoder's cosine (ListFinder.second_encoder)
    outline: bool = False  # the top-level sub-headings of a document: its outline, introduced by its title


@dataclass
class _Segment:
    region_start: int
    chunk: Chunk
    row: int | None
    chunk_start: int  # offset in chunk.text of region_start


class _Region:
    """Consecutive passages of one document stitched into one text (they overlap), with the way back
    from a region offset to (passage, offset in its text)."""

    def __init__(self, chunks: Sequence[tuple[int | None, Chunk]]) -> None:
        self.segments: list[_Segment] = []
        parts: list[str] = []
        length = 0
        end = None
        for row, chunk in chunks:
            if end is not None and chunk.start < end <= chunk.end:
                skip = end - chunk.start
            elif end is not None and end > chunk.end:
                continue  # wholly inside what we have
            else:
                if parts:
                    parts.append("\n\n")
                    length += 2
                skip = 0
            self.segments.append(_Segment(length, chunk, row, skip))
            parts.append(chunk.text[skip:])
            length += len(chunk.text) - skip
            end = chunk.end
        self.text = "".join(parts)

    def locate(self, start: int, end: int) -> tuple[Chunk, int | None, int, int]:
        """The passage holding region span [start, end) and the span in its text: a passage that
        holds all of it when one does (passages overlap), else the one it starts in, cut to it."""
        segment = self.segments[0]
        for candidate in self.segments:
            if candidate.region_start <= start:
                segment = candidate
        document_start = segment.chunk.start + start - segment.region_start + segment.chunk_start
        document_end = document_start + (end - start)
        for other in self.segments:
            if other.chunk.start <= document_start and document_end <= other.chunk.end:
                offset = document_start - other.chunk.start
                return other.chunk, other.row, offset, offset + (end - start)
        offset = start - segment.region_start + segment.chunk_start
        length = min(end - start, len(segment.chunk.text) - offset)
        return segment.chunk, segment.row, offset, offset + length


def _family(match: re.Match[str]) -> tuple[str, int | None]:
    for kind in ("number", "alpha", "roman"):
        value = match.group(kind)
        if value:
            if kind == "number":
                return kind, int(value)
            if kind == "alpha":
                return kind, ord(value) - ord("a") + 1
            return kind, _ROMAN.get(value)
    return "bullet", None


def _marker_text(match: re.Match[str]) -> str:
    return match.group(0).strip()


class ListFinder:
    """Finds the enumerations in and after the top passages and scores them against a question.

    Args:
        encoder: the primary encoder (e5), to compare the question with each list's introduction.
        analyzer: the BM25 analyzer, for shared words.
        document_chunks: source -> its passages in document order, as (row, chunk); None reads only
            the retrieved passages.
        passages: how many top hits are searched for lists.
        following: how many passages after a hit are read (a list runs on).
        second_encoder, second_weight: the index's second encoder (USE multilingual) and its weight:
            a list's introduction is compared with the question by e5 cosine plus ``second_weight``
            times USE's, as the answer's sentences are (``EvidenceSentence.support``). e5 alone
            hardly tells the sections of one English document apart for a Thai question ("หลักการ
            AI ของ OECD มีอะไรบ้าง": "Section 1: Principles ..." 0.853, "Section 2: National
            policies ..." 0.859); USE does (0.44 against 0.34).
        term_weights: IDF of analyzer terms in the index: a document's outline (its top-level
            sub-headings, introduced by its title alone) answers only a question whose rarest word
            it holds. "Digital ID ของ DGA มี IAL ระดับไหนบ้าง" was answered with the DGA Digital ID
            page's platforms ("Government ID (GovID)", "DBD ID (...)"): the title holds three of the
            question's five words, none of its outline's headings says "IAL". None: no such test.
    """

    def __init__(
        self,
        encoder: object,
        analyzer: ThaiEnglishAnalyzer | None = None,
        document_chunks: DocumentChunks | None = None,
        passages: int = 5,
        following: int = 6,
        second_encoder: object | None = None,
        second_weight: float = 0.5,
        term_weights: Callable[[Sequence[str]], dict[str, float]] | None = None,
    ) -> None:
        self.encoder = encoder
        self.term_weights = term_weights
        self.second_encoder = second_encoder
        self.second_weight = second_weight
        self.analyzer = analyzer or ThaiEnglishAnalyzer()
        self.document_chunks = document_chunks
        self.passages = passages
        self.following = following

    def run(self, intent: QuestionIntent, hits: Sequence[Hit], query_vector: np.ndarray | None = None) -> FoundList | None:
        """The best list for ``intent`` among the top passages, or None when none fits."""
        candidates: list[FoundList] = []
        seen: set[tuple[str, ...]] = set()
        for number, hit in enumerate(list(hits)[: self.passages], start=1):
            document = self._document(hit)
            for found in self._lists(hit, number, document):
                key = tuple(dedupe_key(item.text) for item in found.items)
                if key not in seen:
                    seen.add(key)
                    candidates.append(found)
        if not candidates:
            return None
        return self._best(intent, candidates, query_vector)

    def _document(self, hit: Hit) -> list[tuple[int | None, Chunk]]:
        if self.document_chunks is None:
            return [(hit.row, hit.chunk)]
        chunks = list(self.document_chunks(hit.chunk.source))
        position = next((i for i, (_, chunk) in enumerate(chunks) if chunk.chunk_id == hit.chunk.chunk_id and chunk.text == hit.chunk.text), None)
        if position is None:  # the index changed under us: read what the hit has
            return [(hit.row, hit.chunk)]
        return chunks

    def _lists(self, hit: Hit, number: int, document: list[tuple[int | None, Chunk]]) -> list[FoundList]:
        position = next(i for i, (_, chunk) in enumerate(document) if chunk.chunk_id == hit.chunk.chunk_id)
        # one passage before (the introduction may be there) and the following ones
        region = _Region(document[max(0, position - 1) : position + 1 + self.following])
        start_in_region = next(s.region_start for s in region.segments if s.chunk.chunk_id == hit.chunk.chunk_id)
        end_in_region = start_in_region + len(hit.chunk.text)
        found = [
            candidate
            for candidate in self._marked(region, number) + self._inline(region, number) + self._lines(region, number)
            if candidate.items and self._touches(region, candidate, start_in_region, end_in_region)
        ]
        found += self._headings(hit, number, document)
        return found

    @staticmethod
    def _touches(region: _Region, found: FoundList, start: int, end: int) -> bool:
        """The list overlaps the hit passage, or ends just before it, or begins just after it (a
        list that only sits further away belongs to another passage's hit)."""
        positions = []
        for item in (found.items[0], found.items[-1]):
            for segment in region.segments:
                if segment.chunk is item.chunk:
                    positions.append(segment.region_start + item.start - segment.chunk_start)
                    break
        if len(positions) < 2:
            return False
        return positions[0] < end + 300 and positions[1] >= start - 300

    def _item(self, region: _Region, start: int, end: int, marker: str) -> ListItem | None:
        while start < end and region.text[start].isspace():  # "1. Economic": the item starts at its text
            start += 1
        start = answer_marker_end(region.text, start, end)  # "ตอบ สำหรับหน่วยงาน...": a FAQ's marker is no word of it
        text = region.text[start:end]
        trimmed_end = start + len(_ITEM_TAIL.sub("", text))
        if trimmed_end - start < 2 or trimmed_end - start > MAX_ITEM_CHARS or is_planted_instruction(text):
            return None  # (a planted instruction is never quoted, not even as a list item)
        chunk, row, chunk_start, chunk_end = region.locate(start, trimmed_end)
        whole = region.text[start:trimmed_end]
        return ListItem(chunk, row, chunk_start, chunk_end, marker, whole if chunk_end - chunk_start < len(whole) else "")

    def _context_before(self, region: _Region, line_start: int) -> str:
        previous = [span for span in line_spans(region.text, 0, line_start)]
        return region.text[previous[-1][0] : previous[-1][1]] if previous else ""

    def _marked(self, region: _Region, number: int) -> list[FoundList]:
        """Lines with bullets, or numbers / letters in sequence; a numbered list may have up to
        :data:`MAX_GAP_LINES` unmarked lines (an item's explanation) between two items."""
        lists: list[FoundList] = []
        current: list[tuple[re.Match[str], int, int]] = []
        family: tuple[str, int | None] = ("", None)
        gap = 0

        def close() -> None:
            if len(current) >= 2:
                numbered = family[0] != "bullet"
                items = [self._item(region, s + m.end(), e, _marker_text(m) if numbered else "") for m, s, e in current]
                kept = tuple(item for item in items if item is not None)
                if len(kept) >= 2:
                    lists.append(FoundList("marked", self._context_before(region, current[0][1]), kept[:MAX_MARKED_ITEMS], number))

        for start, end in line_spans(region.text, 0, len(region.text)):
            match = _MARKER.match(region.text[start:end])
            if match is None:
                gap += 1
                if not current or family[0] == "bullet" or gap > MAX_GAP_LINES:
                    close()
                    current = []
                continue
            kind, value = _family(match)
            follows = kind == family[0] and (kind == "bullet" and gap == 0 or value is not None and family[1] is not None and value == family[1] + 1)
            if current and not follows:
                close()
                current = []
            if current or kind == "bullet" or value == 1:
                current.append((match, start, end))
            family, gap = (kind, value), 0
        close()
        return lists

    def _inline(self, region: _Region, number: int) -> list[FoundList]:
        lists: list[FoundList] = []
        for start, end in line_spans(region.text, 0, len(region.text)):
            line = region.text[start:end]
            markers = list(_INLINE.finditer(line))
            run: list[re.Match[str]] = []
            for match in markers:
                kind, value = _family(match)
                if run:
                    previous_kind, previous_value = _family(run[-1])
                    if kind == previous_kind and value is not None and previous_value is not None and value == previous_value + 1:
                        run.append(match)
                        continue
                    if len(run) >= 3:
                        break
                run = [match] if value == 1 else []
            if len(run) < 3:
                continue
            items = []
            for i, match in enumerate(run):
                item_end = run[i + 1].start() if i + 1 < len(run) else len(line)
                if i + 1 == len(run):  # the last item ends with its sentence
                    stop = re.search(r"[.;](?:\s|$)", line[match.end() :])
                    item_end = match.end() + stop.start() if stop else item_end
                item = self._item(region, start + match.end(), start + item_end, match.group(0).strip())
                if item:
                    items.append(item)
            if len(items) >= 3:
                lists.append(FoundList("inline", line[: run[0].start()], tuple(items[:MAX_MARKED_ITEMS]), number))
        return lists

    def _lines(self, region: _Region, number: int) -> list[FoundList]:
        """Short unmarked lines after an introduction (a line ending "...:" / "ดังนี้", or a FAQ "ตอบ")."""
        lists: list[FoundList] = []
        spans = line_spans(region.text, 0, len(region.text))
        headings = {dedupe_key(heading) for segment in region.segments for heading in (segment.chunk.title, *segment.chunk.heading_path)}
        for index, (start, end) in enumerate(spans):
            intro = region.text[start:end]
            kind = piece_kind(intro)
            if len(intro) >= 200 or not (_ANSWER_LABEL.match(intro) or kind == LIST_INTRO or kind == QUESTION and analyse_question(intro).is_list):
                continue
            items: list[ListItem] = []
            first = index + 1
            if first < len(spans) and _ANSWER_LABEL.match(region.text[spans[first][0] : spans[first][1]]):
                first += 1  # a FAQ's question, then "ตอบ", then the items
            for item_index in range(first, min(len(spans), first + MAX_ITEMS)):
                item_start, item_end = spans[item_index]
                line = region.text[item_start:item_end]
                following = region.text[spans[item_index + 1][0] : spans[item_index + 1][1]] if item_index + 1 < len(spans) else ""
                if len(line) > MAX_LINE_ITEM_CHARS or _MARKER.match(line) or _ANSWER_LABEL.match(following) or following.startswith(("ตอบ ", "ตอบ:")):
                    break
                if piece_kind(line) in (LIST_INTRO, QUESTION) or _ANSWER_LABEL.match(line) or dedupe_key(line) in headings:
                    break
                if items and _SENTENCE_END.search(line) and not _SENTENCE_END.search(items[0].text):
                    break  # a sentence after short items: the text goes on after the list
                item = self._item(region, item_start, item_end, "")
                if item:
                    items.append(item)
            if len(items) >= 2:
                context = intro if not _ANSWER_LABEL.match(intro) else self._context_before(region, start)
                lists.append(FoundList("lines", context, tuple(items), number))
        return lists

    def _headings(self, hit: Hit, number: int, document: list[tuple[int | None, Chunk]]) -> list[FoundList]:
        """The sub-headings of each heading of the hit's document (the document title for the top
        level) that has from 2 to :data:`MAX_ITEMS` of them: those above the hit first, then the
        others in document order.

        Not only the headings above the hit: a Thai question on an English document ("หลักการ AI
        ของ OECD มีอะไรบ้าง") retrieves the document by its preamble or a neighbouring section, not
        by the section whose sub-headings are the five principles."""
        children: dict[tuple[str, ...], list[ListItem]] = {}
        names: dict[tuple[str, ...], set[str]] = {}
        for row, chunk in document:
            heading = chunk.heading_path
            for depth in range(len(heading)):
                parent, child = heading[:depth], heading[depth]
                seen = names.setdefault(parent, set())
                if dedupe_key(child) in seen:
                    continue
                seen.add(dedupe_key(child))
                at = chunk.text.find(child)
                if at >= 0:
                    children.setdefault(parent, []).append(ListItem(chunk, row, at, at + len(child)))
        path = hit.chunk.heading_path
        above = [path[:depth] for depth in range(len(path) + 1)]
        order = above + [parent for parent in children if parent not in above]
        lists: list[FoundList] = []
        for parent in order:
            items = children.get(parent, [])
            questions = sum(piece_kind(item.text) == QUESTION for item in items)
            codes = sum(bool(_CODE.fullmatch(item.text.strip())) for item in items)
            # a FAQ's questions are no list, nor are controls' bare codes ("RS-03", "PS-06": their text is below them)
            if 2 <= len(items) <= MAX_ITEMS and questions <= len(items) // 2 and codes <= len(items) // 2:
                context = parent[-1] if parent else hit.chunk.title
                lists.append(FoundList("headings", context, tuple(items), number, outline=not parent))
        return lists

    def _best(self, intent: QuestionIntent, candidates: list[FoundList], query_vector: np.ndarray | None) -> FoundList | None:
        contexts = [" ".join(plain_text(found.context).split()) or found.items[0].chunk.title for found in candidates]
        question_terms = set(self.analyzer.run(intent.subject)) or set(self.analyzer.run(intent.question))
        similarity = np.zeros(len(candidates))
        if query_vector is not None and hasattr(self.encoder, "embed_passages"):
            texts = [
                "\n".join([found.items[0].chunk.title, " > ".join(found.items[0].chunk.heading_path[:-1] if found.kind == "headings" else found.items[0].chunk.heading_path), context])
                for found, context in zip(candidates, contexts)
            ]
            similarity = self.encoder.embed_passages(texts) @ query_vector  # type: ignore[attr-defined]
            support = similarity.copy()
            if self.second_encoder is not None:
                second_query = self.second_encoder.embed_queries([intent.question])[0]  # type: ignore[attr-defined]
                support += self.second_weight * (self.second_encoder.embed_passages(texts) @ second_query)  # type: ignore[attr-defined]
        else:
            support = similarity
        scored = []
        rarest = self._rarest(question_terms)
        for found, context, cosine, supported in zip(candidates, contexts, similarity, support):
            context_terms = set(self.analyzer.run(context + " " + " ".join(found.items[0].chunk.heading_path)))
            item_terms = set(self.analyzer.run(" ".join(item.text for item in found.items)))
            if found.outline and rarest and rarest not in context_terms | item_terms:
                continue  # a document's outline, about the document but not about what is asked
            shared = len(question_terms & context_terms) / len(question_terms) if question_terms else 0.0
            in_items = len(question_terms & item_terms) / len(question_terms) if question_terms else 0.0
            count = 1.0 if intent.expected_items and len(found.items) == intent.expected_items else 0.0
            # one item naming the subject itself: this list is a level above the one asked for
            names_subject = any(
                len(question_terms & set(self.analyzer.run(item.text))) >= 0.6 * len(question_terms) for item in found.items
            ) if question_terms else False
            score = (
                float(supported) + 0.1 * shared + 0.05 * in_items + 0.05 * count - 0.1 * names_subject - 0.01 * (found.hit_number - 1)
            )
            scored.append(FoundList(found.kind, context, found.items, found.hit_number, score, float(cosine), shared, float(supported), found.outline))
        return max(scored, key=lambda found: found.score) if scored else None

    def _rarest(self, terms: set[str]) -> str | None:
        """The question term with the highest IDF in the index (None without IDF or terms)."""
        if self.term_weights is None or not terms:
            return None
        weights = self.term_weights(sorted(terms))
        return max(sorted(terms), key=lambda term: weights.get(term, 0.0)) if weights else None
