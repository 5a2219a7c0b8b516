"""The answer and its sources as HTML for the web app.

Everything from documents or users is escaped before it is wrapped in markup: a passage that
contains ``<script>`` shows that text, it does not run it. Passages are shown as a reader sees
them, without the Markdown or HTML marks their files carry (``ingest.markup``); the supporting
sentences are marked with ``<mark>`` after escaping, on the character spans where they occur, and
a sentence planted to instruct an AI or the reader (``ingest.injection``) carries a warning label.
"""

from __future__ import annotations

import html
import re
import urllib.parse
from collections.abc import Callable, Sequence
from urllib.parse import urlencode

from assistant.answer_model import Answer, CitedPassage
from assistant.retrieval import Hit
from assistant.web.labels import label, lang_name
from ingest.injection import planted_spans
from ingest.markup import plain_span, plain_text, plain_with_offsets

# "[3]" and "[1, 2]" / "[1,2]" as answerers write them. Not right after a Latin letter or digit:
# OECD reports carry their own reference marks ("(OECD, 2014[1])"), which a quoted sentence keeps
# and which must not become links to our passages. Thai text has no spaces, so "ตนเอง[1]" links.
CITATION = re.compile(r"(?<![A-Za-z0-9])\[(\d+(?:\s*,\s*\d+)*)\]")

UrlFor = Callable[[str, "int | None"], "str | None"]


def sentence_spans(text: str, sentences: Sequence[str]) -> list[tuple[int, int]]:
    """Character spans of ``sentences`` in ``text``, merged where they overlap, in order.

    A sentence is found exactly, or else with any run of whitespace matching any other (PDF
    passages break lines where the answerer's copy may not). Sentences not found are skipped.
    """
    spans: list[tuple[int, int]] = []
    for sentence in sentences:
        sentence = sentence.strip()
        if not sentence:
            continue
        start = text.find(sentence)
        if start >= 0:
            spans.append((start, start + len(sentence)))
            continue
        pattern = r"\s+".join(re.escape(part) for part in sentence.split())
        match = re.search(pattern, text)
        if match:
            spans.append(match.span())
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(text: str, sentences: Sequence[str], ui_lang: str = "en") -> str:
    """``text`` as a reader sees it (Markdown/HTML marks removed, ``ingest.markup``), escaped for
    HTML, with each supporting sentence wrapped in ``<mark>`` and each planted instruction
    (``ingest.injection.planted_spans``: never quoted, but part of the passage) in
    :func:`planted_html`, so a reader opening the passage sees it is not part of the answer.

    The sentences are found in the passage as stored (marks and all), then their spans are carried
    over to the plain text, so a quote of "**Once-only** means ..." is still highlighted.
    """
    plain, origin = plain_with_offsets(text)
    marks: list[tuple[int, int, str]] = []
    for raw_start, raw_end in sentence_spans(text, sentences):
        start, end = plain_span(origin, raw_start, raw_end)
        marks.append((start, end, "mark"))
    marks += [(start, end, "planted") for start, end in planted_spans(plain)]
    pieces = []
    position = 0
    for start, end, kind in sorted(marks):
        if start < position or start >= end:
            continue
        pieces.append(html.escape(plain[position:start]))
        shown = html.escape(plain[start:end])
        pieces.append(f"<mark>{shown}</mark>" if kind == "mark" else planted_html(shown, ui_lang))
        position = end
    pieces.append(html.escape(plain[position:]))
    return "".join(pieces)


def planted_html(escaped: str, ui_lang: str) -> str:
    """An instruction planted in a document (already escaped), labelled as not part of the answer."""
    warning = html.escape(label("planted", ui_lang))
    return f'<span class="pr-planted" title="{warning}"><span class="pr-planted-label">{warning}:</span> {escaped}</span>'


SOURCE_ANCHOR = "pr-src-"  # source card n of the latest answer is #pr-src-n; earlier turns get their own prefix


def answer_text_html(text: str, known: set[int] | None = None, anchor: str = SOURCE_ANCHOR) -> str:
    """Answer text escaped, with each ``[n]`` a link to source card n (kept visibly as ``[n]``)."""

    def link(match: re.Match[str]) -> str:
        numbers = [int(part) for part in re.split(r"\s*,\s*", match.group(1))]
        if known is not None and not all(number in known for number in numbers):
            return match.group(0)
        links = ", ".join(f'<a class="pr-cite" href="#{anchor}{number}">{number}</a>' for number in numbers)
        return f'<span class="pr-cites">[{links}]</span>'

    return CITATION.sub(link, html.escape(text))


def answer_html(answer: Answer, ui_lang: str, asked: str | None = None, anchor: str = SOURCE_ANCHOR) -> str:
    """The answer block: text with linked ``[n]``, and the notes the reader must see.

    ``asked`` is the question as the user typed it; when the answer was searched for a completed
    question (a follow-up), that question is shown ("Searched as: ...").
    """
    known = {passage.number for passage in answer.passages}
    state = "found" if answer.found else "not-found"
    parts = [
        f'<div class="pr-answer" data-state="{state}" data-answerer="{html.escape(answer.answerer)}" '
        f'data-question="{html.escape(asked or answer.question)}" lang="{answer.lang}">',
    ]
    if asked is not None and " ".join(asked.split()) != " ".join(answer.question.split()):
        parts.append(f'<div class="pr-searched">{label("searched_as", ui_lang)} <q>{html.escape(answer.question)}</q></div>')
    parts.append(f'<div class="pr-answer-text">{answer_text_html(answer.text, known, anchor)}</div>')
    if answer.notes:
        notes = "".join(f"<li>{html.escape(note)}</li>" for note in answer.notes)
        parts.append(f'<div class="pr-notes"><strong>{label("notes", ui_lang)}</strong><ul>{notes}</ul></div>')
    parts.append("</div>")
    return "".join(parts)


def streaming_html(partial: str, ui_lang: str) -> str:
    """The answer while an LLM is still writing it (citations are checked only at the end)."""
    body = answer_text_html(partial) if partial.strip() else html.escape(label("writing", ui_lang))
    return f'<div class="pr-answer" data-state="streaming"><div class="pr-answer-text">{body}</div></div>'


def message_html(message: str, state: str = "message") -> str:
    return f'<div class="pr-answer" data-state="{html.escape(state)}"><div class="pr-answer-text">{html.escape(message)}</div></div>'


def source_card(passage: CitedPassage, ui_lang: str, url_for: UrlFor, anchor: str = SOURCE_ANCHOR) -> str:
    """One passage: number, title, page, language, link to the file, passage with its sentences marked."""
    chunk = passage.hit.chunk
    meta = []
    if chunk.pages:  # "page 3", or "pages 3-4" for a passage continued across a page break
        first, last = chunk.pages
        meta.append(f"{label('page', ui_lang)} {first}" if first == last else f"{label('pages', ui_lang)} {first}-{last}")
    meta.append(lang_name(chunk.lang, ui_lang))
    url = url_for(chunk.source, chunk.page)
    link = ""
    if url:
        text = label("open_pdf" if chunk.page else "open_file", ui_lang)
        link = f' · <a class="pr-open" href="{html.escape(url)}" target="_blank" rel="noopener">{text}</a>'
    number = passage.hit.chunk_number
    if number is not None:
        query = urlencode({"source": chunk.source, "chunk": number, "ui": ui_lang})
        link += f' · <a class="pr-related" href="{RELATED_PAGE}?{html.escape(query)}" target="_blank" rel="noopener">{label("related", ui_lang)}</a>'
    heading = " › ".join(" ".join(plain_text(part).split()) for part in chunk.heading_path)
    heading_html = f'<div class="pr-heading">{html.escape(heading)}</div>' if heading else ""
    css = "pr-source pr-cited" if passage.cited else "pr-source"
    return (
        f'<div class="{css}" id="{anchor}{passage.number}" data-number="{passage.number}" lang="{chunk.lang}">'
        f'<div class="pr-source-head"><span class="pr-num">[{passage.number}]</span> '
        f'<span class="pr-title">{html.escape(plain_text(chunk.title))}</span></div>'
        f'<div class="pr-meta">{" · ".join(html.escape(item) for item in meta)} · '
        f'<code class="pr-path">{html.escape(chunk.source)}</code>{link}</div>'
        f"{heading_html}"
        f'<div class="pr-passage">{highlight(chunk.text, passage.supporting, ui_lang)}</div>'
        "</div>"
    )


RELATED_PAGE = "/related"  # a source card's "related in the other language" link (the JSON is /api/related)


def related_page_html(
    source: str, chunk: int | None, hits: Sequence[Hit], ui_lang: str, url_for: UrlFor, problem: str = "", reason: str = ""
) -> str:
    """The page a source card's "related" link opens: the passages of other documents, in the
    other language, closest to passage ``chunk`` of ``source``, as source cards; or ``problem``
    (the document was removed since). A policy officer reads this page; the same data as JSON is
    ``/api/related``. ``reason``: why there is no passage (``RelatedGap.message``), shown instead
    of an empty page."""
    what = f"{source} · {label('passage', ui_lang)} {chunk + 1}" if chunk is not None else source  # counted from 1, as people do
    cards = "".join(source_card(CitedPassage(number, hit), ui_lang, url_for, "related-") for number, hit in enumerate(hits, start=1))
    body = cards or f'<p class="pr-empty">{html.escape(reason or label("no_related", ui_lang))}</p>'
    if problem:
        body = f'<p class="pr-error">{html.escape(label("related_missing", ui_lang))} ({html.escape(problem)})</p>'
    title = html.escape(label("related_title", ui_lang))
    return (
        f'<!doctype html><html lang="{html.escape(ui_lang)}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title>'
        f"<style>body {{ font-family: system-ui, sans-serif; max-width: 60rem; margin: 1.5rem auto; padding: 0 1rem; }}"
        f"{CSS}</style></head><body>"
        f'<h1 class="pr-related-title">{title}</h1><p class="pr-related-of"><code>{html.escape(what)}</code></p>'
        f'<div class="pr-sources">{body}</div></body></html>'
    )


def sources_html(answer: Answer, ui_lang: str, url_for: UrlFor, anchor: str = SOURCE_ANCHOR) -> str:
    """Cited passages first, in number order; the other retrieved passages folded below them."""
    cited = [passage for passage in answer.passages if passage.cited]
    others = [passage for passage in answer.passages if not passage.cited]
    if not answer.found and not cited:  # nothing cited: show the closest passages openly
        cited, others = others, []
    parts = ['<div class="pr-sources">']
    parts.extend(source_card(passage, ui_lang, url_for, anchor) for passage in cited)
    if others:
        parts.append(f'<details class="pr-others"><summary>{label("other_passages", ui_lang)} ({len(others)})</summary>')
        parts.extend(source_card(passage, ui_lang, url_for, anchor) for passage in others)
        parts.append("</details>")
    parts.append("</div>")
    return "".join(parts)


def export_link(answer: Answer, ui_lang: str, asked: str | None = None) -> str:
    """A link that downloads the answer's Markdown export (``Answer.to_markdown``) from the page
    itself (a data: URL): each answer of a conversation keeps its own export, headed by the
    question as typed (``asked``)."""
    data = urllib.parse.quote(answer.to_markdown(asked=asked), safe="")
    return (
        f'<a class="pr-export" download="policyrag-answer.md" href="data:text/markdown;charset=utf-8,{data}">'
        f'{html.escape(label("download", ui_lang))}</a>'
    )


def history_html(turns: Sequence[tuple[str, Answer]], ui_lang: str, url_for: UrlFor) -> str:
    """The earlier turns of a conversation, oldest first: each question as asked, its answer, its
    own sources (folded) and its own Markdown export. Their source cards get anchors of their own
    (``pr-t{turn}-src-{n}``) so that each answer's ``[n]`` opens its own sources."""
    if not turns:
        return ""
    parts = ['<div class="pr-history">']
    for number, (asked, answer) in enumerate(turns, start=1):
        anchor = f"pr-t{number}-src-"
        cited = sum(passage.cited for passage in answer.passages) or len(answer.passages)
        parts.append(
            f'<div class="pr-turn" data-turn="{number}"><div class="pr-turn-question">{html.escape(asked)}</div>'
            f"{answer_html(answer, ui_lang, asked, anchor)}"
            f'<details class="pr-turn-sources"><summary>{label("sources", ui_lang)} ({cited})</summary>'
            f"{sources_html(answer, ui_lang, url_for, anchor)}</details>"
            f"{export_link(answer, ui_lang, asked)}</div>"
        )
    parts.append("</div>")
    return "".join(parts)


CSS = """
.pr-answer-text { font-size: 1.05rem; line-height: 1.7; white-space: pre-wrap; }
.pr-answer[data-state="not-found"] .pr-answer-text { color: #8a4b00; }
.pr-cites a.pr-cite { font-size: inherit !important; line-height: inherit !important; padding: 0 !important;
  margin: 0 !important; text-decoration: none; font-weight: 600; color: #0b6bcb; }
.pr-notes { margin-top: .6rem; font-size: .9rem; color: #555; }
.pr-source { border: 1px solid #d0d7de; border-radius: 8px; padding: .6rem .8rem; margin: .5rem 0; }
.pr-source.pr-cited { border-left: 4px solid #0b6bcb; }
.pr-source-head { font-weight: 600; }
.pr-num { color: #0b6bcb; }
.pr-meta { font-size: .85rem; color: #555; margin: .2rem 0 .4rem; }
.pr-heading { font-size: .85rem; font-style: italic; color: #555; }
.pr-passage { white-space: pre-wrap; line-height: 1.6; }
.pr-passage mark { background: #ffe28a; padding: 0 .1em; }
.pr-planted { background: #fbeaea; border: 1px dashed #c0392b; border-radius: 3px; padding: 0 .2em; }
.pr-planted-label { font-size: .85em; font-weight: 600; color: #a11; }
.pr-others summary { cursor: pointer; margin: .5rem 0; }
.pr-searched { font-size: .9rem; color: #555; margin-bottom: .3rem; }
.pr-history { border-left: 3px solid #d0d7de; padding-left: .8rem; margin-bottom: 1rem; }
.pr-turn { margin: .4rem 0 1rem; }
.pr-turn-question { font-weight: 600; margin-bottom: .2rem; }
.pr-turn-sources summary, .pr-export { font-size: .9rem; cursor: pointer; }
"""
