from __future__ import annotations

from pathlib import Path

from ingest.readers.mdx import clean_markdown, split_front_matter


class TestSplitFrontMatter:
    def test_yaml(self) -> None:
        source = split_front_matter("---\ntitle: A\nweight: 1\n---\nbody", Path("a.md"))
        assert source.front_matter == {"title": "A", "weight": 1}
        assert source.body == "body"

    def test_none(self) -> None:
        assert split_front_matter("# Title\n---\n", Path("a.md")).body == "# Title\n---\n"

    def test_invalid_yaml_reports_file_and_fix(self) -> None:
        source = split_front_matter("---\na: [\n---\nbody", Path("x/a.md"))
        assert source.front_matter == {}
        assert source.body == "body"
        assert source.front_matter_error.startswith("x/a.md: invalid YAML front matter")
        assert "fix it or remove the --- block" in source.front_matter_error


class TestCleanMarkdown:
    def test_callout_keeps_inner_text(self) -> None:
        assert clean_markdown('<Callout type="info">ข้อความ</Callout>', is_mdx=True) == "ข้อความ"

    def test_multiline_import_and_export_dropped(self) -> None:
        text = "import {\n  A,\n  B,\n} from 'x';\nexport const c = {\n  d: 1,\n};\ntext"
        assert clean_markdown(text, is_mdx=True) == "text"

    def test_tag_with_attributes_over_several_lines(self) -> None:
        text = '<Card\n  title="Cloud"\n  icon="x"\n>\n  inner\n</Card>'
        assert clean_markdown(text, is_mdx=True).split() == ["Cloud", "inner"]

    def test_component_content_dedented(self) -> None:
        text = "<Tabs>\n    <TabItem>\n        1. one\n        2. two\n    </TabItem>\n</Tabs>"
        assert "\n1. one\n2. two\n" in clean_markdown(text, is_mdx=True)

    def test_comments_removed(self) -> None:
        assert clean_markdown("a <!-- x\ny --> b {/* note */}", is_mdx=True) == "a  b "

    def test_fenced_code_untouched(self) -> None:
        text = "```\nimport x\n<Tag/>\n```"
        assert clean_markdown(text, is_mdx=True) == text

    def test_prose_less_than_and_autolinks_untouched(self) -> None:
        text = "a < b, 3<4 and <https://example.org> or <me@example.org>"
        assert clean_markdown(text, is_mdx=True) == text

    def test_placeholders_kept_in_plain_markdown(self) -> None:
        text = "| URL | https://api/link?OfficeID=<OfficeID>&Version=<Version> |"
        assert clean_markdown(text, is_mdx=False) == text

    def test_html_tags_stripped_in_plain_markdown(self) -> None:
        assert clean_markdown("| a | x<br />y |", is_mdx=False) == "| a | x y |"
        assert clean_markdown('<div class="group">\ntext\n</div>', is_mdx=False) == "\ntext\n"

    def test_html_table_cells_kept_apart(self) -> None:
        assert clean_markdown("<td>a</td><td>b</td>", is_mdx=False).split() == ["a", "b"]
