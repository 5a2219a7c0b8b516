"""Near-duplicate passages collapsed in a result list: each text once, its other copies listed.

Ministries keep copies: the same PDF re-downloaded as "x (1).pdf", an archive folder, a memo pasted
into two guides. Every copy scores the same, so three copies took the top 3 and pushed out a
different relevant document (field case 11). A passage whose text is the same as, or nearly the
same as, one already ranked higher is folded into that hit (``Hit.also_in``) instead of taking a
place; what remains fills the ``k`` places.

Near: Jaccard similarity of the two texts' character 5-gram sets (after NFC, lower case, spaces
collapsed and Thai digits mapped) at least ``threshold``, for passages of at least ``min_chars``
(short ones, a table row or a list item, differ in a word that matters: only identical ones fold).
Consecutive chunks of one document share their 120-character overlap only (Jaccard below 0.2), so
they are never folded; a copy re-extracted with other line breaks and hyphens, or with a few words
edited in 800 characters, stays above 0.85.
"""

from __future__ import annotations

import re
import unicodedata

from index.encoder_text import encoder_text

_SPACES = re.compile(r"\s+")
SHINGLE = 5


def _normalised(text: str) -> str:
    return _SPACES.sub(" ", encoder_text(unicodedata.normalize("NFC", text))).strip().lower()


def shingles(text: str) -> frozenset[str]:
    """Character 5-grams of the normalised text (the text itself when shorter)."""
    text = _normalised(text)
    if len(text) <= SHINGLE:
        return frozenset([text])
    return frozenset(text[i : i + SHINGLE] for i in range(len(text) - SHINGLE + 1))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


class Deduplicator:
    """Groups a ranked list of passages into near-duplicate families, best-ranked first.

    Args:
        threshold: Jaccard similarity of character 5-grams from which two passages are copies
            (1.0: identical normalised text only).
        min_chars: shorter passages fold only into identical ones.
    """

    def __init__(self, threshold: float = 0.85, min_chars: int = 200) -> None:
        if not 0.0 < threshold <= 1.0:
            raise ValueError(f"threshold must be in (0, 1], got {threshold}")
        if min_chars < 0:
            raise ValueError(f"min_chars must be >= 0, got {min_chars}")
        self.threshold = threshold
        self.min_chars = min_chars
        self._cache: dict[int, frozenset[str]] = {}  # row -> 5-grams (a dict: safe enough across threads)

    def run(self, texts: list[str], k: int, ids: list[int] | None = None) -> list[list[int]]:
        """Families of positions in ``texts`` (ranked best first): each family's first position is
        the one kept, the rest its copies; at most ``k`` families, in rank order.

        Args:
            ids: a stable id per text (the chunk row): their 5-gram sets are computed once and
                kept for later calls (a few hundred recent passages).

        Example:
            >>> Deduplicator().run(["same text here", "other passage", "Same  text here"], k=2)
            [[0, 2], [1]]
        """
        families: list[list[int]] = []
        kept: list[tuple[int, frozenset[str]]] = []  # (normalised length, 5-grams) of each family's first
        exact: dict[str, int] = {}
        for position, text in enumerate(texts):
            key = _normalised(text)
            if key in exact:
                families[exact[key]].append(position)
                continue
            family = None
            if self.threshold < 1.0 and len(key) >= self.min_chars:
                grams: frozenset[str] | None = None
                for number, (length, seen) in enumerate(kept):
                    # Jaccard <= shorter / longer: most pairs are ruled out by their lengths alone.
                    if not seen or min(length, len(key)) < self.threshold * max(length, len(key)):
                        continue
                    grams = grams if grams is not None else self._shingles(key, ids[position] if ids else None)
                    if jaccard(grams, seen) >= self.threshold:
                        family = number
                        break
            if family is not None:
                families[family].append(position)
                continue
            if len(families) == k:
                # Later positions may still be copies of a kept hit; only new families are refused.
                continue
            exact[key] = len(families)
            families.append([position])
            fuzzy = self.threshold < 1.0 and len(key) >= self.min_chars
            kept.append((len(key), self._shingles(key, ids[position] if ids else None) if fuzzy else frozenset()))
        return families

    def _shingles(self, normalised: str, row: int | None) -> frozenset[str]:
        cached = self._cache.get(row) if row is not None else None
        if cached is not None:  # one lookup: another thread may clear the cache between two
            return cached
        grams = frozenset(normalised[i : i + SHINGLE] for i in range(max(1, len(normalised) - SHINGLE + 1)))
        if row is not None:
            if len(self._cache) >= 2048:
                self._cache.clear()
            self._cache[row] = grams
        return grams
