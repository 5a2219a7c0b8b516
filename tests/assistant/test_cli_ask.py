"""`policyrag ask`: the answer and numbered sources, or one JSON object; errors as one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.cli import main
from assistant.wording import say


@pytest.mark.slow
def test_ask_prints_the_answer_and_numbered_sources(real_index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "Can people contest an automated AI decision?", "--index", str(real_index), "-k", "5"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(say("framing", "en"))
    assert "[1] Digital Government Principles (test fixture) (digital-principles.md, en)" in out
    assert "    > People affected by an automated decision" in out


@pytest.mark.slow
def test_ask_json_is_the_answer_dict(real_index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "ทีมไหนชนะฟุตบอลโลกปี 2022", "--index", str(real_index), "-k", "3", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["found"] is False and data["lang"] == "th" and data["text"] == say("not_found", "th")
    assert [passage["number"] for passage in data["passages"]] == [1, 2, 3]


def test_ask_without_an_index_is_a_one_line_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "anything", "--index", str(tmp_path / "idx")]) == 2
    err = capsys.readouterr().err
    assert "policyrag ingest" in err and "Traceback" not in err


def test_unknown_answerer_setting_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "policyrag.toml"
    config.write_text('answerer = "gpt"\n', encoding="utf-8")
    assert main(["--config", str(config), "ask", "anything", "--index", str(tmp_path / "idx")]) == 2
    assert "answerer must be one of extractive, llm" in capsys.readouterr().err
