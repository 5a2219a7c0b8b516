"""Who is asking, and which collections they may read and write.

Every request (web page, HTTP API, upload) is answered for one :class:`Caller`. ``readable`` and
``writable`` are sets of collection names, or None for every collection (an admin, or the single
local user when sign-in is off). A collection a caller may not read is absent for them: its
documents are not listed, searched, answered from or served, and asking for one by name gets the
same "unknown document" answer as a document that does not exist.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any, TypeVar

H = TypeVar("H", bound=Any)

ALL_COLLECTIONS = "*"
# The caller when sign-in is off (no users configured). Not a valid user name, so it never
# collides with one in the users file.
LOCAL_NAME = "(local)"


def parse_collections(names: Iterable[str] | str | None) -> frozenset[str] | None:
    """Collection names from a list or a comma-separated string; None when ``*`` (all) is given.

    Example:
        >>> sorted(parse_collections("public, hr"))
        ['hr', 'public']
        >>> parse_collections(["*"]) is None
        True
    """
    if names is None:
        return frozenset()
    items = names.split(",") if isinstance(names, str) else list(names)
    cleaned = frozenset(item.strip() for item in items if item.strip())
    return None if ALL_COLLECTIONS in cleaned else cleaned


@dataclass(frozen=True)
class Caller:
    """The person (or system) a request is answered for.

    Attributes:
        name: the user name ("(local)" when sign-in is off).
        readable: collections they may read; None: all.
        writable: collections they may add documents to and remove documents from; None: all.
        admin: reads and writes every collection and may download the audit log.
        client: the client's address as the server saw it (for the audit log).
        via: "web" (the page), "api" (the JSON API) or "cli".
    """

    name: str
    readable: frozenset[str] | None = frozenset()
    writable: frozenset[str] | None = frozenset()
    admin: bool = False
    client: str = ""
    via: str = ""

    def can_read(self, collection: str) -> bool:
        return self.admin or self.readable is None or collection in self.readable

    def can_write(self, collection: str) -> bool:
        return self.admin or self.writable is None or collection in self.writable

    @property
    def may_write(self) -> bool:
        """Whether this caller may add or remove documents in at least one collection."""
        return self.admin or self.writable is None or bool(self.writable)

    def readable_among(self, collections: Iterable[str]) -> set[str]:
        return {collection for collection in collections if self.can_read(collection)}

    def writable_among(self, collections: Iterable[str]) -> set[str]:
        return {collection for collection in collections if self.can_write(collection)}

    def with_request(self, client: str, via: str) -> Caller:
        return replace(self, client=client, via=via)


def readable_collections(caller: Caller | None) -> set[str] | None:
    """The collections retrieval is limited to for ``caller`` (None: every collection).

    Passed to the retriever as its ``collections`` filter, which applies before any candidate
    list is cut, beside the readable documents the service passes as ``sources``: either alone
    keeps other collections' passages out; both together keep them out if one is ever wrong.
    """
    if caller is None or caller.admin or caller.readable is None:
        return None
    return set(caller.readable)


def local_caller(may_write: bool) -> Caller:
    """The single local user when sign-in is off: reads everything; adds and removes documents
    only when the server listens on this machine alone (``may_write``)."""
    return Caller(LOCAL_NAME, readable=None, writable=None if may_write else frozenset(), admin=may_write)


NOBODY = Caller("(nobody)")


def readable_hits(hits: list[H], caller: Caller | None) -> list[H]:
    """``hits`` (anything with ``.chunk.collection`` and ``.rank``) that ``caller`` may read,
    ranked 1..n again; all of them when ``caller`` is None."""
    if caller is None:
        return hits
    kept = [hit for hit in hits if caller.can_read(hit.chunk.collection)]  # type: ignore[attr-defined]
    if len(kept) == len(hits):
        return hits
    return [replace(hit, rank=rank) for rank, hit in enumerate(kept, start=1)]  # type: ignore[type-var]
