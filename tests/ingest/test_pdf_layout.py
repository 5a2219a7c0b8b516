from __future__ import annotations

from ingest.readers.pdf_layout import (
    LineStyle,
    LineStyleCollector,
    find_running_lines,
    heading_levels,
    is_contents_page,
    line_key,
    rebuild_blocks,
    rebuild_paragraphs,
    visual_width,
)

FULL = "x" * 60  # a full-width line for the page
BODY = LineStyle(10.0, False, True)


class TestRebuildParagraphs:
    def test_thai_wrap_between_words_joined_without_space(self) -> None:
        lines = ["การแก้ไขเพิ่มเติม" + "ก" * 50, "กฎหมายเพื่ออำนวยความสะดวก"]
        assert rebuild_paragraphs(lines, full_width=60) == ["การแก้ไขเพิ่มเติม" + "ก" * 50 + "กฎหมายเพื่ออำนวยความสะดวก"]

    def test_wrap_at_a_space_joined_with_one_space(self) -> None:
        lines = ["ซึ่งเป็นการ" + "ก" * 50 + " ", "แก้ไขเพิ่มเติม"]
        assert rebuild_paragraphs(lines, full_width=60) == ["ซึ่งเป็นการ" + "ก" * 50 + " แก้ไขเพิ่มเติม"]

    def test_english_lines_joined(self) -> None:
        lines = ["The OECD developed the index to monitor the implementation of the ", "Recommendation."]
        assert rebuild_paragraphs(lines) == [
            "The OECD developed the index to monitor the implementation of the Recommendation."
        ]

    def test_hyphenated_compound_keeps_hyphen(self) -> None:
        lines = ["x" * 30 + " Governments in their evolution from e-", "government to digital government."]
        assert rebuild_paragraphs(lines, full_width=60) == [
            "x" * 30 + " Governments in their evolution from e-government to digital government."
        ]

    def test_soft_hyphen_joins_the_word(self) -> None:
        assert rebuild_paragraphs([FULL[:-6] + "govern\u00ad", "ment."], full_width=60) == [FULL[:-6] + "government."]

    def test_blank_line_and_short_line_end_paragraphs(self) -> None:
        lines = [FULL + " ", "end of one.", FULL, " ", "next"]
        assert rebuild_paragraphs(lines, full_width=60) == [FULL + " end of one.", FULL, "next"]

    def test_list_items_start_paragraphs(self) -> None:
        lines = [FULL + " ", "• first item " + "y" * 50, "1. numbered", "(๒) ข้อสอง", "๑.๒ หัวข้อย่อย"]
        assert rebuild_paragraphs(lines, full_width=60) == [
            FULL,
            "• first item " + "y" * 50,
            "1. numbered",
            "(๒) ข้อสอง",
            "๑.๒ หัวข้อย่อย",
        ]

    def test_a_line_starting_with_a_figure_in_the_sentence_goes_on_with_its_paragraph(self) -> None:
        lines = ["In general, a coefficient of above " + "y" * 30 + " ", "0.7 is considered acceptable, and " + "z" * 30 + " ", "2. Next item"]
        assert rebuild_paragraphs(lines, full_width=60) == [
            "In general, a coefficient of above " + "y" * 30 + " 0.7 is considered acceptable, and " + "z" * 30,
            "2. Next item",
        ]

    def test_page_numbers_at_the_edges_are_dropped_without_running_lines(self) -> None:
        lines = ["Chapter 2. Methodology | 8", "2019", "body text", "12", "Page 9"]
        assert rebuild_paragraphs(lines, full_width=10) == ["2019", "body text 12"]  # numbers in the body stay
        assert rebuild_paragraphs(["Report 2024", "- 4 -", "body text"], drop={"Report #"}, full_width=10) == ["body text"]
        assert rebuild_paragraphs(["หน้า ๘", "ข้อความ", "iv"], full_width=10) == ["ข้อความ"]
        assert rebuild_paragraphs(["8"], full_width=10) == ["8"]  # a page of one number is no page number alone

    def test_wingdings_bullet_glued_to_thai(self) -> None:
        assert rebuild_paragraphs(["qคณะรัฐมนตรีมีมติ"]) == ["• คณะรัฐมนตรีมีมติ"]

    def test_running_lines_dropped_only_at_page_edges(self) -> None:
        lines = ["Report 2024", "a", "b", "c", "Report 2024", "d", "e", "f", "- 3 -"]
        assert rebuild_paragraphs(lines, drop={"Report #", "- # -"}, full_width=100) == [
            "a", "b", "c", "Report 2024", "d", "e", "f"
        ]


class TestRunningLines:
    def test_headers_and_page_numbers_found(self) -> None:
        pages = [["Report 2024", *(f"text {c}{p}" for c in "abcdefg"), f"- {n} -"] for n, p in enumerate("xyz", 1)]
        assert find_running_lines(pages) == {"Report #", "- # -"}

    def test_too_few_pages(self) -> None:
        assert find_running_lines([["Header", "x", "y"]]) == set()
        # two short pages: every line is at an edge, the repeated one may be text
        assert find_running_lines([["Header", "x"], ["Header", "y"]]) == set()

    def test_a_two_page_manual_loses_its_running_header(self) -> None:
        # a two-page PDF printed its title and file name atop both pages; it was quoted as a claim
        header = "สำนักงานพัฒนารัฐบาลดิจิทัล (องค์การมหาชน) (สพร.) GDX_manualcheckjuritic_01082019"
        pages = [[header, *(f"ขั้นตอนที่ {c}{p} ของการตรวจสอบสิทธิ" for c in "abcdefg")] for p in "xy"]
        assert find_running_lines(pages) == {line_key(header)}

    def test_scanned_pages_do_not_vote(self) -> None:
        pages = [[""], [""], [""], ["Header", "a"], ["Header", "b"], ["Header", "c"]]
        assert "Header" in find_running_lines(pages)

    def test_line_key(self) -> None:
        assert line_key("  Page  12 ") == line_key("Page ๓") == "Page #"
        assert line_key("2 \uf07c") == line_key("\uf07c 3") == "#"


def test_visual_width_ignores_thai_marks() -> None:
    assert visual_width("ที่นี่") == 2  # ท and น; the vowel and tone marks sit above them
    assert visual_width("abc  ") == 3


class TestHeadings:
    BODY_LINE = "Body text of the section that runs over the whole line of the page "

    def _page(self, *entries: tuple[str, LineStyle | None]) -> tuple[list[str], list[LineStyle | None]]:
        return [line for line, _ in entries], [style for _, style in entries]

    def _levels(self, *entries: tuple[str, LineStyle | None]) -> dict[int, int]:
        lines, styles = self._page(*entries)
        body = [(self.BODY_LINE, BODY)] * 8  # a second page of body text sets the body size
        body_lines, body_styles = self._page(*body)
        return heading_levels([lines, body_lines], [styles, body_styles])[0]

    def test_sizes_map_to_levels(self) -> None:
        levels = self._levels(
            ("1 Introduction", LineStyle(28.0, True, True)),
            (self.BODY_LINE, BODY),
            ("The OECD Digital Government Index", LineStyle(12.0, True, True)),
            (self.BODY_LINE, BODY),
            ("Overall DGI results", LineStyle(10.0, True, True)),
            (self.BODY_LINE, BODY),
            ("Short last body line", BODY),
        )
        assert levels == {0: 1, 2: 2, 4: 3}

    def test_what_is_not_a_heading(self) -> None:
        levels = self._levels(
            ("A large sentence.", LineStyle(14.0, False, True)),
            ("2024", LineStyle(14.0, False, True)),
            ("Figure 2. Composite results", LineStyle(12.0, True, True)),
            ("Table A.1. Country scores", LineStyle(12.0, True, True)),
            ("management", LineStyle(12.0, True, True)),
            ("Mixed styles", LineStyle(14.0, False, False)),
            ("• A bold bullet", LineStyle(10.0, True, True)),
            ("Small bold table header", LineStyle(8.0, True, True)),
            (self.BODY_LINE, BODY),
        )
        assert levels == {}

    def test_runs_of_labels_are_not_headings(self) -> None:
        labels = [(f"Label {n}", LineStyle(14.0, False, True)) for n in range(3)]
        assert self._levels(*labels, (self.BODY_LINE, BODY)) == {}
        assert self._levels(*labels[:2], (self.BODY_LINE, BODY)) == {0: 2, 1: 2}

    def test_contents_page_has_no_headings(self) -> None:
        page = [("Table of contents", LineStyle(20.0, True, True))]
        page += [(f"{n}. Chapter {n} " + "." * 20 + f" {n * 3}", BODY) for n in range(1, 6)]
        assert is_contents_page([line for line, _ in page])
        assert self._levels(*page) == {}
        assert not is_contents_page([self.BODY_LINE] * 6)

    def test_rebuild_blocks_keeps_headings_apart(self) -> None:
        lines = ["Key findings", "across countries", "Governments are ", "moving.", "2.1 Rationale", "Text"]
        assert rebuild_blocks(lines, heading_levels={0: 1, 1: 1, 4: 2}) == [
            ("Key findings across countries", 1),
            ("Governments are moving.", None),
            ("2.1 Rationale", 2),
            ("Text", None),
        ]

    def test_numbered_heading_lines_are_not_joined(self) -> None:
        assert rebuild_blocks(["2. METHODOLOGY", "2.1 Rationale"], heading_levels={0: 3, 1: 3}) == [
            ("2. METHODOLOGY", 3),
            ("2.1 Rationale", 3),
        ]

    def test_line_style_collector_follows_lines(self) -> None:
        collector = LineStyleCollector()
        identity = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
        collector("Title\n", identity, identity, {"/BaseFont": "/ABCDEE+Arial-BoldMT"}, 18.0)
        collector("body ", identity, [2.0, 0, 0, 2.0, 0, 0], {"/BaseFont": "/ArialMT"}, 5.0)
        collector("text", identity, identity, {"/BaseFont": "/ArialMT"}, 10.0)
        assert collector.styles("Title\nbody text") == [LineStyle(18.0, True, True), LineStyle(10.0, False, True)]
        assert collector.styles("something else") == [None]
