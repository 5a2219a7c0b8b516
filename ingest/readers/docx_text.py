"""The text of a WordprocessingML body as Word shows it, read from its XML element tree.

python-docx's ``Paragraph.text`` reads only the runs directly inside a paragraph (and
hyperlinks), and ``Document.iter_inner_content()`` only top-level paragraphs and tables, so text
that Word shows is lost: tracked insertions, content controls, fields, smart tags, text boxes,
footnotes. docx2python and mammoth were measured on the same generated document (every
construct below; ``tests/docx_everything.py``): both keep hidden (vanished) text, docx2python
also keeps moved-away text, prints a nested field's instruction result and repeats text boxes
(DrawingML and its VML fallback), and mammoth loses simple-field results and every footnote and
endnote. This walker reads what Word shows, in order:

- runs inside insertions (``w:ins``), moves to here (``w:moveTo``), smart tags, custom XML,
  hyperlinks, simple fields (their displayed result) and content controls (``w:sdt``) at block,
  inline, row and cell level;
- complex fields (``w:fldChar`` begin/separate/end, nested): the displayed result, never the
  instruction (``HYPERLINK "..."``, ``MERGEFIELD``);
- text boxes and shapes (``w:txbxContent`` in DrawingML or VML), after the paragraph that anchors
  them; of ``mc:AlternateContent`` only the first choice that has text (never the fallback too);
- tables: one line per row, cells joined by " | ", nested tables as rows of their own after the
  row that holds them; a table of one column (a layout box) is read as ordinary paragraphs;
- footnotes after the paragraph that cites them, endnotes at the end (where Word prints them);
- left out: deleted text (``w:del``), text moved away (``w:moveFrom``), vanished text
  (``w:vanish`` on the run, its character style or its paragraph style: hidden text that a
  reader never sees, where planted instructions hide), field instructions, comments, and page
  headers and footers (running furniture: the document title, page numbers, "confidential").

A paragraph whose mark is deleted runs on into the next, as after "Accept all changes".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_MATH = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"

#: Elements that only wrap content Word shows, at any level.
_WRAPPERS = frozenset({W + "ins", W + "moveTo", W + "smartTag", W + "customXml", W + "hyperlink", W + "fldSimple", W + "dir", W + "bdo"})
#: Elements whose content Word does not show: deleted and moved-away text.
_REMOVED = frozenset({W + "del", W + "moveFrom"})
_OFF = frozenset({"0", "false", "off"})
_HEADING_NAME = re.compile(r"^(?:heading|หัวเรื่อง)\s*(\d)$", re.IGNORECASE)
# Styles form chains (basedOn); a broken file may make a loop.
_MAX_STYLE_DEPTH = 20
# Outline level 9 is "body text" (Word's levels are 0-8).
_BODY_TEXT_LEVEL = 9


@dataclass(frozen=True)
class DocxItem:
    """One line of the body: a paragraph (``level`` set when it is a heading) or a table row."""

    text: str
    level: int | None = None
    is_row: bool = False


def _on(element: etree._Element | None) -> bool:
    """A WordprocessingML on/off property: present and not set to 0/false/off."""
    return element is not None and element.get(W + "val", "true").lower() not in _OFF


class StyleSheet:
    """Paragraph and character styles: heading levels and hidden (vanished) text, through ``basedOn``.

    Args:
        root: the ``w:styles`` element of ``word/styles.xml``, or None when the file has none.
    """

    def __init__(self, root: etree._Element | None) -> None:
        self._styles: dict[str, etree._Element] = {}
        self.default_paragraph = ""
        if root is None:
            return
        for style in root.iter(W + "style"):
            style_id = style.get(W + "styleId", "")
            self._styles[style_id] = style
            if style.get(W + "type") == "paragraph" and style.get(W + "default") in ("1", "true"):
                self.default_paragraph = style_id

    def _chain(self, style_id: str) -> Iterator[etree._Element]:
        seen: set[str] = set()
        while style_id and style_id not in seen and len(seen) < _MAX_STYLE_DEPTH:
            seen.add(style_id)
            style = self._styles.get(style_id)
            if style is None:
                return
            yield style
            based = style.find(W + "basedOn")
            style_id = based.get(W + "val", "") if based is not None else ""

    def heading_level(self, style_id: str) -> int | None:
        """0 for a "Title" style, N for "heading N" (or "หัวเรื่อง N"), else outline level + 1; None for body text."""
        for style in self._chain(style_id):
            name_element = style.find(W + "name")
            name = (name_element.get(W + "val", "") if name_element is not None else "").strip()
            if name.lower() == "title":
                return 0
            match = _HEADING_NAME.match(name)
            if match:
                return int(match.group(1))
            outline = style.find(f"{W}pPr/{W}outlineLvl")
            if outline is not None:
                return _outline_level(outline)
        return None

    def hides(self, style_id: str) -> bool | None:
        """Whether the style (or one it is based on) sets vanish: True/False where set, None where not."""
        for style in self._chain(style_id):
            vanish = style.find(f"{W}rPr/{W}vanish")
            if vanish is not None:
                return _on(vanish)
        return None


def _outline_level(element: etree._Element) -> int | None:
    try:
        level = int(element.get(W + "val", ""))
    except ValueError:
        return None
    return None if level >= _BODY_TEXT_LEVEL or level < 0 else level + 1


@dataclass
class _Field:
    in_instruction: bool = True


@dataclass
class _Paragraph:
    parts: list[str] = field(default_factory=list)
    boxes: list[etree._Element] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class BodyReader:
    """Walks a document body (or any block container) into :class:`DocxItem` lines.

    Args:
        styles: the document's styles.
        footnotes, endnotes: note id -> ``w:footnote``/``w:endnote`` element.

    Attributes:
        items: the lines read so far, in reading order.
        hidden: runs of vanished text left out.
    """

    def __init__(
        self,
        styles: StyleSheet,
        footnotes: dict[str, etree._Element] | None = None,
        endnotes: dict[str, etree._Element] | None = None,
    ) -> None:
        self.styles = styles
        self.footnotes = footnotes or {}
        self.endnotes = endnotes or {}
        self.items: list[DocxItem] = []
        self.hidden = 0
        self._fields: list[_Field] = []
        self._carried = ""  # text of a paragraph whose mark was deleted: it runs on into the next
        self._endnotes_cited: list[str] = []
        self._notes_read: set[tuple[str, str]] = set()

    def read_body(self, body: etree._Element) -> list[DocxItem]:
        """All lines of ``w:body``, then the endnotes it cites."""
        self.blocks(body)
        self._flush_carried()
        for note_id in self._endnotes_cited:
            self._read_note("endnote", note_id)
        return self.items

    # -- block level ------------------------------------------------------------------------------

    def blocks(self, container: etree._Element) -> None:
        """Read the block-level content of ``container`` (body, cell, text box, content control, note)."""
        for child in container:
            tag = child.tag
            if tag == W + "p":
                self.paragraph(child)
            elif tag == W + "tbl":
                self.table(child)
            elif tag == W + "sdt":
                content = child.find(W + "sdtContent")
                if content is not None:
                    self.blocks(content)
            elif tag in _WRAPPERS:
                self.blocks(child)
            elif tag == _MC + "AlternateContent":
                chosen = _choose(child)
                if chosen is not None:
                    self.blocks(chosen)

    def paragraph(self, p: etree._Element) -> None:
        properties = p.find(W + "pPr")
        style_id = self._paragraph_style(properties)
        paragraph = _Paragraph()
        self._inline(p, paragraph, self.styles.hides(style_id) or False)
        text = self._carried + "".join(paragraph.parts)
        mark_deleted = properties is not None and properties.find(f"{W}rPr/{W}del") is not None
        if mark_deleted:
            self._carried = text
        else:
            self._carried = ""
            if text.strip():
                self.items.append(DocxItem(text, self._heading_level(properties, style_id)))
        for box in paragraph.boxes:
            self._flush_carried()
            self.blocks(box)
        for note_id in paragraph.notes:
            self._read_note("footnote", note_id)

    def table(self, tbl: etree._Element) -> None:
        rows = [row for row in _descendants_through_wrappers(tbl, W + "tr") if not _row_deleted(row)]
        cells_per_row = [list(_descendants_through_wrappers(row, W + "tc")) for row in rows]
        if all(len(cells) <= 1 for cells in cells_per_row):  # a layout box: read its content as paragraphs
            for cells in cells_per_row:
                for cell in cells:
                    self.blocks(cell)
            return
        for cells in cells_per_row:
            texts: list[str] = []
            after: list[DocxItem] = []
            for cell in cells:
                reader = self._child()
                reader.blocks(cell)
                reader._flush_carried()
                self.hidden += reader.hidden
                self._endnotes_cited += reader._endnotes_cited
                text = " ".join(" ".join(item.text.split()) for item in reader.items if not item.is_row)
                if text:
                    texts.append(text)
                after += [item for item in reader.items if item.is_row]
            if texts:
                self.items.append(DocxItem(" | ".join(texts), is_row=True))
            self.items += after

    # -- inline level ------------------------------------------------------------------------------

    def _inline(self, container: etree._Element, paragraph: _Paragraph, paragraph_hidden: bool) -> None:
        for child in container:
            tag = child.tag
            if tag == W + "r":
                self._run(child, paragraph, paragraph_hidden)
            elif tag in _WRAPPERS:
                self._inline(child, paragraph, paragraph_hidden)
            elif tag == W + "sdt":
                content = child.find(W + "sdtContent")
                if content is not None:
                    self._inline(content, paragraph, paragraph_hidden)
            elif tag == _MC + "AlternateContent":
                chosen = _choose(child)
                if chosen is not None:
                    self._inline(chosen, paragraph, paragraph_hidden)
            elif tag in (_MATH + "oMath", _MATH + "oMathPara"):
                if not self._in_instruction():
                    paragraph.parts.append("".join(t.text or "" for t in child.iter(_MATH + "t")))

    def _run(self, run: etree._Element, paragraph: _Paragraph, paragraph_hidden: bool) -> None:
        hidden = self._run_hidden(run.find(W + "rPr"), paragraph_hidden)
        counted = False
        for child in run:
            tag = child.tag
            if tag == W + "fldChar":
                self._field_char(child.get(W + "fldCharType", ""))
            elif self._in_instruction() or tag == W + "rPr":
                continue
            elif tag in (W + "drawing", W + "pict", W + "object", _MC + "AlternateContent"):
                paragraph.boxes += _text_boxes(child)
            elif tag == W + "footnoteReference":
                paragraph.notes.append(child.get(W + "id", ""))
            elif tag == W + "endnoteReference":
                self._endnotes_cited.append(child.get(W + "id", ""))
            elif hidden:
                if not counted and tag == W + "t" and child.text:
                    self.hidden += 1
                    counted = True
            elif tag == W + "t":
                paragraph.parts.append(child.text or "")
            elif tag in (W + "tab", W + "ptab"):
                paragraph.parts.append("\t")
            elif tag in (W + "br", W + "cr"):
                paragraph.parts.append("\n")
            elif tag == W + "noBreakHyphen":
                paragraph.parts.append("-")
            elif tag == W + "sym":
                paragraph.parts.append(_symbol(child))

    def _run_hidden(self, properties: etree._Element | None, paragraph_hidden: bool) -> bool:
        """Vanished: set on the run, else by its character style, else by the paragraph's style."""
        if properties is not None:
            vanish = properties.find(W + "vanish")
            if vanish is not None:
                return _on(vanish)
            style = properties.find(W + "rStyle")
            if style is not None:
                by_style = self.styles.hides(style.get(W + "val", ""))
                if by_style is not None:
                    return by_style
        return paragraph_hidden

    def _field_char(self, kind: str) -> None:
        if kind == "begin":
            self._fields.append(_Field())
        elif kind == "separate" and self._fields:
            self._fields[-1].in_instruction = False
        elif kind == "end" and self._fields:
            self._fields.pop()

    def _in_instruction(self) -> bool:
        return any(state.in_instruction for state in self._fields)

    # -- helpers -----------------------------------------------------------------------------------

    def _paragraph_style(self, properties: etree._Element | None) -> str:
        style = properties.find(W + "pStyle") if properties is not None else None
        return style.get(W + "val", "") if style is not None else self.styles.default_paragraph

    def _heading_level(self, properties: etree._Element | None, style_id: str) -> int | None:
        direct = properties.find(W + "outlineLvl") if properties is not None else None
        if direct is not None:
            return _outline_level(direct)
        return self.styles.heading_level(style_id)

    def _child(self) -> BodyReader:
        """A reader for a table cell: same styles, notes and open fields, its own lines."""
        reader = BodyReader(self.styles, self.footnotes, self.endnotes)
        reader._fields = self._fields
        reader._notes_read = self._notes_read
        return reader

    def _flush_carried(self) -> None:
        if self._carried.strip():
            self.items.append(DocxItem(self._carried))
        self._carried = ""

    def _read_note(self, kind: str, note_id: str) -> None:
        notes = self.footnotes if kind == "footnote" else self.endnotes
        note = notes.get(note_id)
        if note is None or (kind, note_id) in self._notes_read:
            return
        self._notes_read.add((kind, note_id))
        reader = self._child()
        reader.blocks(note)
        reader._flush_carried()
        self.hidden += reader.hidden
        self.items += [DocxItem(item.text, None, item.is_row) for item in reader.items]


def _choose(alternate: etree._Element) -> etree._Element | None:
    """The ``mc:Choice`` of an ``mc:AlternateContent`` that has text, else its ``mc:Fallback``: one, never both."""
    branches = [*alternate.findall(_MC + "Choice"), *alternate.findall(_MC + "Fallback")]
    for branch in branches:
        if any(True for _ in branch.iter(W + "t", _MATH + "t")):
            return branch
    return branches[0] if branches else None


def _text_boxes(element: etree._Element) -> list[etree._Element]:
    """The outermost ``w:txbxContent`` elements under ``element``, one branch of each alternate content."""
    if element.tag == W + "txbxContent":
        return [element]
    if element.tag == _MC + "AlternateContent":
        chosen = _choose(element)
        return _text_boxes(chosen) if chosen is not None else []
    found: list[etree._Element] = []
    for child in element:
        found += _text_boxes(child)
    return found


def _descendants_through_wrappers(parent: etree._Element, tag: str) -> Iterable[etree._Element]:
    """Children with ``tag``, also those inside content controls, custom XML and insertions (row and cell level)."""
    for child in parent:
        if child.tag == tag:
            yield child
        elif child.tag == W + "sdt":
            content = child.find(W + "sdtContent")
            if content is not None:
                yield from _descendants_through_wrappers(content, tag)
        elif child.tag in (W + "customXml", W + "ins", W + "moveTo"):
            yield from _descendants_through_wrappers(child, tag)


def _row_deleted(row: etree._Element) -> bool:
    return row.find(f"{W}trPr/{W}del") is not None


def _symbol(sym: etree._Element) -> str:
    """A ``w:sym`` character; symbol-font glyphs (U+F000-U+F0FF: bullets, ticks) are left out."""
    try:
        code = int(sym.get(W + "char", ""), 16)
    except ValueError:
        return ""
    return "" if code >= 0xF000 or code < 0x20 else chr(code)
