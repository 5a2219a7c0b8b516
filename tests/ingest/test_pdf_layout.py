from __future__ import annotations

from ingest.readers.pdf_layout import find_running_lines, line_key, rebuild_paragraphs, visual_width

FULL = "x" * 60  # a full-width line for the page


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
        assert find_running_lines([["Header", "x"], ["Header", "y"]]) == set()

    def test_scanned_pages_do_not_vote(self) -> None:
        pages = [[""], [""], [""], ["Header", "a"], ["Header", "b"], ["Header", "c"]]
        assert "Header" in find_running_lines(pages)

    def test_line_key(self) -> None:
        assert line_key("  Page  12 ") == line_key("Page ๓") == "Page #"
        assert line_key("2 \uf07c") == line_key("\uf07c 3") == "#"


def test_visual_width_ignores_thai_marks() -> None:
    assert visual_width("ที่นี่") == 2  # ท and น; the vowel and tone marks sit above them
    assert visual_width("abc  ") == 3
