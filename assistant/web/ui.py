"""The Gradio Blocks of the web app: a conversation of questions and cited answers, with sources,
filters and export.

The page keeps the conversation: the latest answer is shown with its sources and its download
button, the earlier turns above it, each with its own sources and Markdown export. A follow-up
("and in Thailand?", "แล้วใครเป็นผู้รับผิดชอบ") is searched with what it refers to
(``AssistantService.standalone``), and the completed question is shown with the answer.

Every label comes from ``labels`` so the Thai/English toggle relabels the whole page and redraws
the answers' framing notes; the answers themselves stay in the language they were asked in.

Layout, top to bottom, one builder function each (a deployment adds its own panels between them,
e.g. sign-in or upload): header, question box, answerer choice, examples, filters, conversation.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.access import Caller
from assistant.answer_model import Answer
from assistant.followup import Turn
from assistant.web.catalogue import DocumentCatalogue
from assistant.web.labels import answerer_name, label, lang_name
from assistant.web.render import answer_html, history_html, message_html, sources_html, streaming_html
from assistant.web.service import MAX_K, AssistantService, Filters

EXAMPLES = [
    "หลัก Once-Only ตามนิยามในรายงานผล DGI 2019 หมายถึงอะไร",
    "แอปมือถือของหน่วยงานรัฐต้องวางให้ดาวน์โหลดได้ที่ไหนบ้าง",
    "Does Estonia have a central citizen portal like GOV.UK?",
    "Which transversal facet had the weakest average score in the 2019 Digital Government Index?",
]

DEFAULT_UI_LANG = "th"

Conversation = list[tuple[str, Answer]]  # (question as typed, its answer), oldest first


def header_html(ui_lang: str) -> str:
    return f'<div class="pr-header"><h1>{label("title", ui_lang)}</h1><p>{label("subtitle", ui_lang)}</p></div>'


class MarkdownExports:
    """Writes each answer's Markdown to a file the download button serves (trainers paste it).

    Files older than ``max_age_s`` are removed as new ones are written, so a server that runs for
    months does not fill its temp folder (Gradio's own copies expire through ``delete_cache``).
    """

    def __init__(self, folder: Path | None = None, max_age_s: float = 3600.0) -> None:
        self.folder = folder or Path(tempfile.mkdtemp(prefix="policyrag-exports-"))
        self.max_age_s = max_age_s
        self._last_prune = time.monotonic()

    def _prune(self) -> None:
        if time.monotonic() - self._last_prune < self.max_age_s / 6:
            return
        self._last_prune = time.monotonic()
        cutoff = time.time() - self.max_age_s
        for path in self.folder.glob("policyrag-*.md"):
            try:
                if path.stat().st_mtime < cutoff:
                    path.unlink()
            except OSError:  # another request removed it first
                pass

    def write(self, answer: Answer, asked: str | None = None) -> Path:
        """The answer's Markdown export as a file named after ``asked``, the question as typed
        (default ``answer.question``; a follow-up's completed question is a note inside)."""
        self._prune()
        question = asked or answer.question
        # Thai vowel and tone marks are not \w: keep the whole Thai block or the name is shredded
        words = re.sub(r"[^\w\u0E00-\u0E7F]+", "-", question).strip("-")[:40] or "answer"
        digest = hashlib.sha1(f"{question}\0{answer.question}\0{answer.text}".encode()).hexdigest()[:8]
        path = self.folder / f"policyrag-{time.strftime('%Y%m%d-%H%M%S')}-{words}-{digest}.md"
        path.write_text(answer.to_markdown(asked=asked), encoding="utf-8")
        return path


def llm_note_html(service: AssistantService, ui_lang: str) -> str:
    """A line under the answerer choice when the LLM server did not answer its last check."""
    status = service.llm_status()
    if not status or status["reachable"]:
        return ""
    return f'<div class="pr-llm-note">{label("llm_unreachable", ui_lang).format(reason=status["reason"] or "?")}</div>'


@dataclass
class _Page:
    """The components event handlers read and write (built by the section functions below)."""

    header: Any = None
    ui_lang: Any = None
    question: Any = None
    ask: Any = None
    answerer: Any = None
    llm_note: Any = None
    filters_box: Any = None
    documents: Any = None
    langs: Any = None
    years: Any = None
    k: Any = None
    conversation: Any = None
    history_title: Any = None
    history_box: Any = None
    new_conversation: Any = None
    answer_title: Any = None
    answer_box: Any = None
    download: Any = None
    sources_title: Any = None
    sources_box: Any = None


def _header(page: _Page, ui: str) -> None:
    with gr.Row():
        page.header = gr.HTML(header_html(ui), elem_id="pr-header", scale=4)
        page.ui_lang = gr.Radio(
            choices=[("ไทย", "th"), ("English", "en")], value=ui, label=label("ui_lang", ui), elem_id="pr-ui-lang", scale=1
        )


def _question(page: _Page, ui: str) -> None:
    with gr.Row():
        # lines=1 with room to grow: Enter asks, Shift+Enter starts a new line (as in chat tools)
        page.question = gr.Textbox(
            label=label("question", ui), placeholder=label("placeholder", ui), lines=1, max_lines=6,
            elem_id="pr-question", scale=5,
        )  # fmt: skip
        page.ask = gr.Button(label("ask", ui), variant="primary", elem_id="pr-ask", scale=1)


def _answerer(page: _Page, service: AssistantService, ui: str) -> None:
    page.answerer = gr.Radio(
        choices=[(answerer_name(name, ui), name) for name in service.answerers],
        value=service.default_answerer,
        label=label("answerer", ui),
        visible=len(service.answerers) > 1,
        elem_id="pr-answerer",
    )
    page.llm_note = gr.HTML(llm_note_html(service, ui), elem_id="pr-llm-note")


def _document_choices(visible: DocumentCatalogue) -> list[tuple[str, str]]:
    return [(document.title + (f" ({document.year})" if document.year else ""), document.source) for document in visible.documents]


def _filters(page: _Page, service: AssistantService, ui: str) -> None:
    with gr.Accordion(label("filters", ui), open=False, elem_id="pr-filters") as page.filters_box:
        # Choices are filled per user when the page loads: the page itself lists no documents.
        page.documents = gr.Dropdown(choices=[], multiselect=True, label=label("documents", ui), elem_id="pr-documents")
        with gr.Row():
            page.langs = gr.CheckboxGroup(choices=_lang_choices(service, ui), label=label("langs", ui), elem_id="pr-langs")
            page.years = gr.CheckboxGroup(choices=[], label=label("years", ui), elem_id="pr-years")
            page.k = gr.Slider(1, MAX_K, value=service.default_k, step=1, label=label("k", ui), elem_id="pr-k")


def _conversation(page: _Page, ui: str) -> None:
    page.conversation = gr.State([])
    with gr.Row():
        page.history_title = gr.Markdown(f"### {label('conversation', ui)}", visible=False)
        page.new_conversation = gr.Button(label("new_conversation", ui), size="sm", visible=False, elem_id="pr-new", scale=0)
    page.history_box = gr.HTML("", elem_id="pr-history")
    page.answer_title = gr.Markdown(f"### {label('answer', ui)}")
    page.answer_box = gr.HTML("", elem_id="pr-answer")
    page.download = gr.DownloadButton(label("download", ui), visible=False, elem_id="pr-download", size="sm")
    page.sources_title = gr.Markdown(f"### {label('sources', ui)}")
    page.sources_box = gr.HTML("", elem_id="pr-sources")


def _lang_choices(service: AssistantService, ui_lang: str) -> list[tuple[str, str]]:
    return [(lang_name(lang, ui_lang), lang) for lang in service.catalogue.langs()]


CallerFor = Callable[[gr.Request], Caller]


def build_ui(
    service: AssistantService,
    exports: MarkdownExports | None = None,
    caller_for: CallerFor | None = None,
    extensions: Sequence[Callable[[dict[str, Any]], None]] = (),
) -> gr.Blocks:
    """The Blocks app over ``service`` (queue and mounting are the caller's: see ``app``).

    Args:
        caller_for: who a request is from (``assistant/web/signin.py``); each user's questions,
            document list and years cover only the collections they may read. None: everything.
        extensions: called inside the Blocks with the filter components, to add panels (the
            document upload of ``assistant/web/office_ui.py``).
    """
    exports = exports or MarkdownExports()
    ui = DEFAULT_UI_LANG
    page = _Page()
    # delete_cache: Gradio's copies of the exports older than an hour go, checked every hour
    with gr.Blocks(title="policyrag", analytics_enabled=False, delete_cache=(3600, 3600)) as demo:
        _header(page, ui)
        _question(page, ui)
        _answerer(page, service, ui)
        gr.Examples(examples=[[example] for example in EXAMPLES], inputs=[page.question], label="ตัวอย่างคำถาม / Example questions")
        _filters(page, service, ui)
        _conversation(page, ui)
        _wire(page, service, exports, demo, caller_for)

        def fill_filters(request: gr.Request) -> tuple[Any, Any]:
            visible = service.catalogue.visible_to(caller_for(request) if caller_for and request else None)
            return gr.Dropdown(choices=_document_choices(visible)), gr.CheckboxGroup(choices=[str(y) for y in visible.years()])

        demo.load(fill_filters, None, [page.documents, page.years], api_name=False, queue=False)
        for extend in extensions:
            extend({"demo": demo, "documents": page.documents, "years": page.years, "fill_filters": fill_filters})
    return demo


def _history_updates(conversation: Conversation, lang: str, service: AssistantService) -> tuple[Any, Any, Any]:
    earlier = conversation[:-1]
    return (
        history_html(earlier, lang, service.url_for),
        gr.Markdown(visible=bool(earlier)),
        gr.Button(visible=bool(conversation)),
    )


def _wire(page: _Page, service: AssistantService, exports: MarkdownExports, demo: gr.Blocks, caller_for: CallerFor | None) -> None:
    """The event handlers: ask (button and Enter), new conversation, label toggle, LLM status."""

    def respond(
        question_text: str,
        chosen_documents: list[str],
        chosen_langs: list[str],
        chosen_years: list[str],
        top_k: float,
        chosen_answerer: str,
        lang: str,
        conversation: Conversation,
        request: gr.Request,
    ) -> Iterator[tuple[Any, ...]]:
        """One render for the extractive answer; the LLM's text as it streams, then the checked answer."""
        conversation = list(conversation or [])
        keep = (gr.skip(), gr.skip(), gr.skip(), gr.skip())  # conversation, history, its title, new-conversation button
        if not (question_text or "").strip():
            yield (message_html(label("empty", lang), "error"), "", gr.DownloadButton(visible=False), *keep, gr.skip())
            return
        caller = caller_for(request) if caller_for else None
        try:
            filters = Filters.of(chosen_documents, chosen_langs, chosen_years)
            history = [Turn(asked, answer.question, answer.text) for asked, answer in conversation]
            searched = service.standalone(question_text, history, chosen_answerer)
            page_lang = "th" if lang == "th" else "en"  # the wording of a question that does not tell its language
            if chosen_answerer != "llm":
                items: Iterable[str | Answer] = [service.ask(searched, int(top_k), filters, chosen_answerer, caller, page_lang)]
            else:
                items = service.ask_stream(searched, int(top_k), filters, chosen_answerer, caller, page_lang)
            partial = ""
            for item in items:
                if isinstance(item, Answer):
                    conversation.append((question_text, item))
                    path = exports.write(item, question_text)
                    yield (
                        answer_html(item, lang, question_text),
                        sources_html(item, lang, service.url_for),
                        gr.DownloadButton(value=str(path), visible=True),
                        conversation,
                        *_history_updates(conversation, lang, service),
                        "",  # the question box is cleared for the next question
                    )
                    return
                partial += item
                yield (streaming_html(partial, lang), "", gr.DownloadButton(visible=False), *keep, gr.skip())
        except ValueError as error:
            yield (message_html(str(error), "error"), "", gr.DownloadButton(visible=False), *keep, gr.skip())

    inputs = [page.question, page.documents, page.langs, page.years, page.k, page.answerer, page.ui_lang, page.conversation]
    outputs = [
        page.answer_box, page.sources_box, page.download, page.conversation,
        page.history_box, page.history_title, page.new_conversation, page.question,
    ]  # fmt: skip
    page.ask.click(respond, inputs, outputs, api_name="ask_ui")
    page.question.submit(respond, inputs, outputs, api_name=False)

    def new_conversation() -> tuple[Any, ...]:
        return [], "", gr.Markdown(visible=False), gr.Button(visible=False), "", "", gr.DownloadButton(visible=False)

    page.new_conversation.click(
        new_conversation,
        [],
        [page.conversation, page.history_box, page.history_title, page.new_conversation, page.answer_box, page.sources_box, page.download],
        api_name=False,
        queue=False,
    )

    def relabel(lang: str, conversation: Conversation) -> tuple[Any, ...]:
        latest = conversation[-1] if conversation else None
        return (
            header_html(lang),
            gr.Radio(label=label("ui_lang", lang)),
            gr.Textbox(label=label("question", lang), placeholder=label("placeholder", lang)),
            gr.Button(value=label("ask", lang)),
            gr.Accordion(label=label("filters", lang)),
            gr.Dropdown(label=label("documents", lang)),
            gr.CheckboxGroup(label=label("langs", lang), choices=_lang_choices(service, lang)),
            gr.CheckboxGroup(label=label("years", lang)),
            gr.Slider(label=label("k", lang)),
            gr.Radio(label=label("answerer", lang), choices=[(answerer_name(name, lang), name) for name in service.answerers]),
            llm_note_html(service, lang),
            f"### {label('conversation', lang)}",
            gr.Button(value=label("new_conversation", lang)),
            history_html(conversation[:-1], lang, service.url_for) if conversation else gr.skip(),
            f"### {label('answer', lang)}",
            gr.DownloadButton(label=label("download", lang)),
            f"### {label('sources', lang)}",
            answer_html(latest[1], lang, latest[0]) if latest else gr.skip(),
            sources_html(latest[1], lang, service.url_for) if latest else gr.skip(),
        )

    page.ui_lang.change(
        relabel,
        [page.ui_lang, page.conversation],
        [
            page.header, page.ui_lang, page.question, page.ask, page.filters_box, page.documents, page.langs, page.years, page.k,
            page.answerer, page.llm_note, page.history_title, page.new_conversation, page.history_box, page.answer_title,
            page.download, page.sources_title, page.answer_box, page.sources_box,
        ],  # fmt: skip
        api_name=False,
        queue=False,
    )
    # the LLM's reachability as of this page load (it is checked again after failures)
    demo.load(lambda lang: llm_note_html(service, lang), [page.ui_lang], [page.llm_note], api_name=False, queue=False)
