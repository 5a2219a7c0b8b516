"""A bilingual term table mined from the corpus itself: the Thai term beside its English original.

Thai government documents write the English term in parentheses after the Thai one:
"ธรรมาภิบาลข้อมูล (Data Governance)", "นโยบายการใช้คลาวด์เป็นหลัก (Cloud First Policy)". Each
such pair is a translation the ministry itself chose. The table is mined at every ingest from the
passages indexed (so it follows the documents), written beside the index as ``terms.tsv`` (one
pair a line, reviewable and editable by a trainer: the OECD term next to the official Thai term),
and used at query time to add the other language's form of the terms a question contains, so BM25
also matches passages in the other script.

Which Thai words belong to the term: the Thai text before the parenthesis runs on ("...ตาม
นโยบายการใช้คลาวด์เป็นหลัก"); of its last 1-6 words, the ending most similar to the English term
under the second encoder (USE multilingual, fast) is taken, when similar enough; an English
phrase needs at least two Thai words.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.tsv_table import read_tsv, write_tsv

TERMS_FILE = "terms.tsv"
_PAIR = re.compile(r"([\u0e00-\u0e7f][\u0e00-\u0e7f ]{1,60}?)\s*\(\s*([A-Za-z][A-Za-z0-9 .,&/'\-]{2,60}?)\s*\)")
_CODE = re.compile(r"^(?:[A-Z]{1,3}\d[\w.]*|\w*\d\w*|[a-z]+)$")  # "V4", "IAL 2.3"-like codes and lone lower-case words
MAX_THAI_WORDS = 6


@dataclass(frozen=True)
class TermPair:
    """One Thai term and its English original, with how often and where the pair was written."""

    thai: str
    english: str
    count: int
    example: str  # a source that writes the pair


def _thai_words(text: str) -> list[str]:
    from pythainlp.tokenize import word_tokenize

    return [word for word in word_tokenize(text.strip(), engine="newmm", keep_whitespace=False) if word.strip()]


def candidates(texts: Iterable[tuple[str, str]]) -> dict[str, list[tuple[list[str], str]]]:
    """English term -> [(the Thai words before its parenthesis, source)] found in (source, text) pairs."""
    found: dict[str, list[tuple[list[str], str]]] = defaultdict(list)
    for source, text in texts:
        for match in _PAIR.finditer(text):
            english = " ".join(match.group(2).split()).strip(" .,")
            if len(english) < 3 or _CODE.match(english) or len(english.split()) > 6:
                continue
            words = _thai_words(match.group(1))[-MAX_THAI_WORDS:]
            if words:
                found[english].append((words, source))
    return found


class TermTable:
    """Thai <-> English term pairs, and query expansion with them.

    Args:
        pairs: the table's pairs (longest Thai terms first is not required).
    """

    def __init__(self, pairs: Sequence[TermPair]) -> None:
        self.pairs = list(pairs)
        self._by_thai = sorted(self.pairs, key=lambda pair: -len(pair.thai))
        self._by_english = sorted(self.pairs, key=lambda pair: -len(pair.english))

    def __len__(self) -> int:
        return len(self.pairs)

    @classmethod
    def mine(cls, texts: Iterable[tuple[str, str]], encoder: object | None, min_similarity: float = 0.45) -> TermTable:
        """Mine the pairs written in ``texts`` ((source, passage text) pairs).

        Args:
            encoder: an encoder (``embed_queries``, L2-normalised vectors) that picks which of the
                last Thai words translate the English term; None takes the last two words.
            min_similarity: the chosen Thai ending's cosine to the English term must reach this.
        """
        found = candidates(texts)
        occurrences = [
            (english, ["".join(words[-n:]) for n in range(1, len(words) + 1)], source)
            for english, items in found.items()
            for words, source in items
        ]
        vectors: dict[str, np.ndarray] = {}
        if encoder is not None and occurrences:
            texts_to_embed = list(dict.fromkeys(text for english, endings, _ in occurrences for text in (english, *endings)))
            vectors = dict(zip(texts_to_embed, encoder.embed_queries(texts_to_embed)))  # type: ignore[attr-defined]
        chosen: dict[tuple[str, str], list[str]] = defaultdict(list)
        for english, endings, source in occurrences:
            if encoder is None:
                thai = endings[min(1, len(endings) - 1)]
            else:
                similarity = np.array([float(vectors[ending] @ vectors[english]) for ending in endings])
                best = int(np.argmax(similarity))
                if similarity[best] < min_similarity:
                    continue
                thai = endings[best]
            words = endings.index(thai) + 1
            if words < min(len(english.split()), 2):  # "Information Search" is not one Thai word ("ข้อมูล")
                continue
            chosen[(thai, english)].append(source)
        pairs = [
            TermPair(thai, english, len(sources), Counter(sources).most_common(1)[0][0])
            for (thai, english), sources in chosen.items()
            if len(thai) >= 4
        ]
        return cls(sorted(pairs, key=lambda pair: (-pair.count, pair.english.lower())))

    def expand(self, query: str) -> list[str]:
        """The other language's forms of the table's terms that ``query`` contains (Thai terms
        give their English originals and back), longest first, each once.

        Example:
            >>> TermTable([TermPair("ธรรมาภิบาลข้อมูล", "Data Governance", 3, "a.md")]).expand("ธรรมาภิบาลข้อมูลคืออะไร")
            ['Data Governance']
        """
        lowered = query.lower()
        out: list[str] = []
        for pair in self._by_thai:
            if pair.thai in query and pair.english not in out and pair.english.lower() not in lowered:
                out.append(pair.english)
        for pair in self._by_english:
            if re.search(rf"(?<![a-z]){re.escape(pair.english.lower())}(?![a-z])", lowered) and pair.thai not in query and pair.thai not in out:
                out.append(pair.thai)
        return out

    def save(self, folder: Path) -> None:
        """Write ``terms.tsv``: thai, english, count, example source (UTF-8, tab-separated, a header)."""
        write_tsv(folder / TERMS_FILE, ["thai", "english", "count", "example_source"], ([p.thai, p.english, p.count, p.example] for p in self.pairs))

    @classmethod
    def load(cls, folder: Path) -> TermTable:
        """The table of an index generation (empty for one built before tables existed)."""
        rows = read_tsv(folder / TERMS_FILE)
        return cls([TermPair(row["thai"], row["english"], int(row.get("count") or 1), row.get("example_source", "")) for row in rows])
