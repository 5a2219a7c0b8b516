"""Markdown and MDX: front matter for the title, headings for the heading path, blocks for the rest."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup
from markdown_it import MarkdownIt
from markdown_it.token import Token

from ingest.model import Block, Document, ExtractionStats
from ingest.normalize import normalize_text
from ingest.readers.base import HeadingTracker, build_document
from ingest.readers.mdx import clean_markdown, split_front_matter, strip_converter_braces, strip_wiki_tags
from ingest.readers.text import decode_text

logger = logging.getLogger(__name__)

_BR_TAG = re.compile(r"<br\s*/?>", re.IGNORECASE)


def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


def inline_text(token: Token) -> str:
    """Visible text of an inline token: link text without the URL, images dropped, no markup."""
    parts: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type == "softbreak":
            parts.append(" ")
        elif child.type == "hardbreak":
            parts.append("\n")
        elif child.type == "html_inline":
            # Real tags were stripped before parsing (ingest.readers.mdx); what is left looks like
            # a tag but is text, e.g. the placeholder in "?OfficeID=<OfficeID>".
            parts.append("\n" if _BR_TAG.fullmatch(child.content.strip()) else child.content)
        # image (with its alt text) and the *_open/*_close markup carry no text
    return "".join(parts)


# A paragraph in bold alone is a heading when it is short and ends no sentence ("**ภาพรวม**",
# "**Key findings**"); "**Agencies must publish data.**" is an emphasised sentence.
MAX_BOLD_HEADING_CHARS = 120
_SENTENCE_END = re.compile(r"[.!?…。][\"'”’)\]]*$")


def bold_heading(token: Token) -> str:
    """The text of an inline token that is one bold run and nothing else, short and ending no
    sentence (a de facto heading: MDX and Word-converted pages write sub-headings so), else ''."""
    children = [child for child in token.children or [] if not (child.type == "text" and not child.content.strip())]
    if len(children) < 3 or children[0].type != "strong_open" or children[-1].type != "strong_close":
        return ""
    inner = children[1:-1]
    if any(child.type in ("strong_open", "strong_close", "softbreak", "hardbreak") for child in inner):
        return ""  # two bold runs, or several lines
    text = normalize_text("".join(child.content for child in inner if child.type in ("text", "code_inline")))
    if not text or len(text) > MAX_BOLD_HEADING_CHARS or _SENTENCE_END.search(text):
        return ""
    return text


def _metadata(front_matter: dict[str, Any]) -> dict[str, str]:
    """Front matter values as strings (lists joined with ", "); nested mappings are skipped."""
    metadata: dict[str, str] = {}
    for key, value in front_matter.items():
        if value is None or isinstance(value, dict):
            continue
        if isinstance(value, (list, tuple)):
            metadata[str(key)] = ", ".join(str(item) for item in value)
        else:
            metadata[str(key)] = str(value)
    return metadata


class MarkdownReader:
    """Reads ``.md``, ``.mdx`` and ``.markdown``.

    - YAML front matter: ``title`` becomes the title, the other scalar fields go to
      ``Document.metadata``.
    - MDX ``import``/``export`` lines are dropped; HTML/JSX tags are dropped but their inner text is
      kept (see :mod:`ingest.readers.mdx`).
    - Headings ``#``..``######`` become heading blocks and set the heading path of what follows;
      so does a top-level paragraph that is one short bold run ending no sentence (``**ภาพรวม**``
      alone between paragraphs: :func:`bold_heading`), one level below the last heading.
    - Paragraphs and list items are blocks (ordered items keep their number: steps are cited by it);
      a table is one block, one line per row with cells joined by ``"; "`` (no pipes, no separator
      row); links keep their text, images are dropped.
    - Converter leftovers are dropped and counted as ``converter_braces`` repairs: a line made
      only of brace groups (``{Proposal.2.sec}{1.Sec}``, Word bookmarks through Pandoc) and Pandoc
      attribute blocks (``# Scope {#scope}``, ``[text]{.underline}``); see
      :func:`ingest.readers.mdx.strip_converter_braces`.
    - Wiki tags (``[[year:2022]]``, ``[[key:value]]``) are dropped and counted as ``wiki_tags``
      repairs; wiki links keep their label (``[[target|label]]`` -> ``label``); see
      :mod:`ingest.readers.wiki`.
    - Fenced code is kept as a block: in this corpus code holds API endpoints, field names and
      sample JSON that users search for ("JuristicID"), and the chunker splits long code by lines.

    Title: front matter ``title``, else the first H1, else the file stem.
    """

    def __init__(self) -> None:
        self._markdown = _parser()

    def run(self, path: Path, source: str) -> Document:
        decoded, encoding = decode_text(path.read_bytes(), path)
        source_text = split_front_matter(decoded, path)
        if source_text.front_matter_error:
            logger.warning(source_text.front_matter_error)
        is_mdx = path.suffix.lower() == ".mdx"
        body, converter_braces = strip_converter_braces(source_text.body, is_mdx=is_mdx)
        body, wiki_tags = strip_wiki_tags(body)
        body = clean_markdown(body, is_mdx=is_mdx)
        blocks, first_h1 = self._blocks(self._markdown.parse(body))
        front_matter = {str(key).lower(): value for key, value in source_text.front_matter.items()}
        front_title = front_matter.pop("title", None)  # "Title:" occurs in this corpus too
        title = normalize_text(str(front_title)) if front_title else ""
        return build_document(
            path=path,
            source=source,
            title=title or first_h1 or path.stem,
            blocks=blocks,
            metadata=_metadata(front_matter),
            extraction=ExtractionStats(encoding=encoding, repairs={"converter_braces": converter_braces, **({"wiki_tags": wiki_tags} if wiki_tags else {})}),
        )

    def _blocks(self, tokens: list[Token]) -> tuple[list[Block], str]:
        blocks: list[Block] = []
        headings = HeadingTracker()
        first_h1 = ""
        item_numbers: list[int | None] = []  # per open list: next number, None for bullets
        pending_number: str = ""  # "3. " for the first paragraph of an ordered list item
        table_rows: list[str] = []
        row_cells: list[str] = []

        def emit(text: str, *, is_heading: bool = False, parents: tuple[str, ...] | None = None) -> None:
            text = normalize_text(text)
            if text:
                path = headings.path if parents is None else parents
                blocks.append(Block(text=text, heading_path=path, is_heading=is_heading))

        heading_level = 6  # the last real heading's level: a bold line is a heading one below it

        index = 0
        while index < len(tokens):
            token = tokens[index]
            kind = token.type
            if kind == "heading_open":
                text = normalize_text(inline_text(tokens[index + 1]))
                level = heading_level = int(token.tag[1])
                if text:
                    parents = headings.enter(level, text)
                    emit(text, is_heading=True, parents=parents)
                    if level == 1 and not first_h1:
                        first_h1 = text
                index += 3
                continue
            if kind == "bullet_list_open":
                item_numbers.append(None)
            elif kind == "ordered_list_open":
                item_numbers.append(int(token.attrGet("start") or 1))
            elif kind in ("bullet_list_close", "ordered_list_close"):
                item_numbers.pop()
            elif kind == "list_item_open" and item_numbers and item_numbers[-1] is not None:
                number = item_numbers[-1]
                pending_number = f"{number}. "
                item_numbers[-1] = number + 1
            elif kind == "list_item_close":
                pending_number = ""
            elif kind == "tr_open":
                row_cells = []
            elif kind == "inline" and token.level > 0 and tokens[index - 1].type in ("th_open", "td_open"):
                row_cells.append(normalize_text(inline_text(token)))
            elif kind == "tr_close":
                if any(row_cells):
                    table_rows.append("; ".join(row_cells))
            elif kind == "table_close":
                emit("\n".join(table_rows))
                table_rows = []
            elif kind == "inline" and tokens[index - 1].type == "paragraph_open":
                bold = bold_heading(token) if tokens[index - 1].level == 0 else ""
                if bold:  # "**ภาพรวม**" between paragraphs: a heading of the path, never a claim
                    emit(bold, is_heading=True, parents=headings.enter(heading_level + 1, bold))
                else:
                    emit(pending_number + inline_text(token))
                pending_number = ""
            elif kind in ("fence", "code_block"):
                emit(token.content)
            elif kind == "html_block":
                emit(BeautifulSoup(token.content, "html.parser").get_text("\n"))
            index += 1
        return blocks, first_h1
