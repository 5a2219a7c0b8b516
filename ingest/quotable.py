"""What kind of text a sentence-sized piece of a passage is: a claim worth quoting, or not.

An answer quotes sentences as evidence, so a piece that says nothing on its own must never be
one: a heading ("The OECD Digital Government Index (DGI)", ``#### **4. สรุป...**``), a figure or
table label ("Figure 3. ...", "Source: OECD (2020[2])", "ที่มา: ..."), a bibliography entry (or a
legal instrument's "HAVING REGARD to ... [OECD/LEGAL/0144]; ..." recital, its equivalent), a
fragment without a verb (a table-of-contents line, a label, a table row of numbers), a line that
only points elsewhere ("ดูรายละเอียดเพิ่มเติมได้ที่ https://..."), a survey item, or a sentence planted
to instruct an AI (``ingest.injection``). :func:`piece_kind` names the kind; only :data:`CLAIM` is
quotable. What a claim's span leaves out: a FAQ's answer marker before it (:func:`answer_marker_end`)
and a list pointer or link label after it (:func:`pointer_clause_start`).
A heading or fragment can still be a *list item* (the list answerer quotes items under the
heading that names the list), never a claim on its own.

Verbs: Thai pieces are tagged with pythainlp's bundled perceptron part-of-speech model (UD tags,
orchid corpus; offline); English uses closed-class auxiliaries and modals, common lexical verbs,
and -ed/-ing forms after the first word. The verb test is only applied to pieces that do not end
like a sentence (. ! ? ; or a closing quote after them) and are at most :data:`MAX_FRAGMENT_WORDS`
words: anything punctuated as a sentence, or long, is taken as one.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ingest.injection import is_planted_instruction
from ingest.markup import plain_text

CLAIM = "claim"
HEADING = "heading"
CAPTION = "caption"
REFERENCE = "reference"
FRAGMENT = "fragment"
INSTRUCTION = "instruction"
QUESTION = "question"
LIST_INTRO = "list intro"

MAX_FRAGMENT_WORDS = 18  # a longer piece is a sentence even without punctuation or a known verb
MAX_FRAGMENT_THAI_CHARS = 90
# A Thai claim spaces its clauses; a short run without a space and without a sentence end is a label
MAX_THAI_LABEL_CHARS = 30
# A longer piece ending with "... ได้แก่" / "namely:" says something before its list: a claim.
MAX_LIST_INTRO_CHARS = 120

_MARKDOWN_HEADING = re.compile(r"^\s{0,3}#{1,6}\s")
_BOLD_LINE = re.compile(r"^\s*(?:\*\*|__)[^*_\n]+(?:\*\*|__)\s*:?\s*$")
# "3.1.2 ข้อกำหนด...", "IV. Results": a numbered section heading with no full stop after it; a
# one-level number ("2. Scope") only when the rest is a fragment (else it is a numbered list item)
_NUMBERED_HEADING = re.compile(r"^\s*(?:\d+\.\d+(?:\.\d+)*\.?|[IVX]{1,5}\.)\s+[^.!?]{0,100}$")
# "2. Scope", "(๑) มาตรการระยะกลาง (ภายในปี พ.ศ. ๒๕๖๒)": a numbered line (Arabic or Thai digits, also in
# brackets) whose rest is a fragment (``is_fragment`` decides; "พ.ศ." dots are no sentence end)
_NUMBERED_LINE = re.compile(r"^\s*(?:\(\d+\)|\d+[.)]?)\s+(?P<rest>[^!?]{1,100})$")
_CAPTION = re.compile(
    r"^\s*(?:(?:Figure|Fig\.|Table|Box|Chart|Graph|Diagram|Exhibit|Infographic|Map|Annex|Appendix)\s+(?:[A-Z]?\d+(?:\.\d+)*[A-Za-z]?|[A-Z])(?:[.:]|\s*$)"
    r"|(?:Sources?|Notes?|Reading note|Source and notes?)\s*:"
    r"|(?:ภาพ|รูป|ตาราง|แผนภาพ|แผนภูมิ|กล่อง)(?:ที่)?\s*[0-9๐-๙]+(?:[.\-][0-9๐-๙]+)*(?!\s*(?:มิติ|องศา|[0-9๐-๙]))(?:[.:]|\s|$)"
    r"|(?:ที่มา|หมายเหตุ|แหล่งที่มา)\s*:)",
    re.IGNORECASE,
)
# "OECD (2020), Digital Government Index ...", "González, S., L. Fleischer (2017), ..."
_REFERENCE = re.compile(
    r"^\s*[^()\n]{2,80}\(\d{4}[a-z]?\)[,.]"  # OECD (2020), Title ...
    r"|^\s*[^\"“”\n]{2,80},\s*[\"“][^\"“”\n]{10,}[\"”]?\s*[.,]?\s*$"  # Author, "Title ..."
)
_URL_ONLY = re.compile(r"^\s*(?:https?://|www\.|doi:)\S+\s*$", re.IGNORECASE)
_URL = re.compile(r"(?:https?://|www\.|doi:)\S+", re.IGNORECASE)
# A line that is a link with a label or an HTTP method around it ("[GET] https://api.egov.go.th/...",
# "Endpoint: https://..."): at most this many letters outside its links, no claim (a request in an
# API guide, not a sentence about it).
MAX_LINK_LINE_LETTERS = 12
_LETTER = re.compile(r"[A-Za-z\u0e01-\u0e2e\u0e30-\u0e4e]")


def is_link_line(text: str) -> bool:
    """True for a piece made of links and a few letters (an HTTP method, a label).

    Example:
        >>> is_link_line("[GET] https://api.example.go.th/ws/status?ref=1"), is_link_line("See the portal at https://data.go.th for all open data sets.")
        (True, False)
    """
    return bool(_URL.search(text)) and len(_LETTER.findall(_URL.sub(" ", text))) <= MAX_LINK_LINE_LETTERS
# a bibliography tail: "297-334, http://dx.doi.org/...", "pp. 12-20.", "Vol. 3/2, OECD Publishing, Paris"
_BIBLIOGRAPHIC = re.compile(r"^\s*(?:pp?\.\s*)?\d+\s*[-–]\s*\d+\s*[,.]|OECD Publishing, Paris|\bdoi\.org/|\bet al\.,? \(?\d{4}", re.IGNORECASE)
# A legal instrument's recital citing other instruments, its bibliography: "HAVING REGARD to the
# OECD Guidelines ... [OECD/LEGAL/0144]; Recommendation of the Council ... [OECD/LEGAL/0188]; ...".
# A recital opened "HAVING REGARD to" (also "REGARD to ...": the same recital cut by a passage
# boundary) only names what the instrument builds on.
# In sentence case only as a recital (closed by ";" or ","): "Having regard to the costs, the
# ministry chose ..." is prose.
_HAVING_REGARD = re.compile(r"^\W*(?:HAVING\s+)?REGARD\s+to\b|^\W*Having\s+regard\s+to\b.*[;,]\s*$")
# The other recitals of a legal instrument's preamble, opened by a participle in capitals as the
# OECD, UN and EU write them ("RECOGNISING that ...", "CONSIDERING that ...", "NOTING ...",
# "UNDERLINING ..."): the reasons the Council gives before it decides, not what the instrument asks
# ("RECOMMENDS that Members ...", "AI actors should ..."). Quoted beside an operative clause they
# read as its support though they say something else (tryout 22: "RECOGNISING that given the rapid
# development of AI ..." added to the answer on how AI actors should manage risk). Only in capitals.
_RECITAL = re.compile(
    r"^\W*(?:RECOGNI[SZ]ING|CONSIDERING|NOTING|UNDERLINING|UNDERSCORING|AFFIRMING|REAFFIRMING|ACKNOWLEDGING|"
    r"STRESSING|EMPHASI[SZ]ING|WELCOMING|RECALLING|MINDFUL|AWARE|BEARING\s+IN\s+MIND|DESIRING|CONVINCED|"
    r"HAVING\s+(?:CONSIDERED|NOTED|EXAMINED|REGARD))\b"
)
# an OECD legal instrument's number (https://legalinstruments.oecd.org): "[OECD/LEGAL/0406]"
_INSTRUMENT_NUMBER = re.compile(r"\[?OECD/LEGAL/\d{3,4}\]?")
_ENDS_WITH_INSTRUMENT_NUMBER = re.compile(_INSTRUMENT_NUMBER.pattern + r"[\s.,;]*$")


def is_instrument_citation(text: str) -> bool:
    """True for a piece that cites legal instruments rather than saying something: a recital opened
    "HAVING REGARD to", or a run of instrument titles each closed by its number (at least two
    ``[OECD/LEGAL/nnnn]``, and at least half of the ``;``-separated parts ending with one). A
    sentence that names one instrument and goes on to say something is a claim.

    Example:
        >>> is_instrument_citation("Declaration on the Digital Economy [OECD/LEGAL/0426]; Declaration on SMEs [OECD/LEGAL/0439]; as well as the 2016 Ministerial Statement;")
        True
        >>> is_instrument_citation("RECOGNISING that AI has pervasive, far-reaching and global implications;")
        False
    """
    if _HAVING_REGARD.match(text):
        return True
    if len(_INSTRUMENT_NUMBER.findall(text)) < 2:
        return False
    parts = [part for part in text.split(";") if part.strip()]
    return 2 * sum(bool(_ENDS_WITH_INSTRUMENT_NUMBER.search(part)) for part in parts) >= len(parts)


# a question: "?" at the end, or a Thai question word closing the piece ("กี่" only as a word:
# "ที่เกี่ยวข้อง", "related", holds the letters of "กี่" and closes countless statements)
_QUESTION_MARK_END = re.compile(r"\?\s*[\"'”’)*]*\s*$")
_QUESTION_END = re.compile(_QUESTION_MARK_END.pattern + r"|(?:หรือไม่|หรือเปล่า|ไหม|มั้ย|อย่างไร|ยังไง|อะไร|ใคร|ไหน|ใด|บ้าง|เมื่อไร|เมื่อไหร่|เท่าไร|เท่าไหร่|เท่าใด|(?<![เแโใไ])กี่\S{0,12})\s*[*]*\s*$")
# Statements that end in a question word: "... แต่อย่างใด" (at all), "... วิธีอื่นใด" (any other way), "ใด ๆ"
_STATEMENT_IDIOM_END = re.compile(r"(?:แต่อย่างใด|อื่นใด|ใด\s?ๆ)\s*[*]*\s*$")
# "ว่า" introducing a clause (not "กว่า" more than, "ว่าง" free, "ว่าด้วย" concerning, "ว่าจ้าง", "ว่าการ",
# "ว่าราชการ"): a question word after it asks nothing, it says what is checked or stated ("ประเมินว่า
# บริการต้องใช้ข้อมูลใด", "ตรวจสอบว่าท่านเป็นผู้ดูแลระบบหรือไม่")
_THAT_CLAUSE = re.compile(r"(?<!ก)ว่า(?!ง|ด้วย|จ้าง|การ|ราชการ)")


def is_question(text: str) -> bool:
    """True for a piece that asks: it ends with "?", or with a Thai question word that is not an
    indirect question ("... ระบุว่าแต่ละหน่วยงานเป็นเจ้าของข้อมูลใด") or an idiom ("... แต่อย่างใด").

    Example:
        >>> is_question("ต้องใช้เอกสารอะไรบ้าง"), is_question("ให้ระบุว่าหน่วยงานใดเป็นเจ้าของข้อมูลใด")
        (True, False)
    """
    ending = _QUESTION_END.search(text)
    if ending is None:
        return False
    if _QUESTION_MARK_END.search(text):
        return True
    return not _STATEMENT_IDIOM_END.search(text) and not _THAT_CLAUSE.search(text, 0, ending.start())


# A pointer to a figure or table after a list's introduction: "... จะแสดงข้อมูลดังนี้ ตามรูป 3", "... as
# follows (see Figure 2):". The list is in the text after it (or in the figure): the introduction says nothing.
_FIGURE_POINTER = (
    r"(?:\s*[(\[]?\s*(?:(?:ตาม|ดัง|ใน|ดู)\s*)?(?:ภาพ|รูป|ตาราง|แผนภาพ|แผนภูมิ)(?:ที่)?\s*[0-9๐-๙]+(?:\.[0-9๐-๙]+)*"
    r"|\s*[(\[]?\s*(?i:(?:see|in|as shown in)\s+)?(?i:figure|fig\.|table|chart|box)\s*[0-9]+(?:\.[0-9]+)*[A-Za-z]?)\s*[)\]]?\s*[:.]?"
)
# a list introduction: ends with ":" (or a Thai "ดังนี้", "ได้แก่", "ดังต่อไปนี้", "คือ"), maybe then a figure pointer
_LIST_INTRO = re.compile(
    rf"(?::|ดังนี้|ดังต่อไปนี้|ได้แก่|คือ|as follows|the following|namely|including)\s*[*]*\s*(?:{_FIGURE_POINTER})?\s*[*]*\s*"
    r"(?:\(?(?:\d{1,2}|[a-z]|[ivx]{1,4})[.)])?\s*$",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?;…](?:[\"'”’)\]]|\[\d+\])*\s*$")
_TOC_LINE = re.compile(r"[A-Za-z\u0e01-\u0e4e)]\s*\.{0,}\s*\d{1,3}\s*$")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_THAI = re.compile(r"[\u0e01-\u0e4e]")

_EN_AUXILIARIES = frozenset(
    """is are was were be been being am isn't aren't wasn't weren't has have had hasn't haven't hadn't
    do does did don't doesn't didn't can could will would shall should may might must cannot can't
    won't wouldn't shouldn't couldn't""".split()
)
_EN_VERBS = _EN_AUXILIARIES | frozenset(
    """need needs needed ought
    provide provides include includes require requires refer refers mean means measure measures use uses
    make makes ensure ensures support supports show shows aim aims assess assesses comprise comprises
    consist consists cover covers focus focuses help helps allow allows enable enables remain remains
    seek seeks take takes give gives lead leads define defines describe describes set sets list lists
    present presents reflect reflects relate relates apply applies contain contains offer offers
    promote promotes involve involves represent represents exist exists become becomes get gets
    let lets keep keeps hold holds see sees know knows find finds come comes go goes put puts
    run runs pay pays serve serves work works report reports rank ranks score scores perform performs
    publish publishes collect collects share shares store stores send sends receive receives
    create creates build builds develop develops adopt adopts implement implements manage manages
    evaluate evaluates monitor monitors identify identifies indicate indicates suggest suggests
    note notes state states says say said told tell tells ask asks answer answers depend depends
    vary varies differ differs increase increases decrease decreases grow grows reach reaches
    access accesses enter enters open opens close closes connect connects check checks verify verifies
    sign signs register registers issue issues charge charges cost costs lack lacks face faces
    mark marks play plays encourage encourages consider considers recognise recognises recognize
    recognizes recommend recommends agree agrees invite invites instruct instructs call calls""".split()
)
_EN_DETERMINERS = frozenset(
    "the a an its their our your his her this that these those each every any no total overall average annual".split()
)
_EN_NOT_BEFORE_VERB = _EN_DETERMINERS | frozenset("to for of in on at by from with into".split())
_EN_BEFORE_ADJECTIVE = _EN_NOT_BEFORE_VERB | frozenset("and or more most well fully highly newly".split())
# An unpunctuated line that opens with a noun and "of" ("Existence of ...", "Availability of ...") names
# something; it says nothing of it unless an auxiliary makes it a clause ("Use of AI is rising").
_OF_PHRASE = re.compile(r"^[^A-Za-z]*[A-Z][a-z]+ of\b")
_PARENTHESIS = re.compile(r"\([^()\n]*\)")
_EN_INFLECTED = re.compile(r"^[a-z]{3,}ed$")
_EN_PROGRESSIVE = re.compile(r"\b(?:is|are|was|were|be|been|being|am)\s+(?:\w+\s+)?[a-z]{3,}ing\b", re.IGNORECASE)


def _ends_like_sentence(text: str) -> bool:
    return bool(_SENTENCE_END.search(text))


def _english_has_verb(text: str) -> bool:
    text = _PARENTHESIS.sub(" ", text)  # "... Open Data Barometer (total score)": an aside is no predicate
    words = [word.lower() for word in _WORD.findall(text)]
    if _EN_PROGRESSIVE.search(text):
        return True
    # a lexical verb's form after a determiner is a noun: "the use of", "a total score" (never an
    # auxiliary: "this is", "that can")
    # (nor an infinitive, "Formal requirements to provide ..." naming a survey item, nor a form after a
    # preposition: "with open data requirements")
    for index, word in enumerate(words):
        if word in _EN_AUXILIARIES or (word in _EN_VERBS and (index == 0 or words[index - 1] not in _EN_NOT_BEFORE_VERB)):
            return True
    # "-ed" after the first word: "Agencies adopted ...". An "-ing" word alone is no verb: titles are
    # full of them ("Overall ranking, 2017", "Building human capacity"); nor is an "-ed" word after a
    # preposition, determiner or conjunction: an adjective ("... for integrated and trustworthy public
    # services", a seminar's title).
    return any(_EN_INFLECTED.match(word) and words[index - 1] not in _EN_BEFORE_ADJECTIVE for index, word in enumerate(words) if index)


@lru_cache(maxsize=20_000)
def _thai_has_verb(text: str) -> bool:
    """True when pythainlp's part-of-speech model tags a verb or auxiliary in ``text``."""
    from pythainlp.tag import pos_tag
    from pythainlp.tokenize import word_tokenize

    words = [word for word in word_tokenize(text, engine="newmm") if word.strip()]
    tagged = pos_tag(words, engine="perceptron", corpus="orchid_ud")
    noun_phrase = bool(words) and words[0] in _THAI_NOMINALISERS
    for index, (word, tag) in enumerate(tagged):
        before = words[index - 1] if index else ""
        if tag not in ("VERB", "AUX") or before in _THAI_NOMINALISERS:
            continue  # "การใช้ Service ของ Public Cloud": "การ" + verb is a noun ("the use of")
        if noun_phrase and before in _THAI_RELATIVES:
            continue  # "การออกแบบระบบงานที่ใช้ Services ...": a relative clause inside a noun phrase
        return True
    return False


# Thai makes a noun of a verb with "การ" (action) or "ความ" (quality): "การใช้" (the use), "ความมั่นคง"
_THAI_NOMINALISERS = frozenset({"การ", "ความ"})
_THAI_RELATIVES = frozenset({"ที่", "ซึ่ง", "อัน"})


# A spec sheet's or form's attribute line: a label, then a measured value with its unit ("Supply Current
# max. 50mA", "Operating Frequency 4 MHz", "Operating Temperature 0-50°C", "MBTF 500,000 hours",
# "อายุของ Token 60 นาที"). It has no verb, and it answers "what is the X": a claim, as a table row of
# numbers is (rules 13). A number without a unit ("Introduction 12", a contents line) is no value.
_QUANTITY = r"[-+±~≈<>≤≥]?\s*[0-9๐-๙]+(?:[.,][0-9๐-๙]+)*(?:\s*(?:-|–|~|to|ถึง)\s*[0-9๐-๙]+(?:[.,][0-9๐-๙]+)*)?"
_QUALIFIER = r"(?:(?i:max|min|maximum|minimum|typ|typical|approx|approximately|about|up to|at least|at most)\.?|ไม่เกิน|สูงสุด|ต่ำสุด|อย่างน้อย|ประมาณ|ไม่น้อยกว่า|ไม่ต่ำกว่า|ไม่เกินกว่า)"
_UNIT = (
    r"(?:[kMGTmµμn]?(?:A|V|W|Wh|Hz|Ω|F|bps|B|b)|°\s?[CF]|%|(?i:mm|cm|km|m|in|ft|kg|mg|g|ms|sec|secs|seconds?|mins?|minutes?|"
    r"h|hrs?|hours?|days?|weeks?|months?|years?|bytes?|bits?|dpi|ppm|dB|rpm|tps|lux|nits?|pages?|digits?|characters?|users?|cycles?)"
    r"|นาที|ชั่วโมง|ชม\.|วินาที|วัน|สัปดาห์|เดือน|ปี|บาท|ล้านบาท|หลัก|ครั้ง|กิโลกรัม|กก\.|กรัม|เมตร|ซม\.|มม\.|กม\.|ตัวอักษร|องศา(?:เซลเซียส)?|"
    r"เปอร์เซ็นต์|ไบต์|เมกะไบต์|กิกะไบต์|วัตต์|โวลต์|แอมป์)"
)
_ATTRIBUTE_LINE = re.compile(
    rf"^\s*(?P<label>[A-Za-z\u0e01-\u0e4e][^\n.!?;:0-9๐-๙]{{1,60}}?)\s*[:：]?\s+(?:{_QUALIFIER}\s*)?{_QUANTITY}\s*{_UNIT}"
    rf"(?:\s*\(?(?:DC|AC|max\.?|min\.?)\)?)?\s*$"
)
MAX_ATTRIBUTE_LABEL_WORDS = 8


def is_attribute_line(text: str) -> bool:
    """True for a spec sheet's attribute line: a label of at most :data:`MAX_ATTRIBUTE_LABEL_WORDS`
    words and a value with its unit, alone on its line.

    Example:
        >>> is_attribute_line("Supply Current max. 50mA"), is_attribute_line("Introduction 12")
        (True, False)
    """
    plain = " ".join(plain_text(text).split())
    match = _ATTRIBUTE_LINE.match(plain)
    return bool(match) and len(match.group("label").split()) <= MAX_ATTRIBUTE_LABEL_WORDS


def is_fragment(text: str) -> bool:
    """True for a short piece with no sentence ending and no verb: a label, a heading, a ToC line.
    A spec sheet's attribute line ("Operating Frequency 4 MHz") is no fragment (:func:`is_attribute_line`).

    Example:
        >>> is_fragment("Digital by design"), is_fragment("Agencies share data across silos")
        (True, False)
    """
    if is_attribute_line(text):
        return False
    plain = " ".join(_URL.sub("link", plain_text(text)).split())  # a URL's parts are no words
    cells = [cell for cell in re.split(r";\s*", plain) if cell.strip()]
    if len(cells) >= 2 and all(len(cell) <= 80 for cell in cells) and not _ends_like_sentence(plain):
        return True  # a table or form record: "URL; link", "ประเภทแอปพลิเคชัน: Web; ประเภทบริการ: ALL"
    if not plain or _ends_like_sentence(plain):
        return False
    if _THAI.search(plain) and len(_THAI.findall(plain)) >= len(_WORD.findall(plain)):
        if " " not in plain and len(plain) <= MAX_THAI_LABEL_CHARS:
            return True  # "ตัวอย่างการเรียกใช้งาน" (usage example): a label; its "verbs" are a compound noun's
        # an aside is no predicate: "ขั้นตอนการ Download (สำหรับลูกค้าที่ไม่เคยติดตั้งแอปพลิเคชัน)" is a heading
        return len(plain) <= MAX_FRAGMENT_THAI_CHARS and not _thai_has_verb(_PARENTHESIS.sub(" ", plain).strip() or plain)
    words = _WORD.findall(plain)
    if len(words) > MAX_FRAGMENT_WORDS:
        return False
    if _OF_PHRASE.match(plain) and not any(word.lower() in _EN_AUXILIARIES for word in words):
        return True  # "Content of the unrestricted access to data policy (33.3%)": a noun phrase, whatever "verbs" it holds
    if is_title_case(plain):
        return True  # "Operating System Support", "Smart Card Interface Support": a "verb" in a title is a noun
    return _TOC_LINE.search(plain) is not None and len(words) <= 12 or not _english_has_verb(plain)


_TITLE_SMALL_WORDS = frozenset("a an and as at by for from in of on or the to with".split())
MAX_TITLE_WORDS = 8


def is_title_case(text: str) -> bool:
    """True for a short English line written as a title: from 2 to :data:`MAX_TITLE_WORDS` words, each
    capitalised but the small ones ("Government as a Platform"), no sentence ending, no number, not
    opened by a verb ("Supports PPS (Protocol and Parameters Selection)" is a spec sheet's feature)."""
    words = _WORD.findall(_PARENTHESIS.sub(" ", text))
    if not 2 <= len(words) <= MAX_TITLE_WORDS or _ends_like_sentence(text) or not words[0][0].isupper():
        return False
    if re.search(r"\d", text) or words[0].lower() in _EN_VERBS:
        return False  # a table row ("Open by Default 20 0.712"), a date range, a feature ("Supports PPS (...)")
    return all(word[0].isupper() or word in _TITLE_SMALL_WORDS for word in words) and any(word[0].islower() or len(word) > 1 for word in words)


def is_heading_like(text: str) -> bool:
    """A heading by its marks or numbering: ``## ...``, a line in bold alone, "3.1 Scope", "2. Scope"."""
    if _MARKDOWN_HEADING.match(text) or _BOLD_LINE.match(text):
        return True
    plain = plain_text(text)
    if _NUMBERED_HEADING.match(plain):
        return True
    numbered = _NUMBERED_LINE.match(plain)
    return bool(numbered and is_fragment(numbered.group("rest")))


def piece_kind(text: str, headings: frozenset[str] = frozenset(), line: str = "") -> str:
    """The kind of a sentence-sized piece of a passage: :data:`CLAIM` (quotable) or why not.

    Args:
        text: the piece, as it is in the passage (markup included).
        headings: the passage's title and heading path, compared without case and spacing
            (``ingest.sentences.dedupe_key``): a piece equal to one of them is a heading.
        line: the whole line the piece is on, when known: a piece of a line marked as a heading
            (``## ...``, a line in bold) is part of that heading.
    """
    plain = plain_text(text)
    flat = " ".join(plain.split())
    if flat.lower() in headings or is_heading_like(text) or (line and is_heading_like(line.strip())):
        return HEADING
    if _CAPTION.match(flat):
        return CAPTION
    if _REFERENCE.match(flat) or _URL_ONLY.match(flat) or _BIBLIOGRAPHIC.search(flat) or is_instrument_citation(flat):
        return REFERENCE
    if _RECITAL.match(flat) or is_link_line(flat):
        return REFERENCE
    if is_planted_instruction(flat):
        return INSTRUCTION
    if is_pointer(flat):
        return REFERENCE
    if is_question(flat) or is_survey_item(flat):
        return QUESTION
    if _LIST_INTRO.search(flat) and len(flat) <= MAX_LIST_INTRO_CHARS:
        return LIST_INTRO
    if _wrapped_in_bold(text):
        return HEADING
    if is_fragment(flat) or is_table_row(flat):
        return FRAGMENT
    return CLAIM


def _wrapped_in_bold(text: str) -> bool:
    """A piece in bold from its start to its end (the bold run may open or close on another
    line): in these documents that is a heading written as bold text, not a claim."""
    stripped = text.strip()
    for mark in ("**", "__"):
        opens, closes = stripped.startswith(mark), stripped.endswith(mark)
        inner = stripped[len(mark) if opens else 0 : len(stripped) - len(mark) if closes else len(stripped)]
        if (opens or closes) and mark not in inner:
            return True
    return False


# "Source: OECD (2020[2])), The ... Framework, https://doi.org/... The DGI assesses ...": a PDF
# caption line run into the sentence after it. The caption part ends at its URL or citation.
_CAPTION_PREFIX = re.compile(
    r"^\s*(?:Sources?|Notes?)\s*:[^\n]*?(?:https?://\S+|\(\w[^()\n]{0,40}\d{4}[a-z]?(?:\[\d+\])?\)\)?\.?)\s+(?=[A-Z])"
)


def caption_prefix_end(text: str) -> int:
    """Length of a leading "Source: ..." caption run into the sentence after it (0 when none)."""
    match = _CAPTION_PREFIX.match(text)
    return match.end() if match else 0


# A FAQ's answer marker opening a line: "ตอบ ผู้ใช้สามารถ...", "**ตอบ** ...", "A: Users can ...",
# "Answer: ...". Thai "ตอบ" is the marker only as a word of its own ("ตอบสนอง", respond, is a claim's
# verb); English needs its colon ("A government ..." is a claim).
_ANSWER_MARKER = re.compile(
    r"\s*(?:\*\*|__)?(?:(?:ตอบ|คำตอบ)(?:\*\*|__)?\s*[:：]?(?=\s|$|[*_])|(?:A|Ans|Answer)(?:\*\*|__)?\s*[:：](?:\*\*|__)?)(?:\*\*|__)?\s*"
)
# A FAQ's question marker: "ถาม ...", "คำถาม: ...", "Q: ...", "Q.66.b. ..." (a questionnaire's item)
_QUESTION_MARKER = re.compile(
    r"^\s*(?:\*\*|__)?(?:(?:ถาม|คำถาม)(?:\*\*|__)?\s*[:：]?(?=\s|$|[*_])|(?:Q|Question)(?:\*\*|__)?\s*[:：]|Q\.\s?\d+(?:\.[a-z0-9]+)*\.?\s)"
)


def answer_marker_end(text: str, start: int = 0, end: int | None = None) -> int:
    """Where the claim after a FAQ's answer marker opening ``text[start:end]`` starts ("ตอบ ผู้ใช้..."
    -> the offset of "ผู้ใช้"); ``start`` when there is none. A quote starts at its claim, never
    at the marker (the DGA knowledge base's FAQ pages are written "question / ตอบ answer")."""
    match = _ANSWER_MARKER.match(text, start, len(text) if end is None else end)
    return match.end() if match and match.group(0).strip() else start


# "If yes, do visitors need to go through a registration process ...": a questionnaire's question
# written without its "?" (a PDF table cell), its inverted auxiliary tells it; "Do not ..." is an order
_AUXILIARY = "Do|Does|Did|Is|Are|Was|Were|Has|Have|Can|Could|Will|Would|Should|Shall|May|Must"
_INVERTED_QUESTION = re.compile(rf"^\W*(?:If (?:yes|no|so|not),\s*(?i:{_AUXILIARY})|(?:{_AUXILIARY}))\s+(?!not\b)(?![0-9])\w")
# "At the central/federal level are there formal requirements to: Provide data ...": a questionnaire's
# question with one of its options after the colon
_THERE_QUESTION = re.compile(r"\b(?:is|are|was|were)\s+there\b[^.?!:]*:", re.IGNORECASE)
# a questionnaire's answer options as a cell of their own ("... Yes/No 3.e, 6.a"), not in brackets
_YES_NO_CELL = re.compile(r"(?<![(\w/])Yes\s*/\s*No(?![)\w/])")


# A form's prompt to whoever fills it in: "Please provide a brief description of the collaboration.",
# "กรุณาระบุชื่อหน่วยงาน": asks, claims nothing.
_FORM_PROMPT = re.compile(
    r"^\W*(?:(?i:please)\s+(?:(?i:briefly)\s+)?(?i:provide|describe|indicate|list|specify|explain|select|tick|check|enter|fill|state|give|attach|upload|identify|outline|share|summari[sz]e|rate|answer|respond|complete|write|submit)\b"
    r"|(?:กรุณา|โปรด)\s*(?:ระบุ|กรอก|เลือก|อธิบาย|แนบ|ให้ข้อมูล|ทำเครื่องหมาย))"
)


def is_survey_item(text: str) -> bool:
    """True for a survey or questionnaire item: a question marked "Q:"/"ถาม" or numbered "Q.66.b.",
    a question without its "?" (an inverted auxiliary: "If yes, do visitors need ...", "Are there
    formal requirements ...", not ended by a full stop unless an option follows its colon; "... are
    there formal requirements to: Provide data ..."), or a row with its "Yes/No" answer cell.

    Example:
        >>> is_survey_item("If yes, do visitors need to go through a registration process: Access/download data")
        True
        >>> is_survey_item("Binary type questions (Yes/No): a value of 1 was awarded for Yes.")
        False
    """
    if _QUESTION_MARKER.match(text) or _YES_NO_CELL.search(text) or _FORM_PROMPT.match(text):
        return True
    if _THERE_QUESTION.search(text):
        return True
    # an option after the colon may end with a full stop: "Do the existing requirements ... allow users to
    # carry out the following actions with the data: Use."
    return bool(_INVERTED_QUESTION.match(text)) and (not re.search(r"[.!]\W*$", text) or ":" in text)


# A pointer to more reading, not a claim: "ดูรายละเอียดเพิ่มเติมได้ที่ https://...", "คลิกดูรายละเอียด
# เพิ่มเติม", "For more information see https://...", "[คลิกเพื่อดาวน์โหลดเอกสาร]". What is left of such a
# piece without its links is words of this list only.
_POINTER_WORDS = re.compile(
    r"(?:\s|[-–:;,.()\[\]\"“”'*_>]|link|ลิงก์|ลิงค์|คลิก|เพื่อ|ดู|อ่าน|เปิด|ศึกษา|ดาวน์โหลด|รายละเอียด|ข้อมูล|เพิ่มเติม|ได้|ที่นี่|ที่|จาก|นี่|นี้|"
    r"หรือ|ไฟล์|เอกสาร|ตาม|ทั้งหมด|ต่อ|ใน|"
    r"(?i:for|more|further|additional|information|info|details?|please|see|visit|refer|to|click|here|at|the|this|"
    r"website|page|below|above|read|download|go|available|or|and))+"
)
MAX_POINTER_CHARS = 160  # a longer piece says more than "see more"

# a link's label in brackets: "[คลิกเพื่อดาวน์โหลดเอกสาร]", "[click here]"
_CLICK_LABEL = re.compile(r"\[\s*(?:คลิก|(?i:click))[^\[\]\n]{0,60}\]")

# "For further information on this Recommendation ..., see the background information below."
_FOR_MORE = re.compile(
    r"^\W*For (?:more|further|additional) (?:information|details?)\b[^.;]*?,?\s*(?:please\s+)?(?:see|visit|refer to|consult|go to|click)\b[^;]*$",
    re.IGNORECASE,
)
# "ดูข้อมูล "แนวทาง..." เพิ่มเติมได้ที่ http://...", "ดูคลิป https://... เพื่อคำแนะนำเพิ่มเติม": an order to
# look elsewhere (no subject: "ผู้ใช้สามารถดูสถานะได้ที่ ..." tells what a user can do) with its link
_THAI_SEE_MORE = re.compile(r"^\W*(?:คลิก\s*)?(?:ดู|อ่าน|ศึกษา|เปิดดู)(?!แล)\S*.*(?:เพิ่มเติม|ที่นี่)(?:ได้)?(?:ที่|จาก)?\W*$")


# A piece that ends by saying where to look, its link after it: "Bizportal มี Api Services ... สามารถเรียกดู
# ได้ที่ https://...", "หมายเหตุ สามารถดูรายละเอียดวิธีการใช้งาน ... ได้ที่ https://...", "The full
# documentation can be found at https://...". The verb is one of looking (ดู, อ่าน, viewed, found) with no
# object of its own, or with "details" as its object: "ผู้ใช้สามารถดูสถานะได้ที่ ..." (a user can check
# the status there) and "... ดาวน์โหลดแอปพลิเคชันจากลิงค์นี้ ..." tell what a user can do, and stay claims.
_THAI_VIEW_AT = re.compile(
    r"(?:สามารถ|โปรด|กรุณา)?\s*(?:เรียก|เข้า|เปิด)?(?:ดู|อ่าน|ศึกษา)\s*(?:(?:ราย)?ละเอียด[^\n]{0,80}?|ข้อมูลเพิ่มเติม[^\n]{0,60}?|เพิ่มเติม)?"
    r"\s*(?:ได้)?\s*(?:ที่|จาก|ผ่าน|ใน)\s*(?:ลิงก์|ลิงค์|link|เว็บไซต์|website)?\s*(?:นี้)?\s*[:：]?\s*$",
    re.IGNORECASE,
)
_ENGLISH_VIEW_AT = re.compile(
    r"\b(?:(?:can|may|could)\s+be|is|are)\s+(?:viewed|seen|found|read|consulted|looked up)\s+(?:at|on|in|from|via)\s*(?:the\s+)?(?:link|website|page)?\s*:?\s*$"
    r"|\b(?:details|documentation|more information)\b[^.]{0,80}\b(?:at|see)\s*:?\s*$",
    re.IGNORECASE,
)
_TRAILING_LINKS = re.compile(r"(?:\s*(?:https?://|www\.)\S+)+[\s.*)\]]*$", re.IGNORECASE)


def ends_with_view_link(text: str) -> bool:
    """True for a piece that ends "can be viewed at <link>" (:data:`_THAI_VIEW_AT`, :data:`_ENGLISH_VIEW_AT`)."""
    links = _TRAILING_LINKS.search(text)
    if links is None:
        return False
    before = text[: links.start()]
    if before.count("(") > before.count(")"):
        return False  # "... ด้วย HTTPS (ดูรายละเอียดเพิ่มเติมที่ https://...)": an aside after the claim
    return bool(_THAI_VIEW_AT.search(before) or _ENGLISH_VIEW_AT.search(before))


def is_pointer(text: str) -> bool:
    """True for a piece that only points to more reading: a link with "see more" words around it,
    a "click for details" label, "For more information, see ...", a piece that ends "can be viewed
    at <link>" (:func:`ends_with_view_link`).

    Example:
        >>> is_pointer("ดูรายละเอียดเพิ่มเติมได้ที่ https://www.dga.or.th/our-services/")
        True
        >>> is_pointer("ผู้ใช้งานยังสามารถดาวน์โหลดแอปพลิเคชันจากลิงค์นี้ https://czp.dga.or.th/cp")
        False
    """
    has_link = bool(_URL.search(text))
    words = _URL.sub(" ", _CLICK_LABEL.sub(" คลิก ", text))  # "[คลิกเพื่อดูตัวอย่าง Source Code]" is a link
    if len(words) <= MAX_POINTER_CHARS and _POINTER_WORDS.fullmatch(words) and (has_link or re.search(r"คลิก|click|ดู|see", words, re.IGNORECASE)):
        return True
    if _FOR_MORE.match(words) or ends_with_view_link(text):
        return True
    see_more = _THAI_SEE_MORE.match(words)
    return bool(see_more) and (has_link or "คลิก" in words or words.rstrip().endswith("ที่นี่"))


# a contents line or a form's blank: "19 LIST OF ANNEXES: …", "4. ขั้นตอนการขอใช้บริการข้อมูล … 7"
_LEADER_END = re.compile(r"(?:…|\.{3,})\s*[0-9๐-๙]{0,3}\s*$")


def is_table_row(text: str) -> bool:
    """True for a contents line: it ends with a leader ("19 LIST OF ANNEXES: …"). A table row of
    numbers ("Korea 0.82 1 ... 0.742 1") stays quotable: it is the answer to "what is Korea's
    score" (dropping such rows lost those answers; a row quoted beside a definition is padding, the
    lesser fault)."""
    return bool(_LEADER_END.search(text)) or _is_pipe_table(text)


def _is_pipe_table(text: str) -> bool:
    """A Markdown table the reader could not parse, flattened into the text: "| รายการข้อมูล |
    รายละเอียด | | | Reference1 | ... |" (header, rule and rows run together); cells, not a sentence."""
    cells = [cell for cell in text.split("|")[1:-1] if cell.strip()]
    return text.count("|") >= 3 and len(cells) >= 2 and text.strip().startswith("|")


# A piece that ends on a word needing what follows it was cut: "... ณ โรงแรม เดอะ สุโกศล ในวันที่
# 14-15 พฤศจิกายน พ.ศ. 2567 โดยมี", "... the Council of". Cut by its passage's end, the whole
# sentence is in the next passage (the chunker overlaps them), which quotes it; cut by crfcut inside
# a line, it joins the rest of the line (``ingest.sentences``). Cut by a line break (a PDF's or a
# text file's wrapping) it stays: what it says is still the best quote there is.
_THAI_OPEN_ENDS = frozenset({"และ", "หรือ", "โดย", "โดยมี", "ซึ่ง", "ซึ่งมี", "เพื่อ", "กับ", "แก่", "แต่", "ได้แก่", "คือ", "จาก", "ตาม", "ของ", "ใน", "ที่", "อัน", "โดยเฉพาะ", "รวมถึง", "เช่น"})
_EN_OPEN_END = re.compile(
    r"\b(?:and|or|but|the|a|an|of|to|with|by|for|in|on|at|from|that|which|whose|as|such as|including|into|than|between|"
    r"is|are|was|were|be|has|have|will|would|should|must|can|may)\s*$"
)


def ends_cut(text: str) -> bool:
    """True for a piece that stops on a conjunction, preposition or auxiliary with no sentence end
    after it: the rest of the sentence is elsewhere.

    Example:
        >>> ends_cut("The seminar was held in Bangkok on 14 November with"), ends_cut("The seminar was held in Bangkok.")
        (True, False)
    """
    plain = " ".join(plain_text(text).split())
    if not plain or _ends_like_sentence(plain) or plain[-1] in ":)]”\"'":
        return False
    if _THAI.search(plain[-1]):
        return any(end in _THAI_OPEN_ENDS for end in _last_thai_words(plain))
    return bool(_EN_OPEN_END.search(plain)) and len(_WORD.findall(plain)) > 3


@lru_cache(maxsize=20_000)
def _last_thai_words(text: str) -> tuple[str, ...]:
    """The last word of ``text`` by pythainlp's newmm, and the last two joined ("โดย" + "มี"): Thai
    writes no spaces between words, so "พื้นที่" (area) ends in "ที่" but is one word."""
    from pythainlp.tokenize import word_tokenize

    words = [word for word in word_tokenize(text[-40:], engine="newmm") if word.strip()]
    return tuple(words[-1:]) + (("".join(words[-2:]),) if len(words) >= 2 else ())


# A list introduction's pointer that ends a long piece: "..., โดยในปัจจุบัน ... รองรับบริการต่าง ๆ ดังนี้",
# "... are defined as follows:". The clause it closes points at a list the quote cannot show.
_POINTER_END = re.compile(rf"(?:\s*(?:ราย)?ละเอียด)?\s*(?:ดังนี้|ดังต่อไปนี้|,?\s*as follows)\s*[:*]*(?:{_FIGURE_POINTER})?\s*[:*]*\s*$", re.IGNORECASE)
# where such a clause starts in Thai: a space before "โดยมี", "โดยในปัจจุบัน", "ซึ่งมี", "พร้อม", "ทั้งนี้" (a
# clause hung on the claim; "โดยใช้ ..." (by means of) is part of the claim, and only "ดังนี้" goes)
_THAI_POINTER_CLAUSE = re.compile(r"\s(?=โดย(?:จะ)?(?:มี|ใน)|ซึ่ง(?:จะ)?มี|พร้อม|ทั้งนี้)")
MAX_POINTER_CLAUSE_CHARS = 100
# a link's label left at a piece's end: " - คลิกดูรายละเอียดเพิ่มเติม", " [คลิกเพื่อดาวน์โหลดเอกสาร]", "(click here)"
_CLICK_LABEL_END = re.compile(
    r"\s*[-–:]?\s*[\[(]?(?:คลิก(?:ที่นี่)?(?:เพื่อ)?(?:ดู|อ่าน|เปิดดู|ดาวน์โหลด)|(?i:click here|click for)\b)[^\[\]()\n]{0,40}[\])]?\s*$"
)


def pointer_clause_start(text: str) -> int:
    """Where the clause that ends ``text`` by pointing at a list ("ดังนี้", "ดังต่อไปนี้", "as follows")
    or at a link ("- คลิกดูรายละเอียดเพิ่มเติม") starts: the claim before it is what a quote may show;
    ``len(text)`` when there is none. A short
    piece that is only such a clause is a list introduction (:func:`piece_kind`); this cuts the
    clause off a long one, which says something first ("แอปพลิเคชัน ทางรัฐ เป็นแพลตฟอร์ม... ได้ |
    โดยในปัจจุบัน ... รองรับการเข้าถึงข้อมูล และบริการต่าง ๆ ดังนี้")."""
    label = _CLICK_LABEL_END.search(text)
    if label and label.start() > 0:  # "... ว่าด้วยหลักเกณฑ์การจัดระดับชั้นข้อมูล - คลิกดูรายละเอียดเพิ่มเติม"
        text = text[: label.start()]
    pointer = _POINTER_END.search(text)
    if pointer is None or len(text.strip()) <= MAX_LIST_INTRO_CHARS:
        return len(text.rstrip())
    floor = max(0, pointer.start() - MAX_POINTER_CLAUSE_CHARS)
    clauses = [match.start() for match in _THAI_POINTER_CLAUSE.finditer(text, floor, pointer.start()) if match.start() > 0]
    cut = clauses[-1] if clauses else pointer.start()
    return len(text[:cut].rstrip(" ,"))


_THAI_AND_OR = frozenset({"และ", "หรือ", "แต่"})


def opens_mid_sentence(text: str) -> bool:
    """True for a piece that cannot start a sentence: English opening with a lower-case word or
    punctuation ("together government and non-government actors ...", ", .)ต้อง..."), Thai opening
    with a verb or auxiliary, no subject before it ("สามารถใช้บริการได้อย่างมั่นใจ", "ควรพิจารณา ..."),
    or with "และ"/"หรือ"/"แต่" (and, or, but). Thai drops subjects in claims too, so this is only
    asked of a piece already known to end a longer sentence (``index.sentences.drop_overlap_tails``);
    a clause with its own subject ("โดยชื่อผู้ใช้งานจะเป็นเลขประจำตัวนิติบุคคล 13 หลัก") is not.
    """
    stripped = text.lstrip()
    if not stripped:
        return False
    if not _THAI.match(stripped):
        return not (stripped[0].isupper() or stripped[0].isdigit() or stripped[0] in "\"“‘'([•*-#")
    from pythainlp.tag import pos_tag
    from pythainlp.tokenize import word_tokenize

    words = [word for word in word_tokenize(stripped[:40], engine="newmm") if word.strip()]
    if not words:
        return False
    return words[0] in _THAI_AND_OR or pos_tag(words[:2], engine="perceptron", corpus="orchid_ud")[0][1] in ("VERB", "AUX")
