"""Which collection a document belongs to: the rule every ingest, upload and permission check shares.

An office keeps documents for different readers apart by folder: ``policyrag ingest corpus/`` with
``corpus/public/`` and ``corpus/restricted/`` gives the collections ``public`` and ``restricted``.
A file directly in the ingested folder belongs to a collection named after that folder
(``corpus/readme.md`` -> ``corpus``), so nothing is ever without a collection. A ``collection`` key
in the corpus manifest overrides the folder (``corpus/manifest.py``).

The rule is applied to the file's real path (symlinks resolved): a link in ``public/`` to a file
in ``restricted/`` leaves that document in ``restricted``, never in the collection of the link.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

DEFAULT_COLLECTION = "default"
MAX_NAME_CHARS = 64
_INNER_PUNCTUATION = frozenset(" ._-")


def valid_collection_name(name: str) -> bool:
    """Whether ``name`` can name a collection and its folder: 1-64 characters, letters (any
    script), digits, ``.``, ``_``, ``-`` and inner spaces; starts with a letter or digit; no
    slash, so it never names a path outside its folder.

    Example:
        >>> valid_collection_name("ร่างนโยบาย"), valid_collection_name("../etc")
        (True, False)
    """
    name = unicodedata.normalize("NFC", name)
    if not 0 < len(name) <= MAX_NAME_CHARS or name != name.strip():
        return False
    # Thai vowel signs and tone marks are combining marks (category M), not word characters for
    # Python's \w: the check goes by Unicode category.
    if unicodedata.category(name[0])[0] not in "LN":
        return False
    return all(unicodedata.category(char)[0] in "LNM" or char in _INNER_PUNCTUATION for char in name)


def collection_for(path: Path, root: Path) -> str:
    """The collection of the file at ``path`` in the ingested folder ``root``.

    Args:
        path: the file (a symlink is followed to its real file).
        root: the folder that was ingested.

    Returns:
        The first folder of the real path below the real root, or the root's own name for a file
        directly in it (``DEFAULT_COLLECTION`` when the root has no usable name, such as ``/``).
    """
    real_root = root.resolve()
    try:
        parts = path.resolve().relative_to(real_root).parts
    except ValueError:  # outside the root (the loader refuses such links before this)
        parts = (path.name,)
    if len(parts) > 1:
        return unicodedata.normalize("NFC", parts[0])
    return unicodedata.normalize("NFC", real_root.name) or DEFAULT_COLLECTION
