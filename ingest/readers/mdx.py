"""Turn Markdown/MDX source into plain CommonMark: front matter out, MDX syntax and tags stripped.

MDX pages (Astro Starlight in this corpus) wrap Markdown in JSX components, e.g.
``<Tabs><TabItem label="iOS">  1. เปิดแอป ...</TabItem></Tabs>``. A CommonMark parser sees such
a block as raw HTML, or the indented list inside as a code block, and the text is lost or
mangled. So before parsing: ``import``/``export`` statements are dropped, tags are removed while
the text between them stays, the ``title``/``label`` attribute of a component (the only visible
text of a ``<LinkCard title=...>`` or a tab) is kept as its own paragraph, and lines inside a
component are dedented so that Markdown inside it parses as Markdown.

Files converted from Word by Pandoc (or exported by other converters) also carry brace groups no
reader sees: bookmark and attribute leftovers on a line of their own
(``{Proposal.2.sec}{Proposal.3.sec}{1.Sec}`` in the OECD AI Recommendation) and Pandoc attribute
blocks after a heading or a span (``# Scope {#scope .unnumbered}``, ``[text]{.underline}``).
:func:`strip_converter_braces` drops them before parsing and counts them for the fidelity report.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ingest.readers.wiki import strip_wiki_markup

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_ESM = re.compile(r"^(import|export)\b")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_JSX_COMMENT = re.compile(r"\{/\*.*?\*/\}", re.DOTALL)
_ATTRIBUTE = r"""\s+[^\s=/>"'{}]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|\{[^{}]*\}|[^\s"'=<>`{}]+))?"""
_TAG = re.compile(rf"<(/?)([A-Za-z][\w.:-]*)((?:{_ATTRIBUTE})*)\s*(/?)>")
_KEPT_ATTRIBUTE = re.compile(r"""\b(?:title|label)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_UNCLOSED_TAG = re.compile(r"<[A-Za-z][\w.:-]*(?:\s[^<>]*)?$")
_MAX_TAG_LINES = 10
_CODE_SPAN = re.compile(r"(`+).*?\1")
# A brace group of one identifier-like word: "{Proposal.2.sec}", "{1.Sec}", "{#intro}", "{.class}".
_BRACE_WORD = r"\{[#.]?[A-Za-z0-9_][\w.:-]*\}"
_BRACE_LINE = re.compile(rf"^[ \t]*(?:{_BRACE_WORD}[ \t]*)+$")
# In MDX a brace group is an expression whose value the reader sees; a member path
# ("{frontmatter.title}") is valid JavaScript and stays, "{Proposal.2.sec}" or "{#id}" is not.
_JS_PATH = re.compile(r"\{[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*\}")
# A Pandoc attribute block: "#id", ".class", "key=value" or "key=\"value\"" items, or "-" alone
# (an unnumbered heading); at least one item marks it as attributes rather than prose braces.
_PANDOC_ITEM = r"""(?:[#.][A-Za-z][\w:.-]*|[A-Za-z][\w-]*=(?:"[^"\n]*"|'[^'\n]*'|[^\s"'{}]+))"""
_PANDOC_ATTRIBUTES = rf"\{{[ \t]*(?:-|{_PANDOC_ITEM}(?:[ \t]+{_PANDOC_ITEM})*)[ \t]*\}}"
_HEADING_ATTRIBUTES = re.compile(rf"^(?P<keep>[ \t]{{0,3}}#{{1,6}}[ \t].*?\S)[ \t]+{_PANDOC_ATTRIBUTES}[ \t]*$")
# a bracketed span "[text]{.smallcaps}" (its brackets go too), or attributes right after a link or
# image "(...)" or inline code "`"
_SPAN_ATTRIBUTES = re.compile(rf"\[(?P<span>[^\[\]\n]*)\]{_PANDOC_ATTRIBUTES}|(?<=[)`]){_PANDOC_ATTRIBUTES}")
# A Pandoc fenced div's fence: three or more colons, then attributes ("{.note}", "{#id .sidebar}")
# or one class word ("warning"), optionally closing colons ("::: Warning :::::"); alone, the
# closing fence. Docusaurus/Starlight admonitions write the same fence with a title
# (":::note[Read first]", ":::tip Good to know"): the title is text a reader sees and stays.
_DIV_FENCE = re.compile(
    r"^[ \t]{0,3}:{3,}[ \t]*(?:\{[^{}\n]*\}|[A-Za-z][\w-]*(?:\[(?P<bracketed>[^\]\n]*)\])?(?:[ \t]+(?P<title>[^:\s][^\n]*?))?)?[ \t]*:*[ \t]*$"
)
_HTML_ELEMENTS = frozenset(
    """a abbr address article aside audio b bdi bdo blockquote body br button canvas caption center
    cite code col colgroup dd del details dfn dialog div dl dt em embed figcaption figure font footer
    form h1 h2 h3 h4 h5 h6 head header hr html i iframe img input ins kbd label legend li link main
    mark meta nav noscript object ol p picture pre q s samp section small source span strong sub
    summary sup table tbody td tfoot th thead time tr track u ul var video wbr""".split()
)
# HTML elements that never have a closing tag, so they do not open a container.
_VOID_ELEMENTS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
)


@dataclass
class MarkdownSource:
    """Markdown text ready for a CommonMark parser, and the front matter that was split off."""

    body: str
    front_matter: dict[str, Any] = field(default_factory=dict)
    front_matter_error: str = ""


def split_front_matter(text: str, path: Path) -> MarkdownSource:
    """Split a leading ``---`` YAML block off the text.

    Invalid YAML does not lose the document: the block is dropped and the error is reported in
    ``front_matter_error`` (with the file and the fix) for the caller to log.
    """
    match = _FRONT_MATTER.match(text)
    if not match:
        return MarkdownSource(body=text)
    body = text[match.end() :]
    try:
        data = yaml.safe_load(match.group(1))
    except yaml.YAMLError as error:
        detail = str(error).replace("\n", " ")
        return MarkdownSource(
            body=body,
            front_matter_error=f"{path}: invalid YAML front matter ({detail}): fix it or remove the --- block",
        )
    return MarkdownSource(body=body, front_matter=data if isinstance(data, dict) else {})


def prose_lines(lines: list[str]) -> Iterator[int]:
    """Numbers of the lines outside fenced code (the fence lines themselves left out too)."""
    fence: str | None = None
    for number, line in enumerate(lines):
        fence_match = _FENCE.match(line)
        if fence is not None:
            if fence_match and fence_match.group(1)[0] == fence[0] and len(fence_match.group(1)) >= len(fence):
                fence = None
            continue
        if fence_match:
            fence = fence_match.group(1)
            continue
        yield number


def strip_converter_braces(body: str, *, is_mdx: bool) -> tuple[str, int]:
    """Drop converter leftovers: lines made only of brace groups of identifier-like words, Pandoc
    attribute blocks after a heading, a span, a link, an image or inline code, and the fences of
    Pandoc fenced divs (``::: {.note}`` ... ``:::``, nested ``::::``; an admonition's title,
    ``:::tip[Title]``, stays as a paragraph), whose content stays.

    A bracketed span keeps its text (``[Members]{.smallcaps}`` -> ``Members``).
    Returns the text and how many brace groups went (for the fidelity report). Braces in prose
    ("/api/Profile/{id}"), JSON ("{" on a line, ``{"a": 1}``), fenced code and code spans stay; in
    MDX so does a line whose groups are all JavaScript member paths (``{frontmatter.title}``: the
    reader sees its value), while the ``{/* comment */}`` of MDX is :func:`clean_markdown`'s.

    Example:
        >>> strip_converter_braces("## Section 1\\n\\n{Proposal.2.sec}{1.Sec}\\n\\nText {id}.", is_mdx=False)
        ('## Section 1\\n\\n\\n\\nText {id}.', 2)
        >>> strip_converter_braces("# Scope {#scope .unnumbered}\\n[Note]{.underline} `x`{.py}", is_mdx=False)
        ('# Scope\\nNote `x`', 3)
    """
    lines = body.split("\n")
    dropped = 0
    for number in prose_lines(lines):
        line = lines[number]
        div = _DIV_FENCE.match(line)
        if div:  # the fence goes, the div's content stays where it is
            title = (div.group("bracketed") or div.group("title") or "").strip()
            lines[number] = f"\n{title}\n" if title else ""
            dropped += 1
            continue
        if _BRACE_LINE.match(line):
            groups = re.findall(_BRACE_WORD, line)
            if not (is_mdx and all(_JS_PATH.fullmatch(group) for group in groups)):
                lines[number] = ""
                dropped += len(groups)
                continue
        heading = _HEADING_ATTRIBUTES.match(line)
        if heading:
            line = heading.group("keep")
            dropped += 1
        code = [span.span() for span in _CODE_SPAN.finditer(line)]  # "`{.class}`" is literal text
        found = [m for m in _SPAN_ATTRIBUTES.finditer(line) if not any(a <= m.start() < b for a, b in code)]
        for match in reversed(found):
            line = line[: match.start()] + (match.group("span") or "") + line[match.end() :]
        lines[number] = line
        dropped += len(found)
    return "\n".join(lines), dropped


def strip_wiki_tags(body: str) -> tuple[str, int]:
    """:func:`ingest.readers.wiki.strip_wiki_markup` of every line outside fenced code (code
    keeps its ``[[...]]``); returns the text and how many tags went."""
    lines = body.split("\n")
    dropped = 0
    for number in prose_lines(lines):
        line = lines[number]
        lines[number], count = strip_wiki_markup(line)
        dropped += count
    return "\n".join(lines), dropped


def _strip_tags(line: str, depth: int, *, is_mdx: bool) -> tuple[str, int, list[str], bool]:
    """Remove tags from one line outside code spans.

    In plain Markdown only HTML elements are tags: ``?OfficeID=<OfficeID>`` in an API table is a
    placeholder and stays. In MDX every tag is markup (components).

    Returns the line without tags, the container depth after the line, the kept attribute texts,
    and whether the line had any tag.
    """
    kept: list[str] = []
    had_tag = False

    def replace(match: re.Match[str]) -> str:
        nonlocal depth, had_tag
        closing, name, attributes, self_closing = match.groups()
        if not is_mdx and name.lower() not in _HTML_ELEMENTS:
            return match.group(0)
        had_tag = True
        if closing:
            depth = max(depth - 1, 0)
        else:
            kept.extend(a or b for a, b in _KEPT_ATTRIBUTE.findall(attributes) if (a or b).strip())
            if not self_closing and name.lower() not in _VOID_ELEMENTS:
                depth += 1
        # <br> and cell ends become a space: a newline would break the Markdown table row around it
        return " " if name.lower() in ("br", "td", "th") and (closing or name.lower() == "br") else ""

    pieces: list[str] = []
    position = 0
    for span in _CODE_SPAN.finditer(line):  # `<Tag>` inside backticks is literal text
        pieces.append(_TAG.sub(replace, line[position : span.start()]))
        pieces.append(span.group(0))
        position = span.end()
    pieces.append(_TAG.sub(replace, line[position:]))
    return "".join(pieces), depth, kept, had_tag


def clean_markdown(body: str, *, is_mdx: bool) -> str:
    """Remove MDX statements, comments and HTML/JSX tags, keeping the text between tags.

    Fenced code is left exactly as it is. ``import``/``export`` lines are only dropped in MDX files
    (in plain Markdown they are prose).

    Example:
        >>> clean_markdown('import { Callout } from "x";\\n\\n<Callout type="info">ข้อความ</Callout>', is_mdx=True)
        '\\nข้อความ'
    """
    body = _HTML_COMMENT.sub("", body)
    if is_mdx:
        body = _JSX_COMMENT.sub("", body)
    lines = body.split("\n")
    out: list[tuple[str, bool]] = []  # (line, dedent with its neighbours: Markdown inside a component)
    depth = 0
    fence: str | None = None
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        fence_match = _FENCE.match(line)
        if fence is not None:
            out.append((line, depth > 0))
            if fence_match and fence_match.group(1)[0] == fence[0] and len(fence_match.group(1)) >= len(fence):
                fence = None
            continue
        if fence_match:
            fence = fence_match.group(1)
            out.append((line, depth > 0))
            continue
        if is_mdx and depth == 0 and _ESM.match(line):
            balance = line.count("{") - line.count("}")
            while balance > 0 and index < len(lines):  # a statement spread over several lines
                balance += lines[index].count("{") - lines[index].count("}")
                index += 1
            continue
        # A tag whose attributes continue on the next lines: join them first (a few lines at most,
        # so a stray "<word" in prose cannot swallow the page).
        if _UNCLOSED_TAG.search(line):
            for count in range(1, min(_MAX_TAG_LINES, len(lines) - index) + 1):
                candidate = " ".join([line, *(more.strip() for more in lines[index : index + count])])
                if not _UNCLOSED_TAG.search(candidate):
                    line, index = candidate, index + count
                    break
        text, new_depth, kept, had_tag = _strip_tags(line, depth, is_mdx=is_mdx)
        if not had_tag:
            out.append((line, depth > 0))
            continue
        inside = depth > 0 or new_depth > 0
        depth = new_depth
        for attribute_text in kept:  # its own paragraph
            out.extend([("", False), (attribute_text, False), ("", False)])
        out.append((text.strip() if inside else text, False) if text.strip() else ("", False))
    return _dedent_components(out)


def _dedent_components(lines: list[tuple[str, bool]]) -> str:
    """Dedent each run of lines that sat inside a component, so indented Markdown is not code.

    Runs end at tag lines, so each tab's content is dedented on its own.
    """
    result: list[str] = []
    run: list[str] = []
    for line, inside in lines:
        if inside:
            run.append(line)
            continue
        if run:
            result.extend(textwrap.dedent("\n".join(run)).split("\n"))
            run = []
        result.append(line)
    if run:
        result.extend(textwrap.dedent("\n".join(run)).split("\n"))
    return "\n".join(result)
