"""JSON routes for other systems: ``/api/health``, ``/api/documents``, ``/api/search``, ``/api/ask``,
``/api/related``, adding and removing documents (``POST /api/documents``, ``DELETE
/api/documents/<source>``, ``GET /api/jobs/<id>``), the audit log (``GET /api/audit``), and
``/files/<source>`` (the ingested documents, read-only).

Every route answers for the caller the sign-in gate found (``assistant/web/signin.py``): the
documents of collections they may not read are absent (not listed, not searched, not served:
404 as for a file that does not exist). Errors a caller can fix (an empty question, an unknown
document, k out of range) answer 400 with ``{"detail": "<one line naming the fix>"}``; a question
over ``max_query_chars`` 413; no permission 403.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.access import NOBODY, Caller
from assistant.library import DocumentLibrary
from assistant.limits import QueryTooLongError
from assistant.retrieval import Hit
from assistant.web.corpus_files import FILES_ROUTE
from assistant.web.render import RELATED_PAGE, related_page_html
from assistant.web.service import MAX_K, AssistantService, Filters
from assistant.web.signin import CALLER_KEY
from ingest.injection import planted_spans


class FilterFields(BaseModel):
    """The filters every JSON route takes. Strict (JSON types only): ``"k": "5"`` or ``"years":
    ["2017"]`` is a 422 naming the field, not silently read as a number (pydantic's default lax
    mode would); ``GET /api/related``'s query parameters are converted by FastAPI before they
    reach the model, so links keep working. A field the route does not know is a 422 too: a
    misspelt filter (``"lang": ["th"]`` for ``langs``) was ignored, and the answer came from every
    language as if filtered."""

    model_config = ConfigDict(strict=True, extra="forbid")

    documents: list[str] = Field(default_factory=list, description="sources (paths as in /api/documents); empty: all")
    langs: list[str] = Field(default_factory=list, description="passage languages, 'th' and/or 'en'; empty: both")
    years: list[int] = Field(default_factory=list, description="document years, Common Era or Buddhist Era (2026 or 2569); empty: all")
    k: int | None = Field(default=None, ge=1, le=MAX_K, description="passages to retrieve (default: the top_k setting)")

    def filters(self) -> Filters:
        return Filters.of(self.documents, self.langs, self.years)


class SearchRequest(FilterFields):
    # no min_length: "" is refused like "   ", 400 with the one message for a blank query (assistant.limits)
    query: str = Field(description="the question or keywords, Thai or English (at most max_query_chars)")


class RelatedRequest(FilterFields):
    source: str = Field(min_length=1, description="the document (as in /api/documents)")
    chunk: int | None = Field(default=None, ge=0, description="the passage's number (a hit's 'chunk'); none: the page or document")
    page: int | None = Field(default=None, ge=1, description="a PDF page, when no chunk is given")


class AskRequest(FilterFields):
    question: str = Field(description="the question, Thai or English (at most max_query_chars)")
    answerer: str | None = Field(default=None, description="'extractive' or 'llm' (see /api/health); default: the server's")


RELATED_LINK_PARAMETERS = frozenset({"source", "chunk", "page", "k", "documents", "langs", "years"})


def query_filters(values: dict[str, list[str]]) -> dict[str, list[object]]:
    """A link's filter parameters as :class:`FilterFields` takes them: each value repeated
    (``?langs=th&langs=en``) or, for languages and years, comma-separated (``?langs=th,en``, as
    the CLI's ``--langs``; a document's path may hold a comma, so ``documents`` is repeated); a
    year of digits becomes a number, anything else stays text for the model to refuse by name
    ("years.0: Input should be a valid integer"), as it refuses ``"years": ["2017"]`` in JSON.

    Example:
        >>> query_filters({"langs": ["th,en"], "years": ["2019", "x"], "documents": []})
        {'langs': ['th', 'en'], 'years': [2019, 'x']}
    """
    out: dict[str, list[object]] = {}
    for name, given in values.items():
        pieces = given if name == "documents" else [item for value in given for item in value.split(",")]
        items = [item.strip() for item in pieces if item.strip()]
        if items:
            out[name] = [int(item) if name == "years" and item.isdigit() else item for item in items]
    return out


def hit_json(hit: Hit, service: AssistantService) -> dict[str, object]:
    """A hit as ``policyrag search --json`` prints it, plus its collection, the URL that opens its
    file at the page, and ``planted``: the ``[start, end)`` character spans of ``text`` that
    address an AI or the reader with instructions (``ingest.injection``; never quoted, to be shown
    marked as not part of the answer), usually ``[]``."""
    return {
        **hit.to_dict(),
        "collection": hit.chunk.collection,
        "url": service.url_for(hit.chunk.source, hit.chunk.page),
        "planted": planted_json(hit.chunk.text),
    }


def planted_json(text: str) -> list[list[int]]:
    return [[start, end] for start, end in planted_spans(text)]


def request_caller(request: Request) -> Caller:
    """The caller the gate found; 401 when there is none (the gate lets only open routes through)."""
    caller = request.scope.get(CALLER_KEY)
    if not isinstance(caller, Caller) or caller is NOBODY:
        raise HTTPException(status_code=401, detail="sign in first", headers={"WWW-Authenticate": 'Basic realm="policyrag"'})
    return caller


def build_router(service: AssistantService, library: DocumentLibrary | None = None) -> APIRouter:
    router = APIRouter()

    def bad_request(error: ValueError) -> HTTPException:
        if isinstance(error, QueryTooLongError):
            return HTTPException(status_code=413, detail=str(error))
        return HTTPException(status_code=400, detail=str(error))

    @router.get("/api/health")
    def health(request: Request) -> dict[str, object]:
        caller = request.scope.get(CALLER_KEY)
        if not isinstance(caller, Caller) or caller is NOBODY:
            return {"status": "ok"}  # open route: nothing about the documents before sign-in
        return service.health(caller)

    @router.get("/api/documents")
    def documents(request: Request) -> dict[str, object]:
        caller = request_caller(request)
        return {
            "documents": [
                {**document.to_dict(), "url": service.url_for(document.source)}
                for document in service.catalogue.visible_to(caller).documents
            ]
        }

    @router.post("/api/search")
    def search(body: SearchRequest, request: Request) -> dict[str, object]:
        caller = request_caller(request)
        try:
            hits = service.search(body.query, k=body.k, filters=body.filters(), caller=caller)
        except ValueError as error:
            raise bad_request(error) from None
        return {"query": body.query, "hits": [hit_json(hit, service) for hit in hits]}

    def related_hits(body: RelatedRequest, request: Request) -> list[Hit]:
        caller = request_caller(request)
        try:
            return service.related(body.source, body.chunk, body.page, k=body.k, filters=body.filters(), caller=caller)
        except ValueError as error:
            raise bad_request(error) from None

    def related_query(
        source: str, chunk: int | None, page: int | None, k: int | None, filters: dict[str, list[str]] | None = None
    ) -> RelatedRequest:
        try:
            return RelatedRequest(source=source, chunk=chunk, page=page, k=k, **query_filters(filters or {}))
        except ValidationError as error:  # as FastAPI's own checks of a query: 422 naming the parameter
            raise RequestValidationError([{**item, "loc": ("query", *item["loc"])} for item in error.errors()]) from None

    @router.get("/api/related")
    def related_link(
        request: Request,
        source: str,
        chunk: int | None = None,
        page: int | None = None,
        k: int | None = None,
        documents: list[str] = Query(default=[]),
        langs: list[str] = Query(default=[]),
        years: list[str] = Query(default=[]),
    ) -> dict[str, object]:
        """The same as a link, with the same filters: ``?langs=en&years=2019`` (each repeated or
        comma-separated). A parameter the route does not know is a 422, as a JSON body's field."""
        unknown = sorted(set(request.query_params) - RELATED_LINK_PARAMETERS)
        if unknown:
            raise RequestValidationError(
                [{"loc": ("query", name), "msg": "Extra inputs are not permitted", "type": "extra_forbidden"} for name in unknown]
            )
        filters = {"documents": documents, "langs": langs, "years": years}
        return related(related_query(source, chunk, page, k, filters), request)

    @router.get(RELATED_PAGE, response_class=HTMLResponse, include_in_schema=False)
    def related_page(
        request: Request, source: str, chunk: int | None = None, page: int | None = None, k: int | None = None, ui: str = "th"
    ) -> HTMLResponse:
        """What a source card's "related in the other language" link opens: the passages as source
        cards on a page (the JSON of ``/api/related`` is no page for a policy officer)."""
        ui_lang = ui if ui in ("th", "en") else "th"
        try:
            hits = related_hits(related_query(source, chunk, page, k), request)
        except HTTPException as error:  # a link to a removed document: a page saying so, not JSON
            if error.status_code != 400:
                raise
            return HTMLResponse(related_page_html(source, chunk, [], ui_lang, service.url_for, problem=str(error.detail)), status_code=400)
        reason = "" if hits else related_reason(related_query(source, chunk, page, k), request, ui_lang)
        return HTMLResponse(related_page_html(source, chunk, hits, ui_lang, service.url_for, reason=reason))

    def related_reason(body: RelatedRequest, request: Request, lang: str = "en") -> str:
        """Why a related list is empty, for the user (``assistant.related_gap``); '' when unknown."""
        try:
            gap = service.related_gap(body.source, body.chunk, body.page, filters=body.filters(), caller=request_caller(request))
        except ValueError:  # removed since the list was made: the empty list says enough
            return ""
        return gap.message(lang) if gap else ""

    @router.post("/api/related")
    def related(body: RelatedRequest, request: Request) -> dict[str, object]:
        """Passages in the other language closest to one passage (or page, or document), among
        the documents the caller may read."""
        hits = related_hits(body, request)
        reason = None if hits else related_reason(body, request) or None
        return {"source": body.source, "chunk": body.chunk, "page": body.page, "hits": [hit_json(hit, service) for hit in hits], "reason": reason}

    @router.post("/api/ask")
    def ask(body: AskRequest, request: Request) -> dict[str, object]:
        caller = request_caller(request)
        try:
            answer = service.ask(body.question, k=body.k, filters=body.filters(), answerer=body.answerer, caller=caller)
        except ValueError as error:
            raise bad_request(error) from None
        data = answer.to_dict()
        for passage, cited in zip(data.get("passages", []), answer.passages):  # type: ignore[call-overload]
            if isinstance(passage, dict) and "source" in passage:
                passage["collection"] = cited.hit.chunk.collection
                passage["url"] = service.url_for(str(passage["source"]), passage.get("page"))
                passage["planted"] = planted_json(cited.hit.chunk.text)
        data["markdown"] = answer.to_markdown(asked=body.question)
        return data

    @router.get(FILES_ROUTE + "/{source:path}")
    def corpus_file(source: str, request: Request) -> FileResponse:
        caller = request_caller(request)
        path = service.files.path_for(source) if service.catalogue.visible_to(caller).get(source) else None
        if path is None:
            raise HTTPException(status_code=404, detail=f"{source} is not a document of this index")
        # inline: the browser's PDF viewer opens it (and honours #page=N) instead of downloading it
        return FileResponse(path, content_disposition_type="inline", filename=path.name)

    if library is not None:
        _document_routes(router, service, library)
    return router


UPLOAD_FIELDS = frozenset({"collection", "files", "replace"})


async def known_upload_fields(request: Request) -> None:
    """422 for a form field the upload does not take, as for a JSON body's (``FilterFields``): a
    misspelt ``replce=true`` uploaded without replacing, and said nothing."""
    unknown = sorted(set((await request.form()).keys()) - UPLOAD_FIELDS)
    if unknown:
        raise RequestValidationError(
            [{"loc": ("body", name), "msg": "Extra inputs are not permitted", "type": "extra_forbidden"} for name in unknown]
        )


def _document_routes(router: APIRouter, service: AssistantService, library: DocumentLibrary) -> None:
    """Adding and removing documents, their jobs, and the audit log."""

    @router.post("/api/documents", status_code=202, dependencies=[Depends(known_upload_fields)])
    def upload(
        request: Request,
        collection: str = Form(..., description="the collection to add the files to"),
        files: list[UploadFile] = File(..., description="PDF, DOCX, Markdown, text or HTML files"),
        replace: bool = Form(False, description="replace files of the same name (the old ones are moved aside)"),
    ) -> JSONResponse:
        caller = request_caller(request)
        try:
            job = library.submit_upload(caller, collection, [(file.filename or "", file.file) for file in files], replace=replace)
        except PermissionError as error:
            raise HTTPException(status_code=403, detail=str(error)) from None
        except ValueError as error:
            raise HTTPException(status_code=400, detail=str(error)) from None
        return JSONResponse(job.to_dict(), status_code=202, headers={"Location": f"/api/jobs/{job.id}"})

    @router.delete("/api/documents/{source:path}", status_code=202)
    def remove(source: str, request: Request) -> JSONResponse:
        caller = request_caller(request)
        document = service.catalogue.visible_to(caller).get(source)
        if document is None:
            raise HTTPException(status_code=404, detail=f"{source} is not a document of this index")
        try:
            job = library.submit_removal(caller, source, document.collection)
        except PermissionError as error:
            raise HTTPException(status_code=403, detail=str(error)) from None
        return JSONResponse(job.to_dict(), status_code=202, headers={"Location": f"/api/jobs/{job.id}"})

    @router.get("/api/jobs/{job_id}")
    def job_status(job_id: str, request: Request) -> dict[str, object]:
        caller = request_caller(request)
        job = library.job(job_id)
        if job is None or not (job.user == caller.name or caller.can_write(job.collection)):
            raise HTTPException(status_code=404, detail=f"no job {job_id}")
        return job.to_dict()

    @router.get("/api/audit")
    def audit(request: Request) -> FileResponse:
        caller = request_caller(request)
        if not caller.admin:
            raise HTTPException(status_code=403, detail="only an admin may download the audit log")
        path = library.audit.path
        if path is None or not path.is_file():
            raise HTTPException(status_code=404, detail="no audit events yet")
        return FileResponse(path, media_type="application/jsonl", filename="policyrag-audit.jsonl")
