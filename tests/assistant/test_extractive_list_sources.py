"""A list answer's sources: every number it cites is a source shown, on every surface (no model)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from assistant.citations import citations_in
from assistant.cli import _print_answer
from assistant.evidence import Evidence, EvidenceFinder, EvidenceSentence
from assistant.extractive import ExtractiveAnswerer
from assistant.lists import FoundList, ListItem
from assistant.questions import analyse_question
from assistant.retrieval import Hit
from assistant.web.render import sources_html
from ingest.model import Chunk
from tests.conftest import HashEmbedder


class _OneList:
    """Stands in for ListFinder: finds the given list."""

    def __init__(self, found: FoundList) -> None:
        self.found = found

    def run(self, *args: object) -> FoundList:
        return self.found


def _chunk(number: int, text: str) -> Chunk:
    return Chunk(f"kiosk.md#{number}", "kiosk.md", "Kiosk", text, None, (), "en", 0, len(text))


def _answer(retrieved: list[int]):  # type: ignore[no-untyped-def]
    """The list "Civil registration, Water bills" (passage 0) running on into "Tax refunds"
    (passage 5), asked with the passages ``retrieved`` as hits."""
    texts = {0: "The kiosk offers:\n\n- Civil registration\n- Water bills", 5: "- Tax refunds"}
    chunks = {number: _chunk(number, texts.get(number, f"Other passage {number} about kiosks.")) for number in range(8)}
    hits = [Hit(rank, 1.0 / rank, chunks[number], row=number) for rank, number in enumerate(retrieved, start=1)]
    items = tuple(
        ListItem(chunks[number], number, chunks[number].text.index(name), chunks[number].text.index(name) + len(name), "-")
        for number, name in ((0, "Civil registration"), (0, "Water bills"), (5, "Tax refunds"))
    )
    found = FoundList("marked", "The kiosk offers:", items, 1, 1.0, 0.9, 1.0)
    question = "What are the services of the kiosk?"
    sentence = EvidenceSentence(1, 0, 17, "The kiosk offers:", 0.9, 1.2, 0.5, 0.2)
    evidence = Evidence(question, "en", (sentence,), np.ones((1, 4), np.float32), 1.2, 1.0, True, analyse_question(question))
    answerer = ExtractiveAnswerer(EvidenceFinder(HashEmbedder()), lists=_OneList(found))  # type: ignore[arg-type]
    return answerer.from_evidence(evidence, hits)


@pytest.mark.parametrize(
    ("retrieved", "sources"),
    [
        # the passage the list runs on into takes the place of the last one that holds no item
        ([0, 1, 2], ["kiosk.md#0", "kiosk.md#1", "kiosk.md#5"]),
        # every retrieved passage holds an item: it is added after them, and shown too
        ([0], ["kiosk.md#0", "kiosk.md#5"]),
    ],
)
def test_every_cited_number_is_a_source_shown_on_every_surface(retrieved: list[int], sources: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """A list answer cited "source 11" under 10 shown sources."""
    answer = _answer(retrieved)
    assert answer.text.splitlines()[1:] == ["- Civil registration [1]", "- Water bills [1]", f"- Tax refunds [{len(sources)}]"]
    assert [passage.hit.chunk.chunk_id for passage in answer.passages] == sources
    assert [passage.number for passage in answer.passages] == list(range(1, len(sources) + 1))
    cited = set(citations_in(answer.text))
    assert {passage.number for passage in answer.passages if passage.cited} == cited
    # the HTTP API's passages, the web page's source cards, the CLI, the Markdown export
    assert cited <= {passage["number"] for passage in answer.to_dict()["passages"]}  # type: ignore[index,union-attr]
    cards = sources_html(answer, "en", lambda source, page: None)
    assert cited <= {int(number) for number in re.findall(r'<span class="pr-num">\[(\d+)\]</span>', cards)}
    _print_answer(answer)
    assert cited == {int(number) for number in re.findall(r"^\[(\d+)\] ", capsys.readouterr().out, re.MULTILINE)}
    assert cited == {int(number) for number in re.findall(r"^- \[(\d+)\] ", answer.to_markdown(), re.MULTILINE)}
