from __future__ import annotations

import logging
from pathlib import Path

import pytest

from ingest.model import Block, document_text
from ingest.readers.markdown import MarkdownReader


def read(tmp_path: Path, name: str, text: str):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return MarkdownReader().run(path, name)


MDX = """---
title: "การใช้งาน"
description: ""
weight: 2
tags: [faq, czp]
---
import { Tabs, TabItem } from '@astrojs/starlight/components';
import {
  Card,
  CardGrid,
} from '@astrojs/starlight/components';
export const meta = { a: 1 };

#### Download แอปพลิเคชัน "ทางรัฐ" วิธีใด
ตอบ ขั้นตอนการ Download

<Tabs>
    <TabItem label="iOS" icon="apple">
        1. เปิดแอปพลิเคชัน “App Store”
        2. พิมพ์ “ทางรัฐ”
    </TabItem>
</Tabs>

<Callout type="info">ข้อความสำคัญ</Callout>

<LinkCard title="คำถามทั่วไป" href="/czp/faq-1/" />
"""


class TestMarkdownReader:
    def test_front_matter_title_and_metadata(self, tmp_path: Path) -> None:
        document = read(tmp_path, "faq.mdx", MDX)
        assert document.title == "การใช้งาน"
        assert document.metadata == {"description": "", "weight": "2", "tags": "faq, czp"}
        assert document.lang == "th"
        assert document.source == "faq.mdx"

    def test_mdx_statements_and_tags_dropped_text_kept(self, tmp_path: Path) -> None:
        document = read(tmp_path, "faq.mdx", MDX)
        text = document_text(document)
        for gone in ("import", "export", "Tabs", "TabItem", "<", "apple", "Callout", "href"):
            assert gone not in text
        assert [block.text for block in document.blocks] == [
            'Download แอปพลิเคชัน "ทางรัฐ" วิธีใด',
            "ตอบ ขั้นตอนการ Download",
            "iOS",
            "1. เปิดแอปพลิเคชัน “App Store”",
            "2. พิมพ์ “ทางรัฐ”",
            "ข้อความสำคัญ",
            "คำถามทั่วไป",
        ]
        assert document.blocks[0].is_heading
        assert all(block.heading_path == ('Download แอปพลิเคชัน "ทางรัฐ" วิธีใด',) for block in document.blocks[1:])

    def test_heading_paths_nest_by_level(self, tmp_path: Path) -> None:
        text = "# Guide\n\nintro\n\n## Install\n\nstep\n\n### Linux\n\napt\n\n## Use\n\nrun\n"
        document = read(tmp_path, "g.md", text)
        assert document.title == "Guide"
        assert [(b.text, b.heading_path, b.is_heading) for b in document.blocks] == [
            ("Guide", (), True),
            ("intro", ("Guide",), False),
            ("Install", ("Guide",), True),
            ("step", ("Guide", "Install"), False),
            ("Linux", ("Guide", "Install"), True),
            ("apt", ("Guide", "Install", "Linux"), False),
            ("Use", ("Guide",), True),
            ("run", ("Guide", "Use"), False),
        ]

    def test_lists_links_images_emphasis(self, tmp_path: Path) -> None:
        text = (
            "Read [the guide](https://example.org/guide) **now** ![logo](logo.png) please.\n\n"
            "- first\n- second with `code`\n\n3. three\n4. four\n"
        )
        blocks = [block.text for block in read(tmp_path, "a.md", text).blocks]
        assert blocks == ["Read the guide now please.", "first", "second with code", "3. three", "4. four"]

    def test_table_rows_without_pipes(self, tmp_path: Path) -> None:
        text = "| รายการ | รายละเอียด |\n| --- | --- |\n| API | https://api.example |\n| Key | ค่า |\n"
        assert read(tmp_path, "t.md", text).blocks == [
            Block(text="รายการ; รายละเอียด\nAPI; https://api.example\nKey; ค่า")
        ]

    def test_code_fence_kept(self, tmp_path: Path) -> None:
        text = 'Response\n\n```json\n{\n  "JuristicID": "0000000000000"\n}\n```\n'
        blocks = [block.text for block in read(tmp_path, "c.md", text).blocks]
        assert blocks == ["Response", '{\n"JuristicID": "0000000000000"\n}']

    def test_tags_inside_code_are_kept(self, tmp_path: Path) -> None:
        text = "Use `List<String>` here.\n\n```\n<Tabs>literal</Tabs>\n```\n"
        blocks = [block.text for block in read(tmp_path, "c.mdx", text).blocks]
        assert blocks == ["Use List<String> here.", "<Tabs>literal</Tabs>"]

    def test_import_lines_are_prose_in_plain_markdown(self, tmp_path: Path) -> None:
        assert [b.text for b in read(tmp_path, "p.md", "import data from the survey\n").blocks] == [
            "import data from the survey"
        ]

    def test_html_block_in_markdown(self, tmp_path: Path) -> None:
        text = '<div class="group">\n\n> quoted text\n\n</div>\n\n<!-- hidden -->\nvisible\n'
        assert [b.text for b in read(tmp_path, "h.md", text).blocks] == ["quoted text", "visible"]

    def test_title_fallbacks(self, tmp_path: Path) -> None:
        assert read(tmp_path, "a.md", "intro\n\n# First H1\n\n# Second\n").title == "First H1"
        assert read(tmp_path, "plain-page.md", "## Only H2\n\ntext\n").title == "plain-page"
        assert read(tmp_path, "b.md", "---\nTitle: e-Document\n---\ntext\n").title == "e-Document"

    def test_invalid_front_matter_warns_and_keeps_text(self, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
        with caplog.at_level(logging.WARNING):
            document = read(tmp_path, "bad.md", "---\ntitle: [unclosed\n---\nbody text\n")
        assert [block.text for block in document.blocks] == ["body text"]
        assert document.title == "bad"
        assert "bad.md: invalid YAML front matter" in caplog.text

    def test_front_matter_only_gives_no_blocks(self, tmp_path: Path) -> None:
        assert read(tmp_path, "stub.md", "---\ntitle: Stub\n---\n\n  \n").blocks == []


def test_placeholders_in_urls_kept(tmp_path: Path) -> None:
    text = "| รายการ | รายละเอียด |\n| --- | --- |\n| URL | https://api/link?OfficeID=<OfficeID>&x=1<br />next |\n"
    assert read(tmp_path, "api.md", text).blocks[0].text == (
        "รายการ; รายละเอียด\nURL; https://api/link?OfficeID=<OfficeID>&x=1 next"
    )


class TestConverterLeftovers:
    """Pandoc/Word bookmark and attribute braces are no text a reader sees; real braces are."""

    def test_bookmark_line_and_attribute_blocks_dropped_and_counted(self, tmp_path: Path) -> None:
        text = (
            "## Section 1: Principles {#principles .unnumbered}\n\n"
            "{Proposal.2.sec}{Proposal.3.sec}{1.Sec}\n\n"
            "**RECOMMENDS** that [Members]{.smallcaps} adhere.\n"
        )
        document = read(tmp_path, "rec.md", text)
        assert [block.text for block in document.blocks] == ["Section 1: Principles", "RECOMMENDS that Members adhere."]
        assert document.extraction.repairs == {"converter_braces": 5}

    @pytest.mark.parametrize("name", ["notes.md", "notes.mdx"])
    def test_fenced_div_fences_dropped_content_kept(self, tmp_path: Path, name: str) -> None:
        """Pandoc fenced divs (``::: {.note}`` ... ``:::``) stayed in the text as ":::" lines."""
        text = (
            "# Guide\n\n"
            "::: {.note}\nAgencies publish data openly.\n:::\n\n"
            ":::: warning\nKeep records for five years.\n\n"
            "::: {#inner .sidebar}\n## Retention\nDelete them afterwards.\n:::\n::::\n\n"
            "::: Warning ::::::\nAsk first.\n::::::::::::::\n\n"
            ":::tip[Read first]\nThe portal opens in May.\n:::\n\n"
            "```\n::: {.code}\n```\n"
        )
        document = read(tmp_path, name, text)
        blocks = [(block.text, block.heading_path) for block in document.blocks]
        assert blocks == [
            ("Guide", ()),
            ("Agencies publish data openly.", ("Guide",)),
            ("Keep records for five years.", ("Guide",)),
            ("Retention", ("Guide",)),
            ("Delete them afterwards.", ("Guide", "Retention")),
            ("Ask first.", ("Guide", "Retention")),
            ("Read first", ("Guide", "Retention")),  # an admonition's title is text a reader sees
            ("The portal opens in May.", ("Guide", "Retention")),
            ("::: {.code}", ("Guide", "Retention")),  # code is code
        ]
        assert document.extraction.repairs == {"converter_braces": 10}  # five fences opened and closed

    def test_wiki_tags_dropped_and_wiki_links_keep_their_label(self, tmp_path: Path) -> None:
        """The UNDP plan's "[[year:2022]]", "[[datasources:Open data]]" ... lines headed its first passage."""
        text = (
            "# Digital Transformation in the Thai Government\n\n\n[[year:2022]]\n\n[[type:learningplan]]\n\n"
            "[[datasources:Open data]]\n[[latlng:15.114399804213997,101.00333335534482]]\n"
            "## Challenge statement\n\n"
            "Agencies share data through [[GDX]] and [[Open data|open datasets]] ([[https://data.go.th]]).\n\n"
            "```\n[[keep:this]]\n```\n"
        )
        document = read(tmp_path, "plan.md", text)
        assert [block.text for block in document.blocks] == [
            "Digital Transformation in the Thai Government",
            "Challenge statement",
            "Agencies share data through GDX and open datasets (https://data.go.th).",
            "[[keep:this]]",
        ]
        assert document.extraction.repairs == {"converter_braces": 0, "wiki_tags": 4}

    def test_real_braces_stay(self, tmp_path: Path) -> None:
        text = (
            "| POST | /api/DataProvider/Draft/{id} |\n| --- | --- |\n\n"
            "Set {x} to 1 and see {id}.\n\n"
            "```json\n{Proposal.2.sec}\n{\n  \"ID\": \"{id}\"\n}\n```\n\n"
            "Write `{#anchor}` after a heading.\n"
        )
        document = read(tmp_path, "api.md", text)
        assert [block.text for block in document.blocks] == [
            "POST; /api/DataProvider/Draft/{id}",
            "Set {x} to 1 and see {id}.",
            '{Proposal.2.sec}\n{\n"ID": "{id}"\n}',
            "Write {#anchor} after a heading.",
        ]
        assert document.extraction.repairs == {"converter_braces": 0}

    def test_mdx_json_body_and_visible_expression_stay(self, tmp_path: Path) -> None:
        text = (
            "import { Tabs } from 'x';\n\n"
            "Request body\n\n{\n  \"OfficeID\": \"{OfficeID}\"\n}\n\n"
            "{frontmatter.title}\n\n{1.Sec}\n"
        )
        blocks = [block.text for block in read(tmp_path, "api.mdx", text).blocks]
        assert blocks == ["Request body", '{ "OfficeID": "{OfficeID}" }', "{frontmatter.title}"]


class TestBoldHeadings:
    """MDX and Word-converted pages write sub-headings as a bold line alone ("**ภาพรวม**")."""

    TEXT = (
        "# คู่มือการเชื่อมโยงข้อมูล\n\nหน่วยงานใช้บริการผ่านระบบกลาง\n\n"
        "**ภาพรวม**\n\nหน่วยงานของรัฐต้องเปิดเผยข้อมูลตามมาตรฐานที่กำหนดไว้ในประกาศฉบับนี้ทุกครั้ง\n\n"
        "**Agencies share data across silos**\n\nEach agency publishes its datasets on the portal.\n\n"
        "## Request\n\n**Response Parameters**\n\nThe service returns a JSON object.\n\n"
        "**Agencies must publish their data.**\n\n**Note** the portal opens in May.\n\n- **Step one**\n"
    )

    def test_a_bold_line_alone_is_a_heading_of_the_path(self, tmp_path: Path) -> None:
        blocks = [(block.text, block.heading_path, block.is_heading) for block in read(tmp_path, "guide.mdx", self.TEXT).blocks]
        assert blocks == [
            ("คู่มือการเชื่อมโยงข้อมูล", (), True),
            ("หน่วยงานใช้บริการผ่านระบบกลาง", ("คู่มือการเชื่อมโยงข้อมูล",), False),
            ("ภาพรวม", ("คู่มือการเชื่อมโยงข้อมูล",), True),
            ("หน่วยงานของรัฐต้องเปิดเผยข้อมูลตามมาตรฐานที่กำหนดไว้ในประกาศฉบับนี้ทุกครั้ง", ("คู่มือการเชื่อมโยงข้อมูล", "ภาพรวม"), False),
            ("Agencies share data across silos", ("คู่มือการเชื่อมโยงข้อมูล",), True),  # a sibling of "ภาพรวม"
            ("Each agency publishes its datasets on the portal.", ("คู่มือการเชื่อมโยงข้อมูล", "Agencies share data across silos"), False),
            ("Request", ("คู่มือการเชื่อมโยงข้อมูล",), True),  # a real heading closes the bold one
            ("Response Parameters", ("คู่มือการเชื่อมโยงข้อมูล", "Request"), True),
            ("The service returns a JSON object.", ("คู่มือการเชื่อมโยงข้อมูล", "Request", "Response Parameters"), False),
            # an emphasised sentence, a bold word opening a paragraph and a bold list item are text
            ("Agencies must publish their data.", ("คู่มือการเชื่อมโยงข้อมูล", "Request", "Response Parameters"), False),
            ("Note the portal opens in May.", ("คู่มือการเชื่อมโยงข้อมูล", "Request", "Response Parameters"), False),
            ("Step one", ("คู่มือการเชื่อมโยงข้อมูล", "Request", "Response Parameters"), False),
        ]

    def test_a_bold_heading_is_never_a_quotable_sentence(self, tmp_path: Path) -> None:
        """"Agencies share data across silos" has a verb: as body text it was quoted as a claim."""
        from index.sentences import chunk_sentence_spans
        from ingest.chunker import Chunker

        document = read(tmp_path, "guide.mdx", self.TEXT)
        chunks = Chunker(max_chars=2000, overlap_chars=0, min_chars=10).run(document)
        quoted = [chunk.text[start:end] for chunk in chunks for start, end in chunk_sentence_spans(chunk)]
        assert "Each agency publishes its datasets on the portal." in quoted
        assert not any(text in quote for quote in quoted for text in ("ภาพรวม", "Agencies share data across silos", "Response Parameters"))
