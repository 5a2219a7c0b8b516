"""The Gradio Blocks of the web app: question, answer with [n], sources, filters, export.

Every label comes from ``labels`` so the Thai/English toggle relabels the whole page and redraws
the last answer's framing; the answer itself stays in the language it was asked in.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.access import Caller
from assistant.answer_model import Answer
from assistant.web.catalogue import DocumentCatalogue
from assistant.web.labels import answerer_name, label, lang_name
from assistant.web.render import answer_html, message_html, sources_html, streaming_html
from assistant.web.service import MAX_K, AssistantService, Filters

EXAMPLES = [
    "หลัก Once-Only ตามนิยามในรายงานผล DGI 2019 หมายถึงอะไร",
    "แอปมือถือของหน่วยงานรัฐต้องวางให้ดาวน์โหลดได้ที่ไหนบ้าง",
    "Does Estonia have a central citizen portal like GOV.UK?",
    "Which transversal facet had the weakest average score in the 2019 Digital Government Index?",
]

DEFAULT_UI_LANG = "th"


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

    def write(self, answer: Answer) -> Path:
        self._prune()
        # Thai vowel and tone marks are not \w: keep the whole Thai block or the name is shredded
        words = re.sub(r"[^\w\u0E00-\u0E7F]+", "-", answer.question).strip("-")[:40] or "answer"
        digest = hashlib.sha1(f"{answer.question}\0{answer.text}".encode()).hexdigest()[:8]
        path = self.folder / f"policyrag-{time.strftime('%Y%m%d-%H%M%S')}-{words}-{digest}.md"
        path.write_text(answer.to_markdown(), encoding="utf-8")
        return path


def build_ui(
    service: AssistantService,
    exports: MarkdownExports | None = None,
    caller_for: Callable[[gr.Request], Caller] | None = None,
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
    catalogue = service.catalogue
    ui = DEFAULT_UI_LANG

    def visible_catalogue(request: gr.Request | None) -> DocumentCatalogue:
        return service.catalogue.visible_to(caller_for(request) if caller_for and request else None)

    def document_choices(visible: DocumentCatalogue) -> list[tuple[str, str]]:
        return [
            (f"{document.title}" + (f" ({document.year})" if document.year else ""), document.source)
            for document in visible.documents
        ]

    def lang_choices(ui_lang: str) -> list[tuple[str, str]]:
        return [(lang_name(lang, ui_lang), lang) for lang in catalogue.langs()]

    # delete_cache: Gradio's copies of the exports older than an hour go, checked every hour
    with gr.Blocks(title="policyrag", analytics_enabled=False, delete_cache=(3600, 3600)) as demo:
        last_answer = gr.State(None)
        with gr.Row():
            header = gr.HTML(header_html(ui), elem_id="pr-header", scale=4)
            ui_lang = gr.Radio(
                choices=[("ไทย", "th"), ("English", "en")], value=ui, label=label("ui_lang", ui), elem_id="pr-ui-lang", scale=1
            )
        with gr.Row():
            question = gr.Textbox(
                label=label("question", ui), placeholder=label("placeholder", ui), lines=2, max_lines=6,
                elem_id="pr-question", scale=5,
            )
            ask = gr.Button(label("ask", ui), variant="primary", elem_id="pr-ask", scale=1)
        answerer = gr.Radio(
            choices=[(answerer_name(name, ui), name) for name in service.answerers],
            value=service.default_answerer,
            label=label("answerer", ui),
            visible=len(service.answerers) > 1,
            elem_id="pr-answerer",
        )
        gr.Examples(examples=[[example] for example in EXAMPLES], inputs=[question], label="ตัวอย่างคำถาม / Example questions")
        with gr.Accordion(label("filters", ui), open=False, elem_id="pr-filters") as filters_box:
            # Choices are filled per user when the page loads: the page itself lists no documents.
            documents = gr.Dropdown(choices=[], multiselect=True, label=label("documents", ui), elem_id="pr-documents")
            with gr.Row():
                langs = gr.CheckboxGroup(choices=lang_choices(ui), label=label("langs", ui), elem_id="pr-langs")
                years = gr.CheckboxGroup(choices=[], label=label("years", ui), elem_id="pr-years")
                k = gr.Slider(1, MAX_K, value=service.default_k, step=1, label=label("k", ui), elem_id="pr-k")
        answer_title = gr.Markdown(f"### {label('answer', ui)}")
        answer_box = gr.HTML("", elem_id="pr-answer")
        download = gr.DownloadButton(label("download", ui), visible=False, elem_id="pr-download", size="sm")
        sources_title = gr.Markdown(f"### {label('sources', ui)}")
        sources_box = gr.HTML("", elem_id="pr-sources")

        def respond(
            question_text: str,
            chosen_documents: list[str],
            chosen_langs: list[str],
            chosen_years: list[str],
            top_k: float,
            chosen_answerer: str,
            lang: str,
            request: gr.Request,
        ) -> Iterator[tuple[Any, ...]]:
            """One render for the extractive answer; the LLM's text as it streams, then the checked answer."""
            if not (question_text or "").strip():
                yield message_html(label("empty", lang), "error"), "", gr.DownloadButton(visible=False), None
                return
            caller = caller_for(request) if caller_for else None
            try:
                filters = Filters.of(chosen_documents, chosen_langs, chosen_years)
                if chosen_answerer != "llm":
                    items: Iterable[str | Answer] = [service.ask(question_text, int(top_k), filters, chosen_answerer, caller)]
                else:
                    items = service.ask_stream(question_text, int(top_k), filters, chosen_answerer, caller)
                partial = ""
                for item in items:
                    if isinstance(item, Answer):
                        path = exports.write(item)
                        yield (
                            answer_html(item, lang),
                            sources_html(item, lang, service.url_for),
                            gr.DownloadButton(value=str(path), visible=True),
                            item,
                        )
                        return
                    partial += item
                    yield streaming_html(partial, lang), "", gr.DownloadButton(visible=False), None
            except ValueError as error:
                yield message_html(str(error), "error"), "", gr.DownloadButton(visible=False), None

        inputs = [question, documents, langs, years, k, answerer, ui_lang]
        outputs = [answer_box, sources_box, download, last_answer]
        ask.click(respond, inputs, outputs, api_name="ask_ui")
        question.submit(respond, inputs, outputs, api_name=False)

        def relabel(lang: str, answer: Answer | None) -> tuple[Any, ...]:
            return (
                header_html(lang),
                gr.Radio(label=label("ui_lang", lang)),
                gr.Textbox(label=label("question", lang), placeholder=label("placeholder", lang)),
                gr.Button(value=label("ask", lang)),
                gr.Accordion(label=label("filters", lang)),
                gr.Dropdown(label=label("documents", lang)),
                gr.CheckboxGroup(label=label("langs", lang), choices=lang_choices(lang)),
                gr.CheckboxGroup(label=label("years", lang)),
                gr.Slider(label=label("k", lang)),
                gr.Radio(label=label("answerer", lang), choices=[(answerer_name(name, lang), name) for name in service.answerers]),
                f"### {label('answer', lang)}",
                gr.DownloadButton(label=label("download", lang)),
                f"### {label('sources', lang)}",
                answer_html(answer, lang) if answer else gr.skip(),
                sources_html(answer, lang, service.url_for) if answer else gr.skip(),
            )

        def fill_filters(request: gr.Request) -> tuple[Any, Any]:
            visible = visible_catalogue(request)
            return gr.Dropdown(choices=document_choices(visible)), gr.CheckboxGroup(choices=[str(y) for y in visible.years()])

        demo.load(fill_filters, None, [documents, years], api_name=False, queue=False)
        for extend in extensions:
            extend({"demo": demo, "documents": documents, "years": years, "fill_filters": fill_filters})

        ui_lang.change(
            relabel,
            [ui_lang, last_answer],
            [header, ui_lang, question, ask, filters_box, documents, langs, years, k, answerer, answer_title, download, sources_title,
             answer_box, sources_box],
            api_name=False,
            queue=False,
        )
    return demo
