"""The answer benchmark's quote rule: what counts as quoting the evidence."""

from __future__ import annotations

from assistant.answer_model import Answer, CitedPassage
from assistant.retrieval import Hit
from benchmarks.answers import quotes
from ingest.model import Chunk

TEXT = "Thailand 4.0 has four objectives: 1. Economic Prosperity: to create a value-based economy.  2. Social Wellbeing: to create a progressive society."


def _answer(text: str, supporting: tuple[str, ...]) -> Answer:
    chunk = Chunk("u.md#0", "u.md", "UNDP", TEXT, None, (), "en", 0, len(TEXT))
    return Answer("q", "en", text, (CitedPassage(1, Hit(1, 1.0, chunk), supporting, True),), True, "extractive")


def test_a_list_item_shown_with_its_marker_is_quoted_with_it() -> None:
    items = ("Economic Prosperity: to create a value-based economy.", "Social Wellbeing: to create a progressive society.")
    answer = _answer(
        "According to the documents:\n- 1. Economic Prosperity: to create a value-based economy. [1]\n"
        "- 2. Social Wellbeing: to create a progressive society. [1]",
        items,
    )
    # The two items follow each other in the passage (only whitespace between): one quote, markers in it.
    assert [quote for _, quote, _ in quotes(answer)] == [
        "1. Economic Prosperity: to create a value-based economy.  2. Social Wellbeing: to create a progressive society."
    ]


def test_a_sentence_quoted_without_a_marker_does_not_take_one() -> None:
    answer = _answer("According to the documents:\n- Economic Prosperity: to create a value-based economy. [1]", ("Economic Prosperity: to create a value-based economy.",))
    assert [quote for _, quote, _ in quotes(answer)] == ["Economic Prosperity: to create a value-based economy."]
