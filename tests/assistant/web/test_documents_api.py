"""Adding and removing documents over HTTP, the job status, and the audit log download."""

from __future__ import annotations

import json
import time

from fastapi.testclient import TestClient

from tests.assistant.office import Office, basic

THAI_DOC = "# ประกาศเรื่องการทำงานจากบ้าน\n\nเจ้าหน้าที่ทำงานจากบ้านได้สัปดาห์ละสองวัน โดยแจ้งหัวหน้ากลุ่มงานล่วงหน้าผ่านระบบสารบรรณอิเล็กทรอนิกส์\n"


def _wait(client: TestClient, job: dict[str, object], name: str) -> dict[str, object]:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        status = client.get(f"/api/jobs/{job['id']}", headers=basic(name)).json()
        if status["state"] in ("done", "failed"):
            return status  # type: ignore[no-any-return]
        time.sleep(0.1)
    raise AssertionError(f"job {job['id']} did not finish")


def test_upload_then_search_then_remove(office: Office) -> None:
    client = office.client()
    response = client.post(
        "/api/documents",
        data={"collection": "restricted"},
        files=[("files", ("ทำงานจากบ้าน.md", THAI_DOC.encode(), "text/markdown")), ("files", ("data.xlsx", b"PK", "application/octet-stream"))],
        headers=basic("bob"),
    )
    assert response.status_code == 202 and response.headers["location"] == f"/api/jobs/{response.json()['id']}"
    status = _wait(client, response.json(), "bob")
    assert status["state"] == "done" and status["generation"]
    files = {item["name"]: item for item in status["files"]}  # type: ignore[union-attr]
    assert files["ทำงานจากบ้าน.md"]["state"] == "indexed" and files["ทำงานจากบ้าน.md"]["source"] == "restricted/ทำงานจากบ้าน.md"
    assert files["data.xlsx"]["state"] == "rejected" and "unsupported file type" in files["data.xlsx"]["reason"]

    listed = {row["source"] for row in client.get("/api/documents", headers=basic("bob")).json()["documents"]}
    assert "restricted/ทำงานจากบ้าน.md" in listed
    hits = client.post("/api/search", json={"query": "เจ้าหน้าที่ทำงานจากบ้านได้สัปดาห์ละสองวัน", "k": 3}, headers=basic("bob")).json()["hits"]
    assert hits[0]["source"] == "restricted/ทำงานจากบ้าน.md"
    alice = client.post("/api/search", json={"query": "เจ้าหน้าที่ทำงานจากบ้านได้สัปดาห์ละสองวัน", "k": 10}, headers=basic("alice")).json()
    assert all(hit["collection"] == "public" for hit in alice["hits"])
    assert client.get(f"/api/jobs/{status['id']}", headers=basic("alice")).status_code == 404  # not her collection

    removed = client.delete("/api/documents/restricted/ทำงานจากบ้าน.md", headers=basic("bob"))
    assert removed.status_code == 202
    assert _wait(client, removed.json(), "bob")["state"] == "done"
    listed = {row["source"] for row in client.get("/api/documents", headers=basic("bob")).json()["documents"]}
    assert "restricted/ทำงานจากบ้าน.md" not in listed


def test_writing_needs_write_access(office: Office) -> None:
    client = office.client()
    upload = client.post("/api/documents", data={"collection": "public"}, files={"files": ("a.md", b"# A\n\ntext")}, headers=basic("alice"))
    assert upload.status_code == 403 and "may not add documents" in upload.json()["detail"]
    assert client.delete("/api/documents/public/digital-principles.md", headers=basic("alice")).status_code == 403
    # a document of a collection she cannot read is absent, not forbidden
    assert client.delete("/api/documents/restricted/budget-2569.md", headers=basic("alice")).status_code == 404


def test_admin_downloads_the_audit_log_others_may_not(office: Office) -> None:
    client = office.client()
    client.post("/api/ask", json={"question": "cloud first"}, headers=basic("alice"))
    assert client.get("/api/audit", headers=basic("alice")).status_code == 403
    assert client.get("/api/audit").status_code == 401
    response = client.get("/api/audit", headers=basic("boss"))
    assert response.status_code == 200 and "attachment" in response.headers["content-disposition"]
    lines = [json.loads(line) for line in response.text.splitlines()]
    assert any(line["event"] == "ask" and line["user"] == "alice" and line["question"] == "cloud first" for line in lines)


def test_a_misspelt_upload_field_is_a_422_naming_it(office: Office) -> None:
    """'replce=true' uploaded without replacing the old file and said nothing."""
    client = office.client()
    response = client.post(
        "/api/documents",
        data={"collection": "public", "replce": "true"},
        files={"files": ("a.md", b"# A\n\ntext")},
        headers=basic("bob"),
    )
    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["detail"]] == [["body", "replce"]]
