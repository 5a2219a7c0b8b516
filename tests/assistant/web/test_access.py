"""Per-collection access over HTTP: a user who may not read a collection never gets its text, its
names or its files, through any route; forbidden collections are simply absent."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from tests.assistant.office import RESTRICTED_MARKERS, Office, basic

BUDGET = "restricted/budget-2569.md"
QUESTIONS = [
    "BLUEHERON confidential draft budget 4,200 million baht",
    "ร่างงบประมาณลับ 2569 วงเงินรวมเท่าไร",
    "ตู้บริการอัจฉริยะตั้งอยู่ที่ไหน",
]


@pytest.fixture(scope="module")
def client(office_ro: Office) -> TestClient:
    return office_ro.client()


def _no_restricted_text(payload: object, question: str = "") -> None:
    """No marker of the restricted documents anywhere (the caller's own question aside)."""
    text = json.dumps(payload, ensure_ascii=False)
    if question:
        text = text.replace(json.dumps(question, ensure_ascii=False)[1:-1], "")
    for marker in RESTRICTED_MARKERS:
        assert marker not in text, f"{marker!r} leaked: {text[:300]}"


@pytest.mark.parametrize("question", QUESTIONS)
def test_search_never_returns_another_collections_passages(client: TestClient, question: str) -> None:
    response = client.post("/api/search", json={"query": question, "k": 10}, headers=basic("alice"))
    assert response.status_code == 200
    hits = response.json()["hits"]
    assert hits and {hit["collection"] for hit in hits} == {"public"}
    _no_restricted_text(response.json()["hits"])


@pytest.mark.parametrize("question", QUESTIONS)
def test_ask_answer_passages_and_markdown_hold_no_forbidden_text(client: TestClient, question: str) -> None:
    response = client.post("/api/ask", json={"question": question, "k": 10}, headers=basic("alice"))
    assert response.status_code == 200
    body = response.json()
    assert {passage["collection"] for passage in body["passages"]} == {"public"}
    _no_restricted_text({"text": body["text"], "passages": body["passages"], "markdown": body["markdown"]}, question)


def test_the_reader_of_the_collection_gets_its_passages(client: TestClient) -> None:
    hits = client.post("/api/search", json={"query": QUESTIONS[0], "k": 3}, headers=basic("bob")).json()["hits"]
    assert hits[0]["source"] == BUDGET and {hit["collection"] for hit in hits} == {"restricted"}
    answer = client.post("/api/ask", json={"question": QUESTIONS[0]}, headers=basic("bob")).json()
    assert "ร่างงบประมาณลับ" in answer["text"] and BUDGET in answer["markdown"]


def test_filtering_happens_before_the_top_k_cut(client: TestClient) -> None:
    """The best passages for this question are restricted; alice still gets k readable ones."""
    admin_top = client.post("/api/search", json={"query": QUESTIONS[0], "k": 1}, headers=basic("boss")).json()["hits"]
    assert admin_top[0]["source"] == BUDGET
    alice_top = client.post("/api/search", json={"query": QUESTIONS[0], "k": 2}, headers=basic("alice")).json()["hits"]
    assert len(alice_top) == 2 and all(hit["collection"] == "public" for hit in alice_top)


def test_document_list_shows_only_readable_collections(client: TestClient) -> None:
    alice = {row["source"]: row for row in client.get("/api/documents", headers=basic("alice")).json()["documents"]}
    assert set(alice) == {"public/digital-principles.md", "public/public-sector-practice.md"}
    assert alice["public/digital-principles.md"]["collection"] == "public"
    boss = {row["source"]: row["collection"] for row in client.get("/api/documents", headers=basic("boss")).json()["documents"]}
    assert boss == {
        "notes.txt": "corpus",  # a file at the top of the ingested folder: the folder's own name
        "public/digital-principles.md": "public",
        "public/public-sector-practice.md": "public",
        "restricted/thai-services.md": "restricted",
        BUDGET: "restricted",
    }


def test_forbidden_document_is_unknown_like_one_that_does_not_exist(client: TestClient) -> None:
    forbidden = client.post("/api/search", json={"query": "budget", "documents": [BUDGET]}, headers=basic("alice"))
    missing = client.post("/api/search", json={"query": "budget", "documents": ["restricted/nope.md"]}, headers=basic("alice"))
    assert forbidden.status_code == missing.status_code == 400
    assert forbidden.json()["detail"].replace(BUDGET, "X") == missing.json()["detail"].replace("restricted/nope.md", "X")


def test_files_of_forbidden_collections_are_not_served(client: TestClient) -> None:
    assert client.get(f"/files/{BUDGET}", headers=basic("bob")).status_code == 200
    refused = client.get(f"/files/{BUDGET}", headers=basic("alice"))
    missing = client.get("/files/restricted/nope.md", headers=basic("alice"))
    assert refused.status_code == missing.status_code == 404
    _no_restricted_text(refused.json()["detail"].replace(BUDGET, ""))
    assert client.get("/files/public/digital-principles.md", headers=basic("alice")).status_code == 200


def test_a_user_without_readable_collections_finds_nothing(client: TestClient) -> None:
    assert client.get("/api/documents", headers=basic("nobody")).json() == {"documents": []}
    assert client.post("/api/search", json={"query": QUESTIONS[0]}, headers=basic("nobody")).json()["hits"] == []
    answer = client.post("/api/ask", json={"question": QUESTIONS[0]}, headers=basic("nobody")).json()
    assert answer["found"] is False and answer["passages"] == []


def test_health_counts_only_readable_documents_and_says_nothing_before_sign_in(client: TestClient) -> None:
    assert client.get("/api/health").json() == {"status": "ok"}
    alice = client.get("/api/health", headers=basic("alice")).json()
    boss = client.get("/api/health", headers=basic("boss")).json()
    assert (alice["documents"], boss["documents"]) == (2, 5)
    assert 0 < alice["passages"] < boss["passages"]


def test_the_page_config_lists_no_documents(client: TestClient) -> None:
    """The Gradio page and its config are the same for everyone; choices are filled per user on load."""
    config = client.get("/config", headers=basic("alice"))
    assert config.status_code == 200
    _no_restricted_text(config.text)
    assert "digital-principles" not in config.text


def test_audit_records_who_asked_what_and_which_collections_answered(office_ro: Office, client: TestClient) -> None:
    client.post("/api/ask", json={"question": "Once-only principle: may agencies ask twice?"}, headers=basic("alice"))
    client.post("/api/search", json={"query": "ตู้บริการอัจฉริยะ"}, headers=basic("bob"))
    lines = [json.loads(line) for line in office_ro.settings.audit_log.read_text(encoding="utf-8").splitlines()]
    ask = [line for line in lines if line["event"] == "ask" and line["user"] == "alice"][-1]
    assert ask["question"] == "Once-only principle: may agencies ask twice?" and ask["via"] == "api"
    assert ask["collections"] == ["public"] and ask["sources"] and all(source.startswith("public/") for source in ask["sources"])
    search = [line for line in lines if line["event"] == "search" and line["user"] == "bob"][-1]
    assert search["query"] == "ตู้บริการอัจฉริยะ" and search["collections"] == ["restricted"]
    assert all("password" not in json.dumps(line) for line in lines)


def test_retrieval_itself_keeps_other_collections_out_when_the_document_scope_is_lost(
    client: TestClient, office_ro: Office, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two locks on one door: even if the readable-documents scope were lost (a catalogue bug),
    the retriever's own collections filter still returns only readable passages, k of them."""
    service = office_ro.service
    monkeypatch.setattr(type(service), "_scope", lambda self, filters, caller=None: (None, None))
    hits = client.post("/api/search", json={"query": QUESTIONS[0], "k": 3}, headers=basic("alice")).json()["hits"]
    assert len(hits) == 3 and {hit["collection"] for hit in hits} == {"public"}
    _no_restricted_text(hits)
