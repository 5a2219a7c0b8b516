"""What every encoder reads: the same text normalisation for queries and passages.

BM25 maps Thai digits to Arabic ones (``index/analyzer.py``), but the dense encoders saw the raw
text: a question written "แผนปี ๒๕๖๗" ranked the passage "แผนปี 2567" no higher than the one for
another year, since e5 and USE give "๒๕๖๗" and "2567" different tokens. Official Thai documents use
both forms, users type either. Mapping digits before every encoder, on both sides, makes them one.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from index.years import with_common_era

THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
# Recorded in the index manifest: vectors embedded under another normalisation are not reused for
# passages the normalisation changes (they are embedded again by the next ingest).
ENCODER_TEXT = "thai-digits-arabic"


def encoder_text(text: str) -> str:
    """``text`` as the encoders and BM25 read it: Thai digits (๐-๙) as Arabic ones.

    Example:
        >>> encoder_text("พ.ศ. ๒๕๖๗")
        'พ.ศ. 2567'
    """
    return text.translate(THAI_DIGITS)


class NormalisedEncoder:
    """Wraps an encoder so that every text it embeds, query or passage, goes through
    :func:`encoder_text` first. Everything else (``model_name``, ``dimension``, prompts) is the
    wrapped encoder's, so manifests and vector reuse are unchanged.

    Args:
        inner: any encoder with ``embed_queries`` and ``embed_passages`` returning (n, dimension)
            float32, L2-normalised.
    """

    def __init__(self, inner: object) -> None:
        if not (hasattr(inner, "embed_queries") and hasattr(inner, "embed_passages")):
            raise TypeError("an encoder needs embed_queries() and embed_passages()")
        self.inner = inner

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)

    def embed_queries(self, queries: Sequence[str]) -> np.ndarray:
        """Queries also get a Buddhist-era year's Common-era form (``index.years.with_common_era``)."""
        return self.inner.embed_queries([with_common_era(encoder_text(query)) for query in queries])  # type: ignore[attr-defined, no-any-return]

    def embed_passages(self, passages: Sequence[str], show_progress: bool = False) -> np.ndarray:
        return self.inner.embed_passages([encoder_text(text) for text in passages], show_progress=show_progress)  # type: ignore[attr-defined, no-any-return]

    def embed_passages_pooled(self, passages: Sequence[str], groups: Sequence[object], show_progress: bool = False) -> object:
        """The inner encoder's pooled embedding (``index/token_pooling.py``): the mapping keeps
        every character in place (one digit for one digit), so the groups' offsets still hold."""
        return self.inner.embed_passages_pooled(  # type: ignore[attr-defined]
            [encoder_text(text) for text in passages], groups, show_progress=show_progress
        )
