"""`policyrag users ...`: passwords from standard input, hashes in the file, the audit line; and
the CLI refusing an over-long question."""

from __future__ import annotations

import io
import json
import stat
from pathlib import Path

import pytest

from assistant import cli
from assistant.users import UserStore
from tests.assistant.office import Office, cheap_hasher


@pytest.fixture
def users_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("POLICYRAG_USERS_FILE", str(tmp_path / "office" / "users.toml"))
    monkeypatch.setenv("POLICYRAG_AUDIT_LOG", str(tmp_path / "office" / "audit.jsonl"))
    monkeypatch.setattr("assistant.users._password_hasher", cheap_hasher)
    return tmp_path / "office" / "users.toml"


def _run(monkeypatch: pytest.MonkeyPatch, stdin: str, *args: str) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return cli.main(["users", *args])


def test_add_reads_the_password_from_stdin_and_stores_only_its_hash(
    users_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(monkeypatch, "correct horse battery\n", "add", "สมชาย", "--collections", "public,hr", "--write", "public") == 0
    text = users_file.read_text(encoding="utf-8")
    assert "correct horse battery" not in text and "$argon2id$" in text
    assert stat.S_IMODE(users_file.stat().st_mode) == 0o600
    user = UserStore(users_file).authenticate("สมชาย", "correct horse battery")
    assert user is not None and user.collections == ("hr", "public") and user.write == ("public",)
    assert _run(monkeypatch, "", "list", "--json") == 0
    listed = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert listed == [{"name": "สมชาย", "admin": False, "collections": ["hr", "public"], "write": ["public"], "token": False}]
    audit = [json.loads(line) for line in (users_file.parent / "audit.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(line["event"], line["action"], line["name"]) for line in audit] == [("users", "add", "สมชาย")]


def test_passwd_token_set_and_remove(users_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _run(monkeypatch, "first-password\n", "add", "ann", "--collections", "public")
    assert _run(monkeypatch, "second-password\n", "passwd", "ann") == 0
    store = UserStore(users_file)
    assert store.authenticate("ann", "first-password") is None and store.authenticate("ann", "second-password")
    capsys.readouterr()
    assert _run(monkeypatch, "", "token", "ann") == 0
    token = capsys.readouterr().out.strip()
    assert token.startswith("prt_") and token not in users_file.read_text(encoding="utf-8")
    assert store.authenticate_token(token).name == "ann"  # type: ignore[union-attr]
    assert _run(monkeypatch, "", "set", "ann", "--collections", "public,hr", "--admin") == 0
    assert store.get("ann").admin and store.get("ann").collections == ("hr", "public")  # type: ignore[union-attr]
    assert _run(monkeypatch, "", "remove", "ann") == 0
    assert store.users() == {}


@pytest.mark.parametrize(
    "args, stdin, message",
    [
        (["add", "bob"], "long-enough-password\n", "give --collections"),
        (["add", "bob", "--collections", "a"], "short\n", "too short"),
        (["add", "bad:name", "--collections", "a"], "long-enough-password\n", "not valid"),
        (["add", "bob", "--collections", "a", "--write", "b"], "long-enough-password\n", "needs read access too"),
        (["remove", "ghost"], "", "no user 'ghost'"),
    ],
)
def test_mistakes_get_one_line_naming_the_fix(
    users_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], args: list[str], stdin: str, message: str
) -> None:
    assert _run(monkeypatch, stdin, *args) == cli.EXIT_USAGE
    assert message in capsys.readouterr().err


def test_an_existing_name_is_not_replaced(users_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _run(monkeypatch, "first-password\n", "add", "ann", "--collections", "public")
    assert _run(monkeypatch, "other-password\n", "add", "ann", "--admin") == cli.EXIT_USAGE
    assert "already exists" in capsys.readouterr().err
    assert UserStore(users_file).authenticate("ann", "first-password") is not None


def test_search_refuses_an_over_long_question(
    office_ro: Office, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("assistant.api.PolicyRAG.open", lambda *args, **kwargs: office_ro.rag)
    assert cli.main(["search", "ก" * 5000]) == cli.EXIT_USAGE
    assert "the question is 5,000 characters long; the limit is 2,000 (max_query_chars)" in capsys.readouterr().err
    assert cli.main(["ask", "x" * 2001]) == cli.EXIT_USAGE


def test_a_collection_the_index_does_not_hold_is_pointed_out(
    users_file: Path, office_ro: Office, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("POLICYRAG_INDEX_DIR", str(office_ro.settings.index_dir))
    assert _run(monkeypatch, "long-enough-password\n", "add", "ann", "--collections", "public,pubic") == 0
    err = capsys.readouterr().err
    assert "has no collection 'pubic' (it has: corpus, public, restricted)" in err and "'public'" not in err
