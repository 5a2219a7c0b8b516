"""JSON routes for other systems: ``/api/health``, ``/api/documents``, ``/api/search``, ``/api/ask``,
and ``/files/<source>`` (the ingested documents, read-only).

Errors a caller can fix (an empty question, an unknown document, k out of range) answer 400 with
``{"detail": "<one line naming the fix>"}``.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from assistant.retrieval import Hit
from assistant.web.corpus_files import FILES_ROUTE
from assistant.web.service import MAX_K, AssistantService, Filters


class FilterFields(BaseModel):
    documents: list[str] = Field(default_factory=list, description="sources (paths as in /api/documents); empty: all")
    langs: list[str] = Field(default_factory=list, description="passage languages, 'th' and/or 'en'; empty: both")
    years: list[int] = Field(default_factory=list, description="document years (CE); empty: all")
    k: int | None = Field(default=None, ge=1, le=MAX_K, description="passages to retrieve (default: the top_k setting)")

    def filters(self) -> Filters:
        return Filters.of(self.documents, self.langs, self.years)


class SearchRequest(FilterFields):
    query: str = Field(min_length=1, description="the question or keywords, Thai or English")


class AskRequest(FilterFields):
    question: str = Field(min_length=1, description="the question, Thai or English")
    answerer: str | None = Field(default=None, description="'extractive' or 'llm' (see /api/health); default: the server's")


def hit_json(hit: Hit, service: AssistantService) -> dict[str, object]:
    """A hit as ``policyrag search --json`` prints it, plus the URL that opens its file at the page."""
    return {**hit.to_dict(), "url": service.url_for(hit.chunk.source, hit.chunk.page)}


def build_router(service: AssistantService) -> APIRouter:
    router = APIRouter()

    def bad_request(error: ValueError) -> HTTPException:
        return HTTPException(status_code=400, detail=str(error))

    @router.get("/api/health")
    def health() -> dict[str, object]:
        return service.health()

    @router.get("/api/documents")
    def documents() -> dict[str, object]:
        return {
            "documents": [
                {**document.to_dict(), "url": service.url_for(document.source)} for document in service.catalogue.documents
            ]
        }

    @router.post("/api/search")
    def search(request: SearchRequest) -> dict[str, object]:
        try:
            hits = service.search(request.query, k=request.k, filters=request.filters())
        except ValueError as error:
            raise bad_request(error) from None
        return {"query": request.query, "hits": [hit_json(hit, service) for hit in hits]}

    @router.post("/api/ask")
    def ask(request: AskRequest) -> dict[str, object]:
        try:
            answer = service.ask(request.question, k=request.k, filters=request.filters(), answerer=request.answerer)
        except ValueError as error:
            raise bad_request(error) from None
        data = answer.to_dict()
        for passage in data.get("passages", []):  # type: ignore[union-attr]
            if isinstance(passage, dict) and "source" in passage:
                passage["url"] = service.url_for(str(passage["source"]), passage.get("page"))  # type: ignore[arg-type]
        data["markdown"] = answer.to_markdown()
        return data

    @router.get(FILES_ROUTE + "/{source:path}")
    def corpus_file(source: str) -> FileResponse:
        path = service.files.path_for(source)
        if path is None:
            raise HTTPException(status_code=404, detail=f"{source} is not a document of this index")
        # inline: the browser's PDF viewer opens it (and honours #page=N) instead of downloading it
        return FileResponse(path, content_disposition_type="inline", filename=path.name)

    return router
