"""Countries, regions and Thai provinces by their English and Thai names, for answerability.

A question about a place the retrieved passages never name ("What score did Indonesia get in the
DGI 2019?", "ประเทศเวียดนามได้คะแนน OURdata เท่าไร") is not answered by a passage about the index
in general: :mod:`assistant.answerability` asks that the passage a quote comes from names the
place, in either language. The table holds the OECD's members and partners, ASEAN's members, the
other large economies, regional groups and Thailand's largest provinces; a place outside it is
simply not checked (the question's other terms still are).

Matching is on the question's and the passage's text: English names as whole words, case kept
("US" is a country, "us" is not; "UK" but not "GOV.UK"), Thai names as whole words where pythainlp's
newmm segmentation puts word boundaries (Thai writes no spaces: "ลาว" is Laos in "ประเทศลาว", not in
"คลาวด์", cloud), and never inside a language's name ("ภาษาอังกฤษ" is English, not England).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# (English names, Thai names) of one place; the first English name is how the assistant names it.
_PLACES: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("Thailand", "Thai"), ("ประเทศไทย", "ไทย")),
    (("Korea", "South Korea", "Republic of Korea", "Korean"), ("เกาหลีใต้", "เกาหลี")),
    (("Japan", "Japanese"), ("ญี่ปุ่น",)),
    (("China", "Chinese", "People's Republic of China"), ("จีน",)),
    (("India", "Indian"), ("อินเดีย",)),
    (("Singapore",), ("สิงคโปร์",)),
    (("Malaysia",), ("มาเลเซีย",)),
    (("Indonesia",), ("อินโดนีเซีย",)),
    (("Viet Nam", "Vietnam"), ("เวียดนาม",)),
    (("Philippines",), ("ฟิลิปปินส์",)),
    (("Cambodia",), ("กัมพูชา",)),
    (("Lao PDR", "Laos"), ("ลาว",)),
    (("Myanmar",), ("เมียนมา", "พม่า")),
    (("Brunei",), ("บรูไน",)),
    (("Australia", "Australian"), ("ออสเตรเลีย",)),
    (("New Zealand",), ("นิวซีแลนด์",)),
    (("United Kingdom", "UK", "Britain", "British", "England"), ("สหราชอาณาจักร", "อังกฤษ")),
    (("United States", "USA", "US", "America", "American"), ("สหรัฐอเมริกา", "สหรัฐฯ", "สหรัฐ", "อเมริกา")),
    (("Canada",), ("แคนาดา",)),
    (("Mexico",), ("เม็กซิโก",)),
    (("Brazil",), ("บราซิล",)),
    (("Chile",), ("ชิลี",)),
    (("Colombia",), ("โคลอมเบีย",)),
    (("Costa Rica",), ("คอสตาริกา",)),
    (("Argentina",), ("อาร์เจนตินา",)),
    (("Uruguay",), ("อุรุกวัย",)),
    (("Peru",), ("เปรู",)),
    (("France", "French"), ("ฝรั่งเศส",)),
    (("Germany", "German"), ("เยอรมนี", "เยอรมัน")),
    (("Italy", "Italian"), ("อิตาลี",)),
    (("Spain", "Spanish"), ("สเปน",)),
    (("Portugal",), ("โปรตุเกส",)),
    (("Netherlands", "Dutch"), ("เนเธอร์แลนด์",)),
    (("Belgium",), ("เบลเยียม",)),
    (("Luxembourg",), ("ลักเซมเบิร์ก",)),
    (("Austria",), ("ออสเตรีย",)),
    (("Switzerland",), ("สวิตเซอร์แลนด์",)),
    (("Ireland",), ("ไอร์แลนด์",)),
    (("Denmark", "Danish"), ("เดนมาร์ก",)),
    (("Norway",), ("นอร์เวย์",)),
    (("Sweden",), ("สวีเดน",)),
    (("Finland",), ("ฟินแลนด์",)),
    (("Iceland",), ("ไอซ์แลนด์",)),
    (("Estonia",), ("เอสโตเนีย",)),
    (("Latvia",), ("ลัตเวีย",)),
    (("Lithuania",), ("ลิทัวเนีย",)),
    (("Poland",), ("โปแลนด์",)),
    (("Czech Republic", "Czechia"), ("สาธารณรัฐเช็ก", "เช็ก")),
    (("Slovak Republic", "Slovakia"), ("สโลวาเกีย",)),
    (("Slovenia",), ("สโลวีเนีย",)),
    (("Hungary",), ("ฮังการี",)),
    (("Greece",), ("กรีซ",)),
    (("Türkiye", "Turkey"), ("ตุรกี", "ทูร์เคีย")),
    (("Israel",), ("อิสราเอล",)),
    (("Russia",), ("รัสเซีย",)),
    (("Ukraine",), ("ยูเครน",)),
    (("South Africa",), ("แอฟริกาใต้",)),
    (("Saudi Arabia",), ("ซาอุดีอาระเบีย",)),
    (("United Arab Emirates", "UAE"), ("สหรัฐอาหรับเอมิเรตส์",)),
    (("Egypt",), ("อียิปต์",)),
    (("Taiwan",), ("ไต้หวัน",)),
    (("Hong Kong",), ("ฮ่องกง",)),
    (("ASEAN", "Southeast Asia", "South-East Asia"), ("อาเซียน", "เอเชียตะวันออกเฉียงใต้")),
    (("European Union", "EU"), ("สหภาพยุโรป",)),
    (("Latin America",), ("ละตินอเมริกา",)),
    (("Africa",), ("แอฟริกา",)),
    (("Bangkok",), ("กรุงเทพมหานคร", "กรุงเทพฯ", "กรุงเทพ")),
    (("Chiang Mai",), ("เชียงใหม่",)),
    (("Chiang Rai",), ("เชียงราย",)),
    (("Phuket",), ("ภูเก็ต",)),
    (("Khon Kaen",), ("ขอนแก่น",)),
    (("Nakhon Ratchasima", "Korat"), ("นครราชสีมา", "โคราช")),
    (("Chon Buri", "Chonburi"), ("ชลบุรี",)),
    (("Songkhla", "Hat Yai"), ("สงขลา", "หาดใหญ่")),
    (("Udon Thani",), ("อุดรธานี",)),
    (("Surat Thani",), ("สุราษฎร์ธานี",)),
)

# Thai words that hold a place's name without meaning the place.
_THAI_NOT_A_PLACE = ("ภาษาอังกฤษ", "ภาษาจีน", "ภาษาญี่ปุ่น", "ภาษาเกาหลี", "ภาษาฝรั่งเศส", "ภาษาเยอรมัน", "ภาษาสเปน", "ภาษาไทย")
_THAI = re.compile(r"[\u0e00-\u0e7f]")
HOME = "Thailand"  # the country the Thai documents are about without naming it


@dataclass(frozen=True)
class Place:
    """One place a text names: ``name`` is its first English name (how the assistant says it)."""

    name: str
    english: tuple[str, ...]
    thai: tuple[str, ...]


@lru_cache(maxsize=1)
def _patterns() -> tuple[tuple[Place, re.Pattern[str]], ...]:
    found = []
    for english, thai in _PLACES:
        place = Place(english[0], english, thai)
        names = sorted(english, key=len, reverse=True)
        latin = "|".join(re.escape(name) for name in names)
        regex = rf"(?<![\w.\-])(?:{latin})(?:'s|’s)?(?![\w\-])|" + "|".join(re.escape(name) for name in sorted(thai, key=len, reverse=True))
        found.append((place, re.compile(regex)))
    return tuple(found)


def _clean(text: str) -> str:
    for word in _THAI_NOT_A_PLACE:
        text = text.replace(word, " ")
    return text


@lru_cache(maxsize=1024)
def _thai_boundaries(text: str) -> frozenset[int]:
    """Offsets in ``text`` where a newmm word starts or ends."""
    from pythainlp.tokenize import word_tokenize

    offsets = {0}
    position = 0
    for word in word_tokenize(text, engine="newmm", keep_whitespace=True):
        position += len(word)
        offsets.add(position)
    return frozenset(offsets)


def whole_words(pattern: re.Pattern[str], text: str) -> list[re.Match[str]]:
    """Matches of ``pattern`` in ``text``; a Thai one only where it is whole newmm words ("สาม",
    three, is not in "สามารถ", can)."""
    found = []
    for match in pattern.finditer(text):
        if _THAI.match(match.group(0)):
            boundaries = _thai_boundaries(text)
            if match.start() not in boundaries or match.end() not in boundaries:
                continue
        found.append(match)
    return found


def places_in(text: str) -> list[Place]:
    """The places ``text`` names, in table order, each once.

    Example:
        >>> [place.name for place in places_in("ประเทศเวียดนามได้คะแนนดัชนี OURdata เท่าไร")]
        ['Viet Nam']
        >>> [place.name for place in places_in("What did the GOV.UK team publish in English?")]
        []
        >>> [place.name for place in places_in("การใช้คลาวด์ของหน่วยงานรัฐ")]  # "ลาว" (Laos) inside "คลาวด์"
        []
    """
    text = _clean(text)
    return [place for place, pattern in _patterns() if whole_words(pattern, text)]


def places_asked(question: str) -> list[Place]:
    """The places a question asks about: :func:`places_in`, less an English name that only
    qualifies another name ("the UK Government Digital Service", "the OECD Korea Policy Centre":
    followed by a capitalised word), which the passages may call by the rest of its name.

    Example:
        >>> [place.name for place in places_asked("What did the UK Government Digital Service do in Thailand?")]
        ['Thailand']
    """
    text = _clean(question)
    asked = []
    for place, pattern in _patterns():
        for match in whole_words(pattern, text):
            latin = match.group(0)[:1].isascii()
            if not (latin and re.match(r"\s+[A-Z]", text[match.end() :])):
                asked.append(place)
                break
    return asked


def surface(question: str, place: Place) -> str:
    """How to name ``place`` in an answer to ``question``: its Thai name as the question writes it
    ("เวียดนาม"), else its English name ("Thailand" for "Thai")."""
    return next((name for name in sorted(place.thai, key=len, reverse=True) if name in question), place.name)


def names_place(text: str, place: Place) -> bool:
    """Whether ``text`` names ``place`` in either language."""
    pattern = next(pattern for each, pattern in _patterns() if each == place)
    return bool(whole_words(pattern, _clean(text)))
