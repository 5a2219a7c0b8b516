"""Filters by document and year resolve to the sources retrieval may return."""

from __future__ import annotations

import pytest

from assistant.web.catalogue import DocumentCatalogue, DocumentInfo


@pytest.fixture
def catalogue() -> DocumentCatalogue:
    return DocumentCatalogue(
        [
            DocumentInfo("oecd/dgi-2019.pdf", "DGI 2019", "en", 2019, "OECD"),
            DocumentInfo("oecd/dgi-2023.pdf", "DGI 2023", "en", 2023, "OECD"),
            DocumentInfo("thai/seminar.txt", "สัมมนา", "th", 2024, "DGA"),
            DocumentInfo("mine/notes.md", "Notes", "en"),
        ]
    )


class TestDocumentCatalogue:
    def test_no_filter_means_all_sources(self, catalogue: DocumentCatalogue) -> None:
        assert catalogue.sources_for() is None and catalogue.sources_for([], []) is None

    def test_year_filter_keeps_documents_of_those_years(self, catalogue: DocumentCatalogue) -> None:
        assert catalogue.sources_for(years=["2019", 2024]) == {"oecd/dgi-2019.pdf", "thai/seminar.txt"}

    def test_documents_and_years_intersect(self, catalogue: DocumentCatalogue) -> None:
        assert catalogue.sources_for(["oecd/dgi-2019.pdf", "thai/seminar.txt"], [2024]) == {"thai/seminar.txt"}
        assert catalogue.sources_for(["mine/notes.md"], [2019]) == set()

    def test_a_buddhist_era_year_is_read_as_its_common_era_year(self, catalogue: DocumentCatalogue) -> None:
        """Thai users write years in the Buddhist Era: 2567 (or ๒๕๖๗) is 2024, not "no document"."""
        assert catalogue.sources_for(years=[2567]) == {"thai/seminar.txt"}
        assert catalogue.sources_for(years=["๒๕๖๒", 2023]) == {"oecd/dgi-2019.pdf", "oecd/dgi-2023.pdf"}
        assert catalogue.sources_for(years=[2566 + 543]) == set()  # CE 2566 is no document's year either way

    def test_unknown_document_names_the_listing(self, catalogue: DocumentCatalogue) -> None:
        with pytest.raises(ValueError, match="/api/documents"):
            catalogue.sources_for(["nope.pdf"])

    def test_years_newest_first_without_unknown(self, catalogue: DocumentCatalogue) -> None:
        assert catalogue.years() == [2024, 2023, 2019]
        assert catalogue.langs() == ["en", "th"]


class _Store:
    """The rows ``ChunkStore.documents()`` gives (source, title, lang, metadata, collection)."""

    def __init__(self, rows: list[dict[str, object]]) -> None:
        self.rows = rows

    def documents(self) -> list[dict[str, object]]:
        return self.rows


def test_a_document_without_a_year_gets_its_titles_year() -> None:
    catalogue = DocumentCatalogue.from_store(
        _Store(  # type: ignore[arg-type]
            [
                {"source": "open-data-th.txt", "title": "ประกาศ เรื่อง มาตรฐานข้อมูลเปิด พ.ศ. ๒๕๖๘", "lang": "th", "metadata": {}},
                {"source": "dgi.pdf", "title": "OECD Digital Government Index 2019", "lang": "en", "metadata": {"year": "2020"}},
                {"source": "fee.txt", "title": "ค่าธรรมเนียม 2500 บาท", "lang": "th", "metadata": {}},
                {"source": "kb/ระเบียบ-พ.ศ.๒๕๖๑.pdf", "title": "เล่ม ๑๓๕ ตอนพิเศษ ๒๕๓ ง ราชกิจจานุเบกษา", "lang": "th", "metadata": {}},
                {"source": "kb/top-2500-companies.pdf", "title": "Top 2500 companies", "lang": "en", "metadata": {}},
            ]
        )
    )
    years = {document.source: document.year for document in catalogue.documents}
    # a BE year in the title is read in the CE (the filter's era); the manifest's or the file's year
    # wins; a title without one takes the file name's (an OCR'd title naming none), in Thai digits too
    assert years == {
        "open-data-th.txt": 2025, "dgi.pdf": 2020, "fee.txt": None, "kb/ระเบียบ-พ.ศ.๒๕๖๑.pdf": 2018, "kb/top-2500-companies.pdf": None
    }  # fmt: skip
    assert catalogue.sources_for(years=[2018]) == {"kb/ระเบียบ-พ.ศ.๒๕๖๑.pdf"}
    assert catalogue.sources_for(years=[2025]) == {"open-data-th.txt"}
