"""Split text into spans (start, end offsets) at line, sentence and word boundaries.

The chunker needs offsets, not strings, so that every chunk is an exact slice of the document
text. Thai has no sentence punctuation: pythainlp's CRF sentence model ("crfcut", bundled, works
offline) finds the boundaries; English uses a punctuation rule.

``passage_sentences`` picks the quotable sentences of a passage. The index embeds exactly these
(``index/sentences.py``) and the answerers quote them (``assistant/evidence.py``), so a sentence
that ranks a passage is one the answer can show.
"""

from __future__ import annotations

import re

from ingest.lang import detect_lang

Span = tuple[int, int]

# Version of the rules of ``passage_sentences``: change it whenever they change what is quotable
# or how a sentence is embedded (7: under the heading it sits under, not its chunk's first; 8: Thai
# statements ending "ที่เกี่ยวข้อง", "แต่อย่างใด" or an indirect question are no questions, "(๑) ..." headings;
# 9: a footnote's number is not quoted with its sentence; 10: a legal instrument's "HAVING REGARD to"
# recitals and runs of "[OECD/LEGAL/nnnn]" citations are references; 11: a line that starts a list
# item starts a new piece; 12: a FAQ's answer marker ("ตอบ", "A:") is cut off its claim, a long piece's
# closing list pointer ("... โดยมีรายละเอียด ดังนี้") and link label ("- คลิกดูรายละเอียดเพิ่มเติม") are cut
# off, "see more at <link>" lines, survey items ("If yes, do ...", "Yes/No" cells),
# contents lines ("... … 20"), Thai noun phrases ("การใช้ Service ของ Public Cloud") and English titles
# whose only "verb" is a noun ("(total score)") are no claims; ``index.sentences.drop_overlap_tails``:
# a chunk's overlap opening inside a sentence the previous chunk quotes is no claim); 13: a table
# row of numbers is quotable again (12 had dropped it: "Korea 0.82 1 ... 0.742 1" answers a score question);
# 14: no sentence ends at an abbreviation ("Supply Current max. 50mA"), a spec sheet's attribute line
# ("Operating Frequency 4 MHz") is a claim, Thai captions without "ที่" ("รูป 3 แสดง...") are captions, a
# list introduction ending with a figure pointer ("... ดังนี้ ตามรูป 3") is one, "can be viewed at <link>"
# lines are pointers; 15: a legal instrument's capitalised recitals ("RECOGNISING that ...",
# "CONSIDERING ...") are references, a line of links with a few letters ("[GET] https://...") is one, a
# flattened Markdown table ("| a | b | ...") and a short Thai label without a space are fragments, a
# form's prompt ("Please provide ...", "กรุณาระบุ ...") is a question, a piece stopping on a connective
# ("... โดยมี", "... available at") is a fragment, or joined to the rest of its sentence on its line;
# 16: a Thai sentence is not cut before a number on its line ("... ในระดับ | 2.3 ซึ่ง ..."), an English
# "-ed" word after a preposition, determiner or conjunction is no verb ("for integrated and trustworthy"),
# an unpunctuated "X of ..." line without an auxiliary is a noun phrase ("Existence of requirements to
# ..."), an infinitive or a verb's form after a preposition is no predicate ("Formal requirements to
# provide ...", "with open data"), a Thai line's bracketed aside gives it no verb ("ขั้นตอนการ Download (สำหรับลูกค้าที่ไม่เคยติดตั้ง...)"),
# a Thai piece stopping on a connective at a line's end runs on into the next line ("... (KPC) และ" | "OECD ..."),
# a questionnaire's question with an option after its colon is a question ("... are there formal requirements to: Provide ..."),
# a Thai piece does not end on a list marker ("... เพื่อ 1." | "เปิดให้ ...") nor is cut before initials ("สำนักงาน | ก.พ.ร."),
# a form's "Please answer / submit / complete ..." is a prompt.
# An index records it; sentence vectors written under other rules are embedded again, not reused.
SENTENCE_RULES = "16"

_LINES = re.compile(r"[^\n]+")
BLOCKS = re.compile(r"(?:[^\n]|\n(?!\s*\n))+")  # a text's blocks: what lies between blank lines
_LETTER = re.compile(r"[A-Za-z\u0e01-\u0e2e]")
_SPACES = re.compile(r"\s+")
_WORDS = re.compile(r"\S+")
# A sentence ends at . ! ? … (plus closing quotes/brackets) before a space and a capital, digit,
# opening quote or Thai letter: "e.g. the" and "3.5 million" are not split.
_EN_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9\u0e01-\u0e4e])")
_THAI_ABBREVIATION_END = re.compile(r"[\u0e01-\u0e4e]\.[)\]]?$")
# An abbreviation of several Thai initials: "ก.พ.ร.", "พ.ร.บ."
_THAI_INITIALS = re.compile(r"[\u0e01-\u0e2e]{1,2}\.[\u0e01-\u0e2e]{1,2}\.")
# A list marker left at a piece's end: "... เพื่อ 1." (not a reference: "ตามข้อ 7.", "ตามรูป 3.")
_TRAILING_MARKER = re.compile(r"(?<!ข้อ)(?<!ที่)(?<!รูป)(?<!ภาพ)(?<!ตาราง)(?<!หน้า)(?<!มาตรา)(?<!ระยะ)(?<!ขั้นตอน)\s+(?:\d{1,2}|[๐-๙]{1,2})[.)]$")
# A number that is not a list marker: "2.3", "10,000", "2567" (not "2." or "2)" before a space).
_BARE_NUMBER = re.compile(r"[0-9๐-๙]+(?:[.,:][0-9๐-๙]+)*(?![0-9๐-๙.,:)])")


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


# Abbreviations whose full stop ends no sentence. Before a number ("Supply Current max. 50mA", "Fig. 3",
# "No. 12", "approx. 40%", "Jan. 2020"): units of measure and counters; "the max. It was ..." ends one.
_NUMBER_ABBREVIATIONS = frozenset(
    """max min approx ca typ avg est no nos fig figs vol vols p pp art sec para ch eq ref tel
    jan feb mar apr jun jul aug sep sept oct nov dec""".split()
)
# Before anything ("e.g. The", "Dr. Smith"): titles and Latin forms. "etc." often ends a sentence: not here.
_ABBREVIATIONS = frozenset("e.g eg i.e ie cf vs viz incl excl esp resp mr mrs ms dr prof st jr sr".split())
_LAST_TOKEN = re.compile(r"[(\[\"'“‘]*([A-Za-z][A-Za-z.]*)\.[\"'”’)\]]*$")


def _english_sentences(piece: str) -> list[str]:
    """``piece`` cut at sentence ends (:data:`_EN_SENTENCE_END`), except after an abbreviation."""
    sentences: list[str] = []
    last = 0
    for match in _EN_SENTENCE_END.finditer(piece):
        token = _LAST_TOKEN.search(piece, last, match.start())
        word = token.group(1).lower() if token else ""
        if word in _ABBREVIATIONS or (word in _NUMBER_ABBREVIATIONS and piece[match.end() : match.end() + 1].isdigit()):
            continue
        sentences.append(piece[last : match.start()])
        last = match.end()
    sentences.append(piece[last:])
    return sentences


def sentence_spans(text: str, start: int, end: int) -> list[Span]:
    """Sentences of ``text[start:end]``: crfcut for Thai, punctuation for English (not cut after
    an abbreviation: "Supply Current max. 50mA" is one sentence)."""
    piece = text[start:end]
    if detect_lang(piece) != "th":
        return _locate(text, _english_sentences(piece), start, end)
    # crfcut also cuts inside Thai abbreviations ("ก.พ." | "ร."). Thai ends a sentence with a
    # space, never a full stop, so a cut with no space before it or right after "<Thai>." is undone;
    # so is a cut before a number on the same line ("... ในระดับ | 2.3 ซึ่งเป็น ...", "ปี | 2567"): no
    # Thai sentence opens with one, unless it is a list marker ("2.", "2)"); nor with an
    # abbreviation of several initials ("ตามที่สำนักงาน | ก.พ.ร. เสนอ"). A list marker crfcut left at
    # a piece's end ("... จะดำเนินการเพื่อ 1." | "เปิดให้ประชาชน ...") opens the next piece instead.
    spans: list[Span] = []
    for span in _locate(text, _thai_sentences(piece), start, end):
        if spans:
            marker = _TRAILING_MARKER.search(text, spans[-1][0], spans[-1][1])
            if marker and marker.start() > spans[-1][0]:
                spans[-1], span = (spans[-1][0], marker.start()), (marker.start() + len(marker.group(0)) - len(marker.group(0).lstrip()), span[1])
        same_line = bool(spans) and "\n" not in text[spans[-1][1] : span[0]]
        inline = same_line and (_BARE_NUMBER.match(text, span[0]) is not None or _THAI_INITIALS.match(text, span[0]) is not None)
        if spans and (spans[-1][1] == span[0] or inline or _THAI_ABBREVIATION_END.search(text, spans[-1][0], spans[-1][1])):
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


def passage_sentences(
    text: str, min_chars: int = 20, max_chars: int = 500, thai_min_chars: int = 80, skip: frozenset[str] = frozenset()
) -> list[tuple[int, int]]:
    """Spans of the sentences of a passage worth quoting: the claims.

    Blocks (separated by blank lines) are split into sentences (crfcut for Thai, punctuation for
    English); a "sentence" longer than ``max_chars`` (a list or table with no full stops) is cut at
    its lines, and so is a line that is a heading or label run into the sentence after it. crfcut
    cuts Thai at most spaces, often inside a sentence ("... สารสนเทศ | ISO/IEC 27001 และ ..."), so
    Thai pieces are joined until a quote has ``thai_min_chars``. What is not a claim
    (``ingest.quotable.piece_kind``) is dropped: headings (the texts in ``skip``: the title and
    heading path; Markdown and numbered headings), figure and table labels and "Source:" lines,
    bibliography entries, fragments without a verb, sentences planted to instruct an AI; so are
    pieces shorter than ``min_chars`` or with fewer than ``min_chars // 2`` letters.

    Example:
        >>> text = "Cloud first\n\nAgencies move workloads to the cloud. Pooling lowers costs."
        >>> [text[a:b] for a, b in passage_sentences(text, skip=frozenset({"cloud first"}))]
        ['Agencies move workloads to the cloud.', 'Pooling lowers costs.']
    """
    from ingest.quotable import CLAIM, answer_marker_end, caption_prefix_end, ends_cut, piece_kind, pointer_clause_start

    from ingest.markup import plain_text

    spans: list[tuple[int, int]] = []
    for block_start, block_end in (item for block in _blocks(text, skip) for item in _list_items(text, *block)):
        pieces: list[tuple[int, int]] = []
        for start, end in sentence_spans(text, block_start, block_end):
            pieces += line_spans(text, start, end) if end - start > max_chars else _split_labels(text, start, end)
        cut: list[tuple[int, int]] = []
        for start, end in pieces:
            prefix = caption_prefix_end(text[start:end])
            if prefix:
                cut.append((start, start + prefix))
                start = start + prefix
            marker = _FOOTNOTE_MARKER.match(text, start, end) if start == 0 or text[start - 1] == "\n" else None
            if marker:  # "7 The Once-Only Principle refers to ...": a PDF footnote's number is no word of it
                start = marker.end()
            if start == 0 or text[start - 1] == "\n":  # "ตอบ ผู้ใช้สามารถ...": a FAQ's answer marker is no word of it
                start = answer_marker_end(text, start, end)
            if start < end:
                cut.append((start, end))
        pieces = [piece for piece in cut if dedupe_key(text[piece[0] : piece[1]]) not in skip]
        if detect_lang(text[block_start:block_end]) == "th":
            pieces = _join_short(text, pieces, thai_min_chars, max_chars)
        for piece_start, piece_end in pieces:
            piece_end = piece_start + pointer_clause_start(text[piece_start:piece_end])  # "... ดังนี้" points at a list
            piece = text[piece_start:piece_end]
            shown = plain_text(piece)  # an image or link target is no words of the sentence
            if len(shown.strip()) < min_chars or len(_LETTER.findall(shown)) < min_chars // 2:
                continue
            line_start = text.rfind("\n", 0, piece_start) + 1
            line_end = text.find("\n", piece_end)
            line = text[line_start : line_end if line_end >= 0 else len(text)]
            if not text[piece_end:].strip() and ends_cut(piece):
                continue  # cut by the passage's end ("... โดยมี"): the next passage quotes it whole
            if piece_kind(piece, skip, line) == CLAIM:
                spans.append((piece_start, piece_end))
    return spans


# A footnote's number at the start of a line, before a capitalised word: "7 The Once-Only Principle
# refers to ..." (PDF footnotes). One or two digits only: "2019 OECD ..." is a year.
_FOOTNOTE_MARKER = re.compile(r"\d{1,2}\s+(?=[A-Z][a-z])")
# A line that goes on with a lower-case word continues the sentence above it; "a) ...", "ii. ..."
# and "b)Governments" (a marker a PDF or Markdown export wrote without its space) are list markers,
# not a continuation; "e.g. ..." still continues.
_CONTINUES = re.compile(r"(?!(?:[a-z]|[ivx]{1,4})[.)](?:\s|[A-Z]))[a-z]")
# How the line before such a line may end when the sentence runs on past a blank line.
_RUNS_ON = re.compile(r"[A-Za-z0-9,\-–(]\s*$")


def continues_line(following: str) -> bool:
    """True when ``following`` (the text after a line break) starts like the rest of a sentence:
    with a lower-case Latin word (PDF readers put a blank line between wrapped lines of some pages)."""
    return _CONTINUES.match(following.lstrip()) is not None


# A line that starts a list item: a bullet, or a number or letter marker ("1.", "๑)", "(2)", "a)").
_ITEM_START = re.compile(r"^[ \t]*(?:[-*+•▪◦●○■□➢➤►\uf0b7\uf0a7]|\(?(?:\d{1,2}|[๐-๙]{1,2})[.)]|\((?:\d{1,2}|[๐-๙]{1,2}|[a-z])\)|[a-z]\))[ \t]+\S", re.MULTILINE)


def _list_items(text: str, start: int, end: int) -> list[Span]:
    """A block cut before each line that starts a list item: the introduction and each item (with
    the lines that wrap it) are apart. Thai has no full stop to end an item, and crfcut ran a list
    written one item a line ("หลักการของข้อมูลเปิดมีดังนี้ / • เปิดเผยโดยค่าเริ่มต้น / • ปรับปรุงข้อมูล
    ... ปีละ ๑ ครั้ง / • ...") into one quote with its introduction."""
    cuts = [match.start() for match in _ITEM_START.finditer(text, start, end) if match.start() > start]
    bounds = [start, *cuts, end]
    return [span for span in (_trimmed(text, a, b) for a, b in zip(bounds, bounds[1:])) if span]


def _blocks(text: str, headings: frozenset[str] = frozenset()) -> list[Span]:
    """The blocks of ``text`` (separated by blank lines), with a block joined to the one before it
    when the sentence runs on across the blank line: the line before ends without a sentence end,
    colon or heading mark, is not one of the passage's ``headings`` (``dedupe_key`` form), and the
    block after starts with a lower-case word ("... 33 member countries, 4 accession\n\ncountries
    and 1 partner country ..."). Thai is never joined: it has no case to tell a continuation."""
    from ingest.quotable import is_heading_like

    blocks: list[Span] = []
    for match in BLOCKS.finditer(text):
        if blocks and continues_line(match.group(0)):
            last_line = text[max(text.rfind("\n", blocks[-1][0], blocks[-1][1]) + 1, blocks[-1][0]) : blocks[-1][1]].strip()
            if (
                _RUNS_ON.search(last_line)
                and not is_heading_like(last_line)
                and dedupe_key(last_line) not in headings
                and detect_lang(last_line) != "th"
            ):
                blocks[-1] = (blocks[-1][0], match.end())
                continue
        blocks.append((match.start(), match.end()))
    return blocks


def _split_labels(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The sentence ``text[start:end]``, cut after each of its lines that is a heading or label
    (no sentence ending, no verb) or a spec sheet's attribute line ("Supply Current max. 50mA"):
    "Digital by design\nA government that is ..." is two pieces."""
    from ingest.quotable import is_attribute_line, is_fragment, is_heading_like

    if "\n" not in text[start:end]:
        return [(start, end)]
    lines = line_spans(text, start, end)
    pieces: list[tuple[int, int]] = []
    piece_start = lines[0][0]
    for (line_start, line_end), following in zip(lines, lines[1:]):
        line = text[line_start:line_end]
        wrapped = continues_line(text[following[0] : following[1]])  # a wrapped line of one sentence
        numbered_item = wrapped and _ITEM_START.match(line)  # "1. invest in research that\nbenefits ...": no heading
        if (is_heading_like(line) and not numbered_item) or ((is_fragment(line) or is_attribute_line(line)) and not wrapped):
            pieces.append((piece_start, line_end))
            piece_start = following[0]
    pieces.append((piece_start, lines[-1][1]))
    return pieces


# A Thai piece that starts with one of these continues the sentence before it ("... ได้เริ่มเก็บ
# ข้อมูล | เมื่อ กุมภาพันธ์ 2563 ...", "... อย่างน้อย 300 tps | ส่วนกรณีการเขียน ..."): crfcut cuts at
# the space before a conjunction or preposition, where Thai writers put one inside a sentence.
_THAI_CONTINUATION = re.compile(
    r"(?:โดย|ซึ่ง|และ|หรือ|แต่|เพื่อ|เมื่อ|ส่วน|จึง|ที่|อีกทั้ง|รวมถึง|รวมทั้ง|ได้แก่|เช่น|ตั้งแต่|จนถึง|ภายใน|ไม่ว่า|หาก|ถ้า|"
    r"กรณี|ตาม|ให้|ของ|ใน|จาก|กับ|แก่|ต่อ|จนกว่า|ก่อน|หลัง|ขณะ|ระหว่าง|เนื่องจาก|เพราะ|ดังนั้น|อย่างไรก็ตาม|ทั้งนี้|นอกจากนี้|คือ|เป็น|ทำให้)"
)
# A Thai sentence joined from continuation pieces stays within this many characters (a longer
# "sentence" is a list or table: ``passage_sentences`` cuts those at 500 too).
THAI_SENTENCE_MAX_CHARS = 500


def _join_short(text: str, pieces: list[tuple[int, int]], min_chars: int, max_chars: int) -> list[tuple[int, int]]:
    """Join consecutive pieces on one line until each has ``min_chars``, and a piece that continues
    the one before it (it starts with a Thai conjunction or preposition, or the one before stops on
    one: "... ในวันที่ 14-15 พฤศจิกายน พ.ศ. 2567 โดยมี" | "นายชินทร์ ...", also over a line break); a short
    tail joins the last."""
    from ingest.quotable import ends_cut

    joined: list[tuple[int, int]] = []
    for start, end in pieces:
        if joined:
            last_start, last_end = joined[-1]
            same_line = "\n" not in text[last_end:start]
            short = last_end - last_start < min_chars and end - last_start <= max_chars
            fits = end - last_start <= THAI_SENTENCE_MAX_CHARS
            cut = fits and ends_cut(text[last_start:last_end])
            continues = fits and (_THAI_CONTINUATION.match(text, start) is not None or cut)
            # a line stopping on a connective runs on into the next one ("... (KPC) และ" | "OECD Digital
            # Government Unit (DGU)": a text file's wrapped line), unless that one starts a list item
            wrapped = cut and not same_line and _ITEM_START.match(text, text.rfind("\n", 0, start) + 1) is None
            if (same_line and (short or continues)) or wrapped:
                joined[-1] = (last_start, end)
                continue
        joined.append((start, end))
    if len(joined) > 1 and joined[-1][1] - joined[-1][0] < min_chars // 2 and "\n" not in text[joined[-2][1] : joined[-1][0]]:
        if joined[-1][1] - joined[-2][0] <= max_chars:
            joined[-2:] = [(joined[-2][0], joined[-1][1])]
    return joined


def dedupe_key(text: str) -> str:
    """A sentence or heading compared without case or spacing (passages overlap; PDF lines wrap)."""
    return _SPACES.sub(" ", text).strip().lower()


# An outline: a passage of at least OUTLINE_MIN_BLOCKS short blocks (at most OUTLINE_BLOCK_CHARS
# characters each, about a heading's or a link's length) and no sentence worth quoting. A Markdown
# page's list of headings and links ("International Case Studies & Regulations / สหรัฐอเมริกา /
# usa.gov / สิงคโปร์ / gov.sg ..."), a report's cover or table of contents. Short blocks alone are
# not enough: a PDF's prose wrapped into short lines, or a Thai standard's control ("PS-09 /
# ระดับการบังคับใช้ (Compliance): Mandatory / มีข้อมูลวัดผลหลังเปิดบริการ ...") says something.
OUTLINE_MIN_BLOCKS = 3
OUTLINE_BLOCK_CHARS = 60


def is_outline(text: str, headings: frozenset[str] = frozenset()) -> bool:
    """Whether a passage is only headings, labels and links (see :data:`OUTLINE_BLOCK_CHARS`):
    nothing in it to read or quote. ``headings`` are the passage's title and heading path
    (:func:`dedupe_key` form), which are no sentences of it.

    Cost: a split on blank lines for most passages; :func:`passage_sentences` (about 10 ms) only
    for a passage of short blocks.

    Example:
        >>> is_outline("International Case Studies\\n\\nสหรัฐอเมริกา\\n\\nusa.gov\\n\\nสิงคโปร์\\n\\ngov.sg")
        True
        >>> is_outline("Cloud first\\n\\nAgencies move workloads to the cloud.\\n\\nPooling lowers costs.")
        False
    """
    from ingest.markup import plain_text

    blocks = [block for block in (match.group().strip() for match in BLOCKS.finditer(plain_text(text))) if block]
    if len(blocks) < OUTLINE_MIN_BLOCKS or any(len(block) > OUTLINE_BLOCK_CHARS for block in blocks):
        return False
    return not passage_sentences(text, skip=headings)
