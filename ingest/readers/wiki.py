"""Wiki markup left in exported pages: ``[[key:value]]`` tags dropped, ``[[links]]`` kept as their label.

Pages exported from a wiki or a knowledge platform (the UNDP action-learning plan in the reference
corpus) open with tag tokens such as ``[[year:2022]]``, ``[[methods:Co-creation]]`` or
``[[latlng:15.11,101.00]]``: metadata the platform shows as facets, not text. Left in, they head
the page's first passage, are embedded with it and can be quoted. Ordinary wiki links are text a
reader sees: ``[[Open data]]`` reads "Open data", ``[[Open data|open datasets]]`` "open datasets".
"""

from __future__ import annotations

import re

_WIKI = re.compile(r"\[\[(?P<body>[^\[\]\n]*)\]\](?P<space>[ \t]*)")
# "key:" of a tag: an identifier, then a colon that does not start a URL ("[[https://...]]")
_TAG_KEY = re.compile(r"[A-Za-z_][\w-]*:(?!//)")


def strip_wiki_markup(text: str) -> tuple[str, int]:
    """``text`` with wiki tags removed (with the spaces after them) and wiki links replaced by
    their label; returns the text and how many tags went (for the fidelity report).

    A tag is ``[[key:value]]`` without a ``|``; ``[[key:target|label]]`` (an interwiki link with
    a label) keeps its label.

    Example:
        >>> strip_wiki_markup("[[year:2022]] [[country:Thailand]] See [[Open data|open datasets]] and [[GDX]].")
        ('See open datasets and GDX.', 2)
    """
    if "[[" not in text:
        return text, 0
    dropped = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal dropped
        target, bar, label = match.group("body").partition("|")
        if bar:
            return label + match.group("space")
        if _TAG_KEY.match(target):
            dropped += 1
            return ""
        return target + match.group("space")

    return _WIKI.sub(replace, text), dropped
