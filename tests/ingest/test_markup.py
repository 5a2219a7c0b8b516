"""Markdown and HTML marks are removed from what people read, with offsets back to the original."""

from __future__ import annotations

import pytest

from ingest.markup import has_markup, plain_span, plain_text, plain_with_offsets


@pytest.mark.parametrize(
    ("marked", "plain"),
    [
        ("#### **4. สรุปความท้าทาย**", "4. สรุปความท้าทาย"),
        ("See [[Digital ID|the digital ID]] and [[GDX]]", "See the digital ID and GDX"),
        ("[OECD](https://www.oecd.org) reports", "OECD reports"),
        ("![logo](logo.png)Text", "Text"),
        ("![แผนภาพ]../../assets(@assets/images/did/reg.png)Text", "Text"),  # an MDX asset path run in
        ("a __strong__ and *emphasis* and ~~gone~~", "a strong and emphasis and gone"),
        ("Use `JuristicID` here", "Use JuristicID here"),
        ("line<br/>next <b>bold</b> <span class='x'>span</span>", "line next bold span"),
        ("x &amp; y&nbsp;z", "x & y z"),
        ("> quoted", "quoted"),
        ("## Heading ##", "Heading"),
        ("b)Governments publish\n1.The first", "b) Governments publish\n1. The first"),
        ("- one\n* two", "• one\n• two"),
    ],
)
def test_marks_are_removed(marked: str, plain: str) -> None:
    assert plain_text(marked) == plain


@pytest.mark.parametrize(
    "text",
    [
        "Agencies share data [1][2].",  # citations
        "(OECD, 2014[2]) and 3.5 million and U.S. policy",  # reference marks, numbers, abbreviations
        "A <OfficeID> placeholder and snake_case_name",  # a placeholder is text, not a tag
        "2*3*4 = 24",
    ],
)
def test_text_that_only_looks_like_markup_is_kept(text: str) -> None:
    assert plain_text(text) == text
    assert not has_markup(text)


def test_offsets_lead_back_to_the_original() -> None:
    text = "Intro **bold claim here** end."
    plain, origin = plain_with_offsets(text)
    assert len(origin) == len(plain) and origin == sorted(origin)
    start, end = plain_span(origin, text.index("bold"), text.index(" end"))
    assert plain[start:end] == "bold claim here"
