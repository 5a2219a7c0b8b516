"""HTML pages: visible text as blocks, headings as heading blocks with their path."""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import PreformattedString

from ingest.model import Block, Document, ExtractionStats
from ingest.normalize import normalize_text
from ingest.readers.base import HeadingTracker, build_document
from ingest.readers.html_hidden import remove_hidden
from ingest.readers.text import decode_text
from ingest.readers.wiki import strip_wiki_markup

# Page furniture, not content: menus, footers, scripts.
DROPPED_TAGS = frozenset(
    {"script", "style", "nav", "footer", "noscript", "template", "head", "svg", "form", "button", "iframe"}
)
HEADING_LEVELS = {f"h{level}": level for level in range(1, 7)}
# Elements whose text is one block. A table row is one block (its cells joined with "; ") so a
# table reads row by row instead of cell by cell.
TEXT_BLOCK_TAGS = frozenset({"p", "li", "pre", "tr", "dt", "dd", "caption", "figcaption", "blockquote"})
# Inline elements: their text joins the surrounding loose text.
INLINE_TAGS = frozenset(
    {"span", "a", "b", "strong", "i", "em", "u", "code", "small", "sub", "sup", "mark", "abbr", "time", "label", "font"}
)
_BR = "\ue000"  # placeholder for <br> that survives whitespace collapsing
_WS = re.compile(r"\s+")


def _element_text(element: Tag) -> str:
    """Visible text as a browser renders it: source whitespace collapses, <br> breaks the line.

    Inline tags are joined without a separator: Thai words are often split across <b>/<span>
    and a separator would cut them.
    """
    if element.name == "pre":
        return element.get_text()
    if element.name == "tr":
        cells = [_element_text(cell) for cell in element.find_all(["td", "th"], recursive=False)]
        return "; ".join(cell for cell in cells if cell)
    text = element.get_text()
    return _WS.sub(" ", text).replace(_BR, "\n").strip()


class HTMLReader:
    """Reads ``.html``/``.htm``.

    Text a browser does not show is dropped first (``display: none``, ``visibility: hidden``, the
    ``hidden`` attribute, ``aria-hidden``, ``font-size: 0`` and the like, inline or from a
    ``<style>`` block: see :mod:`ingest.readers.html_hidden`; counted in
    ``ExtractionStats.hidden_dropped``). Scripts, styles, navigation and footers are dropped. ``h1``-``h6`` become heading blocks and set
    the heading path of what follows; ``p``, ``li``, ``pre``, table rows and similar elements become
    blocks; loose text between them (text directly inside a ``div``) becomes a block too, so no
    visible text is lost. Title: ``<title>``, else the first ``<h1>``, else the file stem. Wiki
    tags (``[[year:2022]]``) are dropped and wiki links keep their label (:mod:`ingest.readers.wiki`;
    counted as ``wiki_tags`` repairs), outside ``pre`` and ``code``.
    """

    def run(self, path: Path, source: str) -> Document:
        decoded, encoding = decode_text(path.read_bytes(), path)
        soup = BeautifulSoup(decoded, "html.parser")
        title_tag = soup.find("title")
        title = normalize_text(title_tag.get_text()) if title_tag else ""
        hidden = remove_hidden(soup)
        for name in DROPPED_TAGS:
            for element in soup.find_all(name):
                element.decompose()
        for br in soup.find_all("br"):
            br.replace_with(_BR)
        wiki_tags = 0
        for string in soup.find_all(string=lambda text: "[[" in text):
            if not isinstance(string, PreformattedString) and string.parent is not None and string.parent.name not in ("pre", "code"):
                stripped, count = strip_wiki_markup(str(string))
                if count or stripped != str(string):
                    string.replace_with(stripped)
                    wiki_tags += count
        if not title:
            h1 = soup.find("h1")
            title = normalize_text(h1.get_text()) if h1 else ""
        walker = _BlockWalker()
        walker.walk(soup)
        walker.flush()
        return build_document(
            path=path,
            source=source,
            title=title or path.stem,
            blocks=walker.blocks,
            extraction=ExtractionStats(encoding=encoding, hidden_dropped=hidden, repairs={"wiki_tags": wiki_tags} if wiki_tags else {}),
        )


class _BlockWalker:
    """Walks the tree in reading order and emits blocks."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.headings = HeadingTracker()
        self._loose: list[str] = []

    def _emit(self, text: str, *, heading_path: tuple[str, ...] | None = None, is_heading: bool = False) -> None:
        text = normalize_text(text)
        if text:
            path = self.headings.path if heading_path is None else heading_path
            self.blocks.append(Block(text=text, heading_path=path, is_heading=is_heading))

    def flush(self) -> None:
        """Emit the loose text gathered since the last block element."""
        if self._loose:
            self._emit(_WS.sub(" ", "".join(self._loose)).replace(_BR, "\n"))
            self._loose = []

    def walk(self, node: Tag) -> None:
        for child in node.children:
            if isinstance(child, PreformattedString):  # comments, doctype, CDATA
                continue
            if isinstance(child, NavigableString):
                self._loose.append(str(child))
            elif isinstance(child, Tag):
                if child.name in HEADING_LEVELS:
                    self.flush()
                    text = normalize_text(_element_text(child))
                    if text:
                        parents = self.headings.enter(HEADING_LEVELS[child.name], text)
                        self._emit(text, heading_path=parents, is_heading=True)
                elif child.name in TEXT_BLOCK_TAGS and not child.find(list(HEADING_LEVELS)):
                    self.flush()
                    self._emit(_element_text(child))
                elif child.name in INLINE_TAGS:
                    self._loose.append(child.get_text())
                else:  # a container (div, section, table, ul, ...): its children decide
                    self.flush()
                    self.walk(child)
                    self.flush()
