"""Turn text into BM25 terms, the same way for passages and queries.

Thai has no spaces between words, so a regex tokenizer shreds it ("รัฐบาลดิจิทัล" becomes
single letters because vowel marks are not ``\\w``). We segment Thai with pythainlp's newmm
dictionary matcher, lower-case and stem English words, and map Thai digits to Arabic ones so
"๒๕๖๑" and "2561" are the same term. Passages also index a year in the other era ("2561" and
"2018"; see ``index/years.py``).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from index.encoder_text import encoder_text
from index.years import year_aliases
from ingest.normalize import normalize_text

_WORD_CHAR = re.compile(r"[0-9A-Za-z\u0E00-\u0E7F]")
_LATIN_WORD = re.compile(r"^[a-z0-9][a-z0-9.\-']*$")
_THAI_CHAR = re.compile(r"[\u0E00-\u0E7F]")
# What a Latin or digit token loses at its ends: brackets, quotes and punctuation that newmm leaves
# attached ("(DGI)", '"Data', "“data”", "[2019]", "/ICT", "66%").
_EDGE_PUNCTUATION = re.compile(r"^[^0-9a-z\u0E00-\u0E7F]+|[^0-9a-z\u0E00-\u0E7F]+$")
_ENGLISH_STOPWORDS = frozenset(
    """a an and are as at be been but by can could did do does for from had has have how if in into
    is it its of on or that the their them then there these they this those to was were what when where
    which who whom why will with would should shall may might must not no nor so such than too very
    about above after again against all any because before being below between both during each few
    further here more most other our out over own same some under until up while you your we us i
    he she his her him my me""".split()
)


@lru_cache(maxsize=1)
def _thai_stopwords() -> frozenset[str]:
    from pythainlp.corpus import thai_stopwords

    return frozenset(thai_stopwords())


@lru_cache(maxsize=1)
def _english_stemmer():  # type: ignore[no-untyped-def]
    import Stemmer

    return Stemmer.Stemmer("english")


class ThaiEnglishAnalyzer:
    """BM25 analyzer: newmm segmentation for Thai, lower-cased stemmed words for English.

    Args:
        engine: pythainlp word segmentation engine ("newmm" is dictionary maximal matching).
        remove_stopwords: drop very common Thai and English function words.
        stem_english: reduce English words to their Snowball stem ("policies" -> "polici").
        expand_years: index a year in both eras (see ``index/years.py``); queries are not expanded.
        strip_punctuation: take brackets, quotes and punctuation off the ends of a Latin or digit
            token, so "(DGI)", '"Data' and "[2019]" are the terms "dgi", "data" and "2019" (newmm
            leaves them attached; without this a word in brackets or quotes never matches the
            same word elsewhere). Off only for indexes written before it existed.
    """

    def __init__(
        self,
        engine: str = "newmm",
        remove_stopwords: bool = True,
        stem_english: bool = True,
        expand_years: bool = True,
        strip_punctuation: bool = True,
    ) -> None:
        if not engine:
            raise ValueError("engine must name a pythainlp word_tokenize engine, e.g. 'newmm'")
        self.engine = engine
        self.remove_stopwords = remove_stopwords
        self.stem_english = stem_english
        self.expand_years = expand_years
        self.strip_punctuation = strip_punctuation

    def run(self, text: str) -> list[str]:
        """Return the BM25 terms of ``text`` as a query (no year expansion)."""
        return self._terms(text, expand_years=False)

    def run_index(self, text: str) -> list[str]:
        """Return the BM25 terms of ``text`` as a passage to index: a year also gets its other-era
        form ("พ.ศ. 2561" -> "2561", "2018"), so a query with either form matches."""
        return self._terms(text, expand_years=self.expand_years)

    def run_batch(self, texts: list[str], for_index: bool = False) -> list[list[str]]:
        analyse = self.run_index if for_index else self.run
        return [analyse(text) for text in texts]

    def _terms(self, text: str, expand_years: bool) -> list[str]:
        from pythainlp.tokenize import word_tokenize

        text = encoder_text(normalize_text(text))
        tokens = [raw.strip().lower() for raw in word_tokenize(text, engine=self.engine, keep_whitespace=False)]
        if self.strip_punctuation:
            tokens = [_EDGE_PUNCTUATION.sub("", token) if not _THAI_CHAR.search(token) else token for token in tokens]
        tokens = [token for token in tokens if token]
        aliases = dict(year_aliases(tokens)) if expand_years else {}
        terms: list[str] = []
        for position, token in enumerate(tokens):
            if not _WORD_CHAR.search(token):
                continue
            if self.remove_stopwords and (token in _ENGLISH_STOPWORDS or token in _thai_stopwords()):
                continue
            if _LATIN_WORD.match(token):
                token = token.strip(".-'")
                if not token:
                    continue
                if self.stem_english and token.isalpha():
                    token = _english_stemmer().stemWord(token)
            terms.append(token)
            if position in aliases:
                terms.append(aliases[position])
        return terms

    def to_dict(self) -> dict[str, object]:
        return {
            "type": "thai_english",
            "engine": self.engine,
            "remove_stopwords": self.remove_stopwords,
            "stem_english": self.stem_english,
            "expand_years": self.expand_years,
            "strip_punctuation": self.strip_punctuation,
        }


class RegexAnalyzer:
    """The naive baseline most RAG tools use: ``(?u)\\b\\w\\w+\\b`` on lower-cased text.

    Kept only to measure against; it breaks Thai words apart at every vowel or tone mark.
    """

    _pattern = re.compile(r"(?u)\b\w\w+\b")

    def run(self, text: str) -> list[str]:
        return self._pattern.findall(unicodedata.normalize("NFC", text).lower())

    def run_index(self, text: str) -> list[str]:
        return self.run(text)

    def run_batch(self, texts: list[str], for_index: bool = False) -> list[list[str]]:
        return [self.run(text) for text in texts]

    def to_dict(self) -> dict[str, object]:
        return {"type": "regex"}


def analyzer_from_dict(data: dict[str, object]) -> ThaiEnglishAnalyzer | RegexAnalyzer:
    """Rebuild the analyzer an index was built with (read from its manifest)."""
    kind = data.get("type", "thai_english")
    if kind == "regex":
        return RegexAnalyzer()
    if kind == "thai_english":
        return ThaiEnglishAnalyzer(
            engine=str(data.get("engine", "newmm")),
            remove_stopwords=bool(data.get("remove_stopwords", True)),
            stem_english=bool(data.get("stem_english", True)),
            # Indexes built before year expansion existed have none; the flag only matters at build time.
            expand_years=bool(data.get("expand_years", False)),
            # Indexes written before it kept punctuation on their terms: their queries must too.
            strip_punctuation=bool(data.get("strip_punctuation", False)),
        )
    raise ValueError(f"unknown analyzer type {kind!r} in the index manifest; rebuild the index")
