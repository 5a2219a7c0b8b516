"""Remove from an HTML tree the text a browser does not show.

Planted text hides in web pages the way it hides in PDFs: instructions to an AI or false facts in
an element a reader never sees. What is removed, as a browser renders the page on opening:

- elements the browser's own stylesheet hides: the ``hidden`` attribute (not ``hidden="until-found"``,
  whose text find-in-page reveals), ``<template>``, ``<noscript>`` (scripts run), ``<dialog>``
  without ``open``;
- ``aria-hidden="true"`` elements (decoration and duplicates kept from assistive technology);
- elements whose style (``style`` attribute, or a rule of a ``<style>`` block: selectors matched
  with soupsieve, the cascade by origin, ``!important``, specificity and order) is
  ``display: none``, ``opacity: 0``, or the usual visually-hidden patterns: clipped to nothing
  (``clip: rect(0 0 0 0)``, ``clip-path: inset(50%)``), moved off screen (``left``/``top``/
  ``text-indent`` of -999px or less), or zero width/height with ``overflow: hidden``;
- the text of elements with ``visibility: hidden``/``collapse``, ``font-size: 0`` or
  ``color: transparent``, which their children inherit unless they set their own (a child with
  ``visibility: visible`` shows).

Content a control on the page opens (``display: none`` or ``hidden`` on an element named by another
element's ``aria-controls``, ``data-target``/``data-bs-target`` or ``href="#id"``, or a
``role="tabpanel"``: accordions, tabs, "read more") is content a reader can see and is kept.
External stylesheets are not fetched; ``@media`` rules other than ``screen``/``all`` are ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import tinycss2
from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import PreformattedString

# Properties that can hide text; other declarations are not looked at.
_PROPERTIES = frozenset({
    "display", "visibility", "opacity", "font-size", "color", "clip", "clip-path", "left", "top",
    "text-indent", "width", "height", "max-height", "max-width", "overflow",
})
_ZERO_LENGTH = re.compile(r"^[+-]?0*\.?0*(px|pt|pc|em|rem|ex|ch|vw|vh|vmin|vmax|cm|mm|in|q|%)?$")
_ABSOLUTE_UNIT = re.compile(r"(px|pt|pc|rem|cm|mm|in|q|vw|vh|vmin|vmax)$")
_OFF_SCREEN = re.compile(r"^-\s*(\d+(?:\.\d+)?)(px|em|rem|pt|%)?$")
_TINY = re.compile(r"^(0*\.?0*|1px)(px|pt|em|rem|%)?$")
_RECT = re.compile(r"rect\(([^)]*)\)")
_INSET = re.compile(r"inset\(\s*(50|100)(\.0*)?%")
_SPECIFICITY_ID = re.compile(r"#[\w-]+")
_SPECIFICITY_CLASS = re.compile(r"\.[\w-]+|\[[^\]]*\]|(?<!:):(?!not|is|where)[\w-]+")
_SPECIFICITY_TYPE = re.compile(r"(?:^|[\s>+~(])([a-zA-Z][\w-]*)")
_CONTROL_ATTRIBUTES = ("aria-controls", "data-target", "data-bs-target", "href")
#: Off-screen offsets at least this far left or up (in px; 1em = 16px) hide text.
OFF_SCREEN_PX = 999


@dataclass(frozen=True)
class _Declaration:
    value: str
    important: bool
    rank: tuple[int, ...]  # origin, specificity, order: the cascade's comparison


def remove_hidden(soup: BeautifulSoup) -> int:
    """Remove from ``soup`` the elements and text a browser would not show; returns how many pieces went.

    Example:
        >>> soup = BeautifulSoup('<p>Shown</p><p hidden>Planted</p><p style="font-size:0">Tiny</p>', "html.parser")
        >>> remove_hidden(soup), soup.get_text()
        (2, 'Shown')
    """
    openable = _openable_ids(soup)
    removed = 0
    for element in list(soup.find_all(True)):
        if element.decomposed:
            continue
        if _hidden_by_browser(element, openable):
            element.decompose()
            removed += 1
    styles = _computed_styles(soup)
    return removed + _walk(soup, styles, openable, _Inherited())


def _hidden_by_browser(element: Tag, openable: set[str]) -> bool:
    if element.name in ("template", "noscript"):  # noscript: a browser runs scripts
        return True
    if element.name == "dialog" and not element.has_attr("open"):
        return True
    if str(element.get("aria-hidden", "")).strip().lower() == "true":
        return True
    hidden = element.get("hidden")
    if hidden is not None and str(hidden).strip().lower() != "until-found":
        return not _opened_by_control(element, openable)
    return False


def _openable_ids(soup: BeautifulSoup) -> set[str]:
    """Ids of elements that a control on the page opens (accordions, tabs, "read more")."""
    ids: set[str] = set()
    for attribute in _CONTROL_ATTRIBUTES:
        for control in soup.find_all(attrs={attribute: True}):
            for value in str(control.get(attribute, "")).split():
                if attribute == "href":
                    if value.startswith("#") and len(value) > 1:
                        ids.add(value[1:])
                else:
                    ids.add(value.lstrip("#"))
    return ids


def _opened_by_control(element: Tag, openable: set[str]) -> bool:
    return str(element.get("role", "")).lower() == "tabpanel" or str(element.get("id", "")) in openable


# -- the cascade (only what can hide text) ------------------------------------------------------


def _declarations(tokens: str | list[object]) -> list[tuple[str, str, bool]]:
    """(property, value, important) for the hiding properties of a declaration list (text or tokens)."""
    found = []
    for item in tinycss2.parse_blocks_contents(tokens, skip_comments=True, skip_whitespace=True):
        if getattr(item, "type", "") == "declaration" and item.lower_name in _PROPERTIES:
            value = tinycss2.serialize(item.value).strip().lower()
            found.append((item.lower_name, value, bool(item.important)))
    return found


def _rules(css: str) -> list[tuple[str, list[tuple[str, str, bool]]]]:
    """(selector list, declarations) of the rules of a stylesheet that a screen applies on opening."""
    rules = []
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type == "qualified-rule":
            declarations = _declarations(rule.content)
            if declarations:
                rules.append((tinycss2.serialize(rule.prelude).strip(), declarations))
        elif rule.type == "at-rule" and rule.lower_at_keyword == "media" and rule.content is not None:
            media = {token.strip().lower() for token in tinycss2.serialize(rule.prelude).split(",")}
            if media & {"screen", "all", "only screen"} and not any("(" in query for query in media):
                rules += _rules(tinycss2.serialize(rule.content))
    return rules


def _specificity(selector: str) -> tuple[int, int, int]:
    """The (ids, classes/attributes/pseudo-classes, types) specificity of one complex selector."""
    ids = len(_SPECIFICITY_ID.findall(selector))
    classes = len(_SPECIFICITY_CLASS.findall(selector))
    types = len([name for name in _SPECIFICITY_TYPE.findall(selector) if name.lower() not in ("not", "is", "where")])
    return ids, classes, types


def _computed_styles(soup: BeautifulSoup) -> dict[int, dict[str, _Declaration]]:
    """For each element (by ``id()``), the winning value of each hiding property it sets."""
    styles: dict[int, dict[str, _Declaration]] = {}

    def apply(element: Tag, name: str, value: str, important: bool, rank: tuple[int, ...]) -> None:
        current = styles.setdefault(id(element), {}).get(name)
        if current is None or (important, rank) >= (current.important, current.rank):
            styles[id(element)][name] = _Declaration(value, important, rank)

    order = 0
    for style in soup.find_all("style"):
        for selectors, declarations in _rules(style.get_text()):
            for selector in _split_selector_list(selectors):
                order += 1
                try:
                    matched = soup.select(selector)
                except Exception:  # noqa: BLE001 - soupsieve rejects :hover, ::before and what it does not know
                    continue
                rank = (0, *_specificity(selector), order)
                for element in matched:
                    for name, value, important in declarations:
                        apply(element, name, value, important, rank)
    for element in soup.find_all(style=True):
        for name, value, important in _declarations(str(element["style"])):
            apply(element, name, value, important, (1, 0, 0, 0, 0))
    return styles


def _split_selector_list(selectors: str) -> list[str]:
    """``a, b:not(c, d)`` -> ``["a", "b:not(c, d)"]``: commas inside parentheses do not separate."""
    parts, depth, current = [], 0, []
    for char in selectors:
        depth += (char in "([") - (char in ")]")
        if char == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    parts.append("".join(current).strip())
    return [part for part in parts if part]


# -- walking the tree -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Inherited:
    invisible: bool = False  # visibility: hidden / collapse
    zero_font: bool = False
    transparent: bool = False

    @property
    def hides_text(self) -> bool:
        return self.invisible or self.zero_font or self.transparent


def _walk(element: Tag, styles: dict[int, dict[str, _Declaration]], openable: set[str], inherited: _Inherited) -> int:
    """Remove hidden descendants of ``element``; returns how many elements and text pieces went."""
    removed = 0
    for child in list(element.children):
        if isinstance(child, PreformattedString):
            continue
        if isinstance(child, NavigableString):
            if inherited.hides_text and child.strip():
                child.extract()
                removed += 1
            continue
        if not isinstance(child, Tag):
            continue
        declared = {name: declaration.value for name, declaration in styles.get(id(child), {}).items()}
        if _removes_element(declared) and not (declared.get("display") == "none" and _opened_by_control(child, openable)):
            child.decompose()
            removed += 1
            continue
        removed += _walk(child, styles, openable, _inherit(inherited, declared))
    return removed


def _removes_element(style: dict[str, str]) -> bool:
    """display: none, opacity: 0, or a visually-hidden pattern (clipped, off screen, squeezed to nothing)."""
    if style.get("display") == "none":
        return True
    opacity = style.get("opacity", "").rstrip("%")
    if opacity and _ZERO_LENGTH.match(opacity):
        return True
    clip = _RECT.search(style.get("clip", ""))
    if clip and len({part for part in re.split(r"[\s,]+", clip.group(1).strip()) if part}) == 1:
        return True  # rect(0 0 0 0), rect(1px, 1px, 1px, 1px): no area left
    if _INSET.search(style.get("clip-path", "")):
        return True
    if any(_off_screen(style.get(name, "")) for name in ("left", "top", "text-indent")):
        return True
    squeezed = any(_TINY.match(style.get(name, "x")) for name in ("width", "height", "max-height", "max-width"))
    return squeezed and style.get("overflow", "") in ("hidden", "clip")


def _off_screen(value: str) -> bool:
    match = _OFF_SCREEN.match(value.strip())
    if not match:
        return False
    amount, unit = float(match.group(1)), (match.group(2) or "px")
    pixels = amount * 16 if unit in ("em", "rem") else amount * 4 / 3 if unit == "pt" else amount
    return unit != "%" and pixels >= OFF_SCREEN_PX


def _inherit(parent: _Inherited, style: dict[str, str]) -> _Inherited:
    invisible = parent.invisible
    if "visibility" in style:
        invisible = style["visibility"] in ("hidden", "collapse")
    zero_font = parent.zero_font
    size = style.get("font-size", "")
    if size:
        if _ZERO_LENGTH.match(size):
            zero_font = True
        elif _ABSOLUTE_UNIT.search(size) or size in ("small", "medium", "large", "x-large", "xx-large", "x-small", "xx-small"):
            zero_font = False  # a size of its own, not relative to the zero above
    transparent = parent.transparent
    if "color" in style:
        transparent = style["color"] in ("transparent", "rgba(0,0,0,0)", "rgba(0, 0, 0, 0)")
    return _Inherited(invisible, zero_font, transparent)
