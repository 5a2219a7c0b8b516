"""The page's office panel: who is signed in (and sign-out), and for those who may, adding and
removing documents with the progress of each upload, and the audit log for admins.

Added to the question page by ``ui.build_ui(extensions=[office_panel(...)])``. Everything
per user is filled when the page loads (``demo.load``): the page as served lists no collection
and no document. Labels are in Thai and English side by side.
"""

from __future__ import annotations

import html
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.access import LOCAL_NAME, Caller
from assistant.library import DocumentLibrary, Job
from assistant.web.service import AssistantService
from assistant.web.signin import Gate
from ingest.readers import SUPPORTED_SUFFIXES

OFFICE_CSS = """
#pr-user { order: -1; }
.pr-userbar { text-align: right; font-size: .9rem; color: #444; }
.pr-userbar a { margin-left: .6em; }
.pr-job { border: 1px solid #d6dbe1; border-radius: 8px; padding: 8px 12px; margin: 6px 0; }
.pr-job[data-state="done"] { border-color: #6cb27a; background: #f2fbf4; }
.pr-job[data-state="failed"] { border-color: #d98b8b; background: #fdf3f3; }
.pr-job progress { width: 100%; height: 10px; }
.pr-job ul { margin: 4px 0 0 1.2em; padding: 0; }
.pr-job li[data-state="rejected"] { color: #a40000; }
"""

STATE_LABELS = {
    "queued": "รอคิว / queued",
    "checking": "กำลังตรวจไฟล์ / checking the files",
    "indexing": "กำลังจัดทำดัชนี / indexing",
    "done": "ค้นหาได้แล้ว / searchable now",
    "failed": "ไม่สำเร็จ / failed",
}
FILE_LABELS = {
    "waiting": "รอ / waiting",
    "saved": "บันทึกแล้ว / saved",
    "indexed": "เข้าดัชนีแล้ว / indexed",
    "unchanged": "มีอยู่แล้ว / already there",
    "removed": "ลบแล้ว / removed",
    "rejected": "ไม่รับ / not added",
}


def user_bar_html(caller: Caller, signin_on: bool) -> str:
    if not signin_on:
        return ""
    return (
        f'<div class="pr-userbar">ผู้ใช้ / Signed in as <b id="pr-user-name">{html.escape(caller.name)}</b>'
        ' <a href="/logout" id="pr-signout">ออกจากระบบ / Sign out</a></div>'
    )


def job_html(job: Job, position: int = 0) -> str:
    """One job as the page shows it: what, where, its state with a progress bar, each file's fate."""
    what = (
        f"เพิ่ม {len(job.files)} ไฟล์ / adding {len(job.files)} file(s)"
        if job.kind == "upload"
        else f"ลบ / removing {html.escape(job.files[0].source)}"
    )
    state = STATE_LABELS.get(job.state, job.state)
    if job.state == "queued" and position:
        state += f" ({position})"
    elapsed = (job.finished or time.time()) - (job.started or job.created)
    bar = ""
    if job.state == "checking":
        done = sum(outcome.state != "waiting" for outcome in job.files)
        bar = f'<progress max="{len(job.files)}" value="{done}"></progress>'
    elif job.state in ("queued", "indexing"):
        bar = "<progress></progress>"  # no value: the browser animates it (time unknown)
    items = "".join(
        f'<li data-state="{outcome.state}">{html.escape(outcome.name)}'
        + (f" → {html.escape(outcome.source)}" if outcome.source and outcome.state in ("saved", "indexed", "unchanged") else "")
        + f": {FILE_LABELS.get(outcome.state, outcome.state)}"
        + (f" — {html.escape(outcome.reason)}" if outcome.reason else "")
        + "</li>"
        for outcome in job.files
    )
    return (
        f'<div class="pr-job" data-state="{job.state}" data-job="{job.id}">'
        f"<b>{what}</b> · {html.escape(job.collection)} · {html.escape(job.user)} — {state}, {elapsed:.0f} s"
        + (f"<br><small>{html.escape(job.message)}</small>" if job.message else "")
        + bar
        + f"<ul>{items}</ul></div>"
    )


def office_panel(service: AssistantService, library: DocumentLibrary, gate: Gate) -> Callable[[dict[str, Any]], None]:
    """The extension ``build_ui`` calls inside its Blocks (see the module docstring)."""

    def caller_of(request: gr.Request) -> Caller:
        return gate.caller_named(request.username, request.client.host if request.client else "", "web")

    def writable_collections(caller: Caller) -> list[str]:
        return sorted(caller.writable_among(service.catalogue.collections()))

    def removable_choices(caller: Caller) -> list[tuple[str, str]]:
        return [
            (f"{document.collection} / {document.title} ({document.source})", document.source)
            for document in sorted(service.catalogue.documents, key=lambda document: (document.collection, document.source))
            if caller.can_write(document.collection)
        ]

    def status_html(caller: Caller) -> str:
        jobs = library.jobs_for(caller)
        if not jobs:
            return ""
        return "".join(job_html(job, library.queue_position(job)) for job in jobs)

    def extend(components: dict[str, Any]) -> None:
        demo: gr.Blocks = components["demo"]
        user_bar = gr.HTML("", elem_id="pr-user")
        with gr.Accordion("เพิ่มหรือลบเอกสาร / Add or remove documents", open=False, visible=False, elem_id="pr-library") as panel:
            with gr.Row():
                collection = gr.Dropdown(
                    choices=[], label="คอลเลกชัน / Collection", allow_custom_value=True, elem_id="pr-upload-collection", scale=2
                )
                replace = gr.Checkbox(
                    False, label="แทนที่ไฟล์ชื่อเดียวกัน (ไฟล์เดิมถูกย้ายเก็บ) / Replace files of the same name (the old ones are moved aside)",
                    elem_id="pr-upload-replace", scale=3,
                )
            files = gr.File(
                file_count="multiple", file_types=sorted(SUPPORTED_SUFFIXES), type="filepath",
                label="ไฟล์ PDF, DOCX, Markdown, ข้อความ, HTML / Files: PDF, DOCX, Markdown, text, HTML", elem_id="pr-upload-files",
            )
            upload = gr.Button("อัปโหลดและจัดทำดัชนี / Upload and index", variant="primary", elem_id="pr-upload")
            status = gr.HTML("", elem_id="pr-upload-status")
            with gr.Row():
                to_remove = gr.Dropdown(choices=[], label="ลบเอกสารออกจากดัชนี / Remove a document from the index", elem_id="pr-remove-document", scale=4)
                remove = gr.Button("ลบ / Remove", variant="stop", elem_id="pr-remove", scale=1)
            audit_link = gr.HTML("", elem_id="pr-audit")
        generation = gr.State("")
        timer = gr.Timer(1.0, active=False)
        documents, years, fill_filters = components["documents"], components["years"], components["fill_filters"]

        def on_load(request: gr.Request) -> tuple[Any, ...]:
            caller = caller_of(request)
            may_write = caller.may_write and bool(library.roots())
            audit = (
                '<a href="/api/audit" download id="pr-audit-download">ดาวน์โหลดบันทึกการใช้งาน / Download the audit log (JSON Lines)</a>'
                if caller.admin
                else ""
            )
            return (
                user_bar_html(caller, caller.name != LOCAL_NAME),
                gr.Accordion(visible=may_write),
                gr.Dropdown(choices=writable_collections(caller)),
                gr.Dropdown(choices=removable_choices(caller)),
                audit,
                status_html(caller) if may_write else "",
                gr.Timer(active=any(job.active for job in library.jobs_for(caller))),
                service.rag.generation,
            )

        demo.load(
            on_load, None, [user_bar, panel, collection, to_remove, audit_link, status, timer, generation],
            api_name=False, queue=False,
        )

        def on_upload(chosen: str, paths: list[str] | None, replace_same: bool, request: gr.Request) -> tuple[Any, ...]:
            caller = caller_of(request)
            try:
                job = library.submit_upload(
                    caller, chosen or "", [(Path(path).name, Path(path)) for path in paths or []], replace=replace_same
                )
            except (PermissionError, ValueError) as error:
                return f'<p class="pr-error" id="pr-upload-error">{html.escape(str(error))}</p>', gr.skip(), gr.Timer(active=False)
            return status_html(caller), None, gr.Timer(active=job.active)

        upload.click(on_upload, [collection, files, replace], [status, files, timer], api_name=False, concurrency_id="library")

        def on_remove(source: str, request: gr.Request) -> tuple[Any, ...]:
            caller = caller_of(request)
            document = service.catalogue.visible_to(caller).get(source or "")
            if document is None:
                return '<p class="pr-error">เลือกเอกสาร / choose a document</p>', gr.Timer(active=False)
            try:
                library.submit_removal(caller, document.source, document.collection)
            except PermissionError as error:
                return f'<p class="pr-error">{html.escape(str(error))}</p>', gr.Timer(active=False)
            return status_html(caller), gr.Timer(active=True)

        remove.click(on_remove, [to_remove], [status, timer], api_name=False, concurrency_id="library")

        def on_tick(seen: str, request: gr.Request) -> tuple[Any, ...]:
            """The jobs' progress; once a new index generation is live, the document lists again."""
            caller = caller_of(request)
            active = any(job.active for job in library.jobs_for(caller))
            current = service.rag.generation
            if current == seen:
                return status_html(caller), gr.skip(), gr.skip(), gr.skip(), gr.skip(), seen, gr.Timer(active=active)
            documents_update, years_update = fill_filters(request)
            return (
                status_html(caller), documents_update, years_update,
                gr.Dropdown(choices=removable_choices(caller)), gr.Dropdown(choices=writable_collections(caller)),
                current, gr.Timer(active=active),
            )

        timer.tick(
            on_tick, [generation], [status, documents, years, to_remove, collection, generation, timer],
            api_name=False, concurrency_limit=None, show_progress="hidden",
        )

    return extend
