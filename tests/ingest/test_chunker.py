from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

import pytest

from ingest.chunker import Chunker
from ingest.model import Block, Chunk, Document, document_text
from ingest.readers.pdf import PDFReader
from ingest.sentences import passage_sentences
from tests.pdf_bytes import PdfLine, unicode_pdf

SENTENCE = "Digital government needs sound governance and shared infrastructure."  # 69 chars
THAI_SENTENCE = "การพัฒนารัฐบาลดิจิทัลต้องอาศัยธรรมาภิบาลข้อมูลที่ดี "  # ends with a phrase space


def doc(blocks: list[Block], source: str = "docs/a.pdf", title: str = "A") -> Document:
    return Document(source=source, title=title, blocks=blocks)


def paragraph(sentences: int, page: int | None = None, text: str = SENTENCE) -> Block:
    return Block(text=" ".join([text.strip()] * sentences), page=page)


def check_invariants(document: Document, chunks: list[Chunk], chunker: Chunker) -> None:
    text = document_text(document)
    for ordinal, chunk in enumerate(chunks):
        assert chunk.text == text[chunk.start : chunk.end]
        assert chunk.chunk_id == f"{document.source}#{ordinal}"
        assert chunk.source == document.source
        assert chunk.title == document.title
        assert 0 < len(chunk.text) <= chunker.max_chars * 1.3
        assert chunk.text == chunk.text.strip()
    covered = {offset for c in chunks for offset in range(c.start, c.end)}
    assert not [i for i, char in enumerate(text) if not char.isspace() and i not in covered]  # nothing is lost


class TestInit:
    def test_defaults(self) -> None:
        chunker = Chunker()
        assert chunker.to_dict() == {"max_chars": 800, "overlap_chars": 120, "min_chars": 200}
        assert Chunker.from_dict(chunker.to_dict()).to_dict() == chunker.to_dict()

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"max_chars": 0}, "max_chars"),
            ({"max_chars": 100, "overlap_chars": 60}, "overlap_chars"),
            ({"overlap_chars": -1}, "overlap_chars"),
            ({"max_chars": 100, "overlap_chars": 10, "min_chars": 101}, "min_chars"),
            ({"max_chars": 800.0}, "integer"),
        ],
    )
    def test_invalid_settings(self, kwargs: dict[str, object], message: str) -> None:
        with pytest.raises(ValueError, match=message):
            Chunker(**kwargs)  # type: ignore[arg-type]


class TestRun:
    def test_empty_document(self) -> None:
        assert Chunker().run(doc([])) == []

    def test_small_blocks_packed_with_metadata(self) -> None:
        document = doc(
            [
                Block("Guide", heading_path=(), is_heading=True),
                Block("Install", heading_path=("Guide",), is_heading=True),
                Block("Run the installer.", heading_path=("Guide", "Install")),
            ],
            source="guide.md",
            title="The Guide",
        )
        chunks = Chunker().run(document)
        assert len(chunks) == 1
        chunk = chunks[0]
        assert chunk.text == "Guide\n\nInstall\n\nRun the installer."
        assert (chunk.chunk_id, chunk.source, chunk.title, chunk.page, chunk.lang) == (
            "guide.md#0", "guide.md", "The Guide", None, "en"
        )
        assert chunk.heading_path == ("Guide",)  # the first block is the heading "Guide" itself
        assert (chunk.start, chunk.end) == (0, len(document_text(document)))

    def test_never_crosses_pages(self) -> None:
        document = doc([paragraph(2, page=1), paragraph(1, page=1), paragraph(2, page=2), paragraph(1, page=3)])
        chunker = Chunker()
        chunks = chunker.run(document)
        check_invariants(document, chunks, chunker)
        assert [c.page for c in chunks] == [1, 2, 3]
        for chunk in chunks:
            blocks = _block_starts(document)
            pages = {b.page for b, start in blocks if start < chunk.end and chunk.start < start + len(b.text)}
            assert pages == {chunk.page}

    def test_heading_starts_new_chunk_when_current_is_non_trivial(self) -> None:
        document = doc(
            [
                Block("Intro", is_heading=True),
                paragraph(4),
                Block("Details", heading_path=(), is_heading=True),
                Block("Short.", heading_path=("Details",)),
            ]
        )
        chunks = Chunker(max_chars=800, overlap_chars=100, min_chars=200).run(document)
        assert [c.text.split("\n\n")[0] for c in chunks] == ["Intro", "Details"]
        assert chunks[1].heading_path == ("Details",)
        assert not chunks[1].text.startswith(SENTENCE)  # no overlap before a heading

    def test_heading_does_not_close_a_tiny_chunk(self) -> None:
        document = doc([Block("Q1", is_heading=True), Block("Yes."), Block("Q2", is_heading=True), Block("No.")])
        assert len(Chunker().run(document)) == 1

    def test_long_block_split_by_sentences_with_overlap(self) -> None:
        document = doc([paragraph(30, page=4)])  # ~2 100 chars
        chunker = Chunker(max_chars=400, overlap_chars=100, min_chars=100)
        chunks = chunker.run(document)
        check_invariants(document, chunks, chunker)
        assert len(chunks) >= 5
        for previous, chunk in pairwise(chunks):
            assert chunk.start < previous.end  # overlap
            assert previous.end - chunk.start <= 100
            assert chunk.text.startswith("Digital government")  # starts at a sentence
            assert chunk.page == 4

    def test_long_last_sentence_is_repeated_whole_not_cut(self) -> None:
        # Sentences of ~150 chars with a 60-char overlap: the overlap cannot hold a whole
        # sentence, so the next chunk repeats the last sentence whole instead of starting mid-way.
        sentence = "The central agency coordinates digital investments across ministries and reports the results of each project to the cabinet every year. "
        document = doc([Block(text=(sentence * 12).strip(), page=2)])
        chunker = Chunker(max_chars=400, overlap_chars=60, min_chars=100)
        chunks = chunker.run(document)
        check_invariants(document, chunks, chunker)
        assert len(chunks) >= 4
        for previous, chunk in pairwise(chunks):
            assert chunk.text.startswith("The central agency")
            assert previous.text.endswith(chunk.text[: chunk.text.index("year.") + 5])  # a whole sentence repeated

    def test_overlap_disabled(self) -> None:
        chunks = Chunker(max_chars=400, overlap_chars=0, min_chars=0).run(doc([paragraph(30)]))
        assert len(chunks) >= 5  # ~2 100 characters: the pairs below exist
        for previous, chunk in pairwise(chunks):
            assert chunk.start == previous.end + 1  # the next sentence, after the space: nothing repeated

    def test_long_thai_block_split_by_thai_sentences(self) -> None:
        document = doc([Block(text=(THAI_SENTENCE * 40).strip(), page=1)])
        chunker = Chunker(max_chars=300, overlap_chars=60, min_chars=50)
        chunks = chunker.run(document)
        check_invariants(document, chunks, chunker)
        assert len(chunks) > 5
        assert all(c.lang == "th" for c in chunks)
        assert all(c.text.startswith("การพัฒนา") for c in chunks)

    def test_lines_split_before_sentences(self) -> None:
        table = "\n".join(f"row {i}; value {i}; more text to make the row longer" for i in range(40))
        document = doc([Block(text=table)])
        chunker = Chunker(max_chars=300, overlap_chars=0, min_chars=0)
        chunks = chunker.run(document)
        check_invariants(document, chunks, chunker)
        assert all(c.text.startswith("row ") and c.text.endswith("longer") for c in chunks)

    def test_last_resort_character_split(self) -> None:
        document = doc([Block(text="x" * 1000)])
        chunker = Chunker(max_chars=300, overlap_chars=0, min_chars=0)
        chunks = chunker.run(document)
        check_invariants(document, chunks, chunker)
        assert [len(c.text) for c in chunks] == [300, 300, 300, 100]

    def test_tiny_trailing_piece_merged(self) -> None:
        document = doc([paragraph(10, page=1), Block("Tail.", page=1), paragraph(10, page=2)])
        chunker = Chunker(max_chars=690, overlap_chars=0, min_chars=200)  # the paragraph is 689
        chunks = chunker.run(document)
        check_invariants(document, chunks, chunker)
        assert chunks[0].text.endswith("Tail.")
        assert len(chunks[0].text) > 690  # allowed up to 1.3 x max_chars
        assert [c.page for c in chunks] == [1, 2]

    def test_tiny_piece_not_merged_across_pages(self) -> None:
        document = doc([paragraph(5, page=1), Block("Tail.", page=2)])
        chunks = Chunker().run(document)
        assert [c.text for c in chunks][-1] == "Tail."

    def test_lang_per_chunk(self) -> None:
        document = doc([paragraph(10, page=1), Block(THAI_SENTENCE.strip(), page=2)])
        assert [c.lang for c in Chunker().run(document)] == ["en", "th"]

    def test_a_thai_documents_json_sample_is_thai(self) -> None:
        """Its passage language is its document's: it has no prose of its own (``ingest.lang.passage_lang``)."""
        sample = '{ "CitizenID":"143XXXXXXXXXX", "NameEN_FirstName":null, "Sex":"ชาย", "Age":"29" }'
        document = doc([Block(THAI_SENTENCE.strip() * 8, page=1), Block(sample, page=2)])
        document.lang = "th"
        assert [c.lang for c in Chunker().run(document)] == ["th", "th"]

    def test_heading_path_of_first_block(self) -> None:
        document = doc(
            [
                Block("A", is_heading=True),
                Block("B", heading_path=("A",), is_heading=True),
                Block(text=paragraph(8).text, heading_path=("A", "B")),
                Block(text=paragraph(8).text, heading_path=("A", "B")),
            ]
        )
        chunks = Chunker().run(document)
        assert chunks[0].heading_path == ("A",)
        assert chunks[-1].heading_path == ("A", "B")

    def test_stable_ids(self) -> None:
        document = doc([paragraph(30)], source="x/y.md")
        first = [c.to_dict() for c in Chunker().run(document)]
        assert first == [c.to_dict() for c in Chunker().run(document)]
        assert [c["chunk_id"] for c in first] == [f"x/y.md#{i}" for i in range(len(first))]


def _block_starts(document: Document) -> list[tuple[Block, int]]:
    starts, offset = [], 0
    for block in document.blocks:
        starts.append((block, offset))
        offset += len(block.text) + 2
    return starts


class TestPages:
    HEAD = "Under the new rule the committee approves the annual data catalogue of every ministry"
    CUT = HEAD + " no later than 30 June."

    @staticmethod
    def cut_block(before: str, after: str, page: int, next_page: int) -> Block:
        """A paragraph whose text goes on from ``next_page`` where ``after`` begins (the PDF reader's Block.page_breaks)."""
        return Block(before + " " + after, page=page, page_breaks=((len(before) + 1, next_page),))

    @pytest.mark.parametrize("overlap", [120, 0])
    def test_the_passage_that_starts_the_next_page_holds_the_cut_sentence_whole(self, overlap: int) -> None:
        document = doc([
            Block("Report cover", page=1),
            self.cut_block("The committee met four times. " + self.HEAD, "no later than 30 June. Catalogues approved late are published with a warning.", 3, 4),
            Block("Annex: the members of the committee.", page=5),
        ])
        chunker = Chunker(overlap_chars=overlap)
        chunks = chunker.run(document)
        check_invariants(document, chunks, chunker)
        assert [(c.page, c.page_end) for c in chunks] == [(1, 1), (3, 3), (4, 4), (5, 5)]
        assert chunks[1].text == "The committee met four times."  # no passage ends with the cut head
        assert chunks[2].text == self.CUT + " Catalogues approved late are published with a warning."

    def test_the_head_moves_whole_even_when_longer_than_the_overlap(self) -> None:
        filler = " ".join([SENTENCE] * 9)  # ~630 characters: the page's first chunk is full
        document = doc([
            self.cut_block(filler + " " + self.HEAD, " ".join(["no later than 30 June."] + ["Catalogues approved late are published with a warning on the portal."] * 5), 3, 4),
        ])
        chunker = Chunker(max_chars=800, overlap_chars=60, min_chars=100)
        chunks = chunker.run(document)
        check_invariants(document, chunks, chunker)
        assert [(c.page, c.page_end) for c in chunks] == [(3, 3), (4, 4)]
        assert chunks[0].text == filler
        assert chunks[1].text.startswith(self.CUT)

    def test_a_page_that_holds_only_the_head_gives_no_passage_of_its_own(self) -> None:
        document = doc([
            Block("Report cover", page=1),
            self.cut_block(self.HEAD, "no later than 30 June.", 2, 3),
        ])
        chunks = Chunker().run(document)
        check_invariants(document, chunks, Chunker())
        assert [(c.page, c.text) for c in chunks] == [(1, "Report cover"), (3, self.CUT)]

    def test_thai_paragraph_cut_by_a_page_break(self) -> None:
        head = "ตามหลักเกณฑ์ใหม่คณะกรรมการจะพิจารณาอนุมัติบัญชีข้อมูลของทุกกระทรวงให้แล้วเสร็จ"
        tail = "ภายในวันที่ 30 มิถุนายนของทุกปี"
        block = Block(THAI_SENTENCE + head + tail, page=1, page_breaks=((len(THAI_SENTENCE + head), 2),))
        document = doc([block])
        chunks = Chunker().run(document)
        check_invariants(document, chunks, Chunker())
        assert [(c.page, c.page_end) for c in chunks] == [(1, 1), (2, 2)]
        assert chunks[0].text == THAI_SENTENCE.strip()
        assert chunks[1].text == head + tail

    def test_a_word_cut_by_the_break_moves_with_its_sentence(self) -> None:
        before = "The committee met four times. Under the new rule the committee approves a data-"
        block = Block(before + "driven catalogue of every ministry no later than 30 June.", page=3, page_breaks=((len(before), 4),))
        document = doc([block])
        chunks = Chunker().run(document)
        check_invariants(document, chunks, Chunker())
        assert [(c.pages, c.text) for c in chunks] == [
            ((3, 3), "The committee met four times."),
            ((4, 4), "Under the new rule the committee approves a data-driven catalogue of every ministry no later than 30 June."),
        ]

    def test_a_word_cut_in_a_head_too_long_to_move_stays_whole_where_it_starts(self) -> None:
        before = "Under the new rule " + "the committee approves the catalogue of the agency and " * 8 + "its data-"
        block = Block(before + "driven services no later than 30 June. Catalogues approved late are published.", page=3, page_breaks=((len(before), 4),))
        document = doc([block])
        chunks = Chunker().run(document)
        check_invariants(document, chunks, Chunker())
        assert len(before) > 400 and chunks[0].pages == (3, 4)  # cited "pp. 3-4": its own text ends on page 4
        assert chunks[0].text.endswith("its data-driven")
        assert chunks[-1].page == 4 and chunks[-1].text.endswith("Catalogues approved late are published.")

    def test_a_sentence_over_three_pages(self) -> None:
        text = "The plan covers every agency and each of its data sets in turn, with a review at the end of the year."
        breaks = ((text.index("each"), 5), (text.index("with"), 6))
        chunks = Chunker().run(doc([Block("Plan", page=4), Block(text, page=4, page_breaks=breaks)]))
        assert [(c.page, c.text) for c in chunks] == [(4, "Plan"), (6, text)]

    def test_one_page_chunks_never_cross_a_page(self) -> None:
        document = doc([paragraph(2, page=1), paragraph(2, page=2), paragraph(2, page=4)])
        chunks = Chunker(max_chars=800, overlap_chars=100, min_chars=0).run(document)
        assert [(c.page, c.page_end) for c in chunks] == [(1, 1), (2, 2), (4, 4)]

    def test_formats_without_pages(self) -> None:
        [chunk] = Chunker().run(doc([paragraph(2)], source="a.md"))
        assert (chunk.page, chunk.page_end, chunk.pages) == (None, None, None)


def _quotable(chunks: list[Chunk]) -> list[str]:
    """The sentences of all passages that the answerers may quote (``passage_sentences``), in passage order."""
    return [c.text[a:b] for c in chunks for a, b in passage_sentences(c.text, skip=frozenset({c.title.lower()}))]


class TestPdfSentenceCutByAPageBreak:
    """Read, chunk and quote a PDF whose sentence a page break cuts: one passage holds it whole, cited by the page that finishes it."""

    def check(self, path: Path, head: str, whole: str, date: str, next_page: int) -> None:
        """``head``: the cut sentence up to the break; ``whole``: all of it; ``date``: words printed only on ``next_page``."""
        chunks = Chunker().run(PDFReader().run(path, path.name))
        [continuation] = [c for c in chunks if date in c.text]  # the only passage with the sentence's end
        assert (continuation.page, continuation.page_end) == (next_page, next_page)
        assert whole in continuation.text
        assert not [c for c in chunks if head in c.text and c is not continuation]  # no passage ends with the cut head
        quotable = _quotable(chunks)
        assert len([sentence for sentence in quotable if whole in sentence]) == 1  # quoted whole, once
        assert not [sentence for sentence in quotable if sentence.endswith(head)]  # never the cut head

    def test_english_with_a_blank_page_between(self, make_pdf: Callable[..., Path]) -> None:
        pages = [
            ["The committee met four times during the year and reviewed all reports. ",
             "Under the new rule the committee approves the annual data catalogue of every ", "ministry"],
            [],
            ["no later than 30 June, after a public comment period of fourteen days. Catalogues ",
             "approved late are published with a warning."],
        ]
        head = "Under the new rule the committee approves the annual data catalogue of every ministry"
        whole = head + " no later than 30 June, after a public comment period of fourteen days."
        self.check(make_pdf("report.pdf", pages), head, whole, "30 June", next_page=3)

    def test_thai(self, tmp_path: Path) -> None:
        pages: list[list[str | PdfLine]] = [
            ["คณะกรรมการธรรมาภิบาลข้อมูลภาครัฐประชุมทั้งหมดสี่ครั้งในรอบปีงบประมาณที่ผ่านมา",
             "และได้ทบทวนรายงานผลการดำเนินงานของหน่วยงานทุกแห่ง ตามหลักเกณฑ์ใหม่",
             "คณะกรรมการจะพิจารณาอนุมัติบัญชีข้อมูลภาครัฐของทุกกระทรวงให้แล้วเสร็จ"],
            ["ภายในวันที่ 30 มิถุนายนของทุกปี หลังการรับฟังความคิดเห็นจากประชาชนสิบสี่วัน ",
             "บัญชีข้อมูลที่อนุมัติล่าช้าจะเผยแพร่พร้อมคำเตือนบนเว็บไซต์ของหน่วยงาน"],
        ]
        path = tmp_path / "th.pdf"
        path.write_bytes(unicode_pdf(pages))
        head = "คณะกรรมการจะพิจารณาอนุมัติบัญชีข้อมูลภาครัฐของทุกกระทรวงให้แล้วเสร็จ"
        self.check(path, head, head + "ภายในวันที่ 30 มิถุนายนของทุกปี", "30 มิถุนายน", next_page=2)


class TestThaiOverlap:
    """Thai ends a sentence with a space, and crfcut cuts at clause ends too: an overlap started
    at "ต้องติดตามดู..." (must follow ...) repeated a clause without its subject."""

    CLOUD = (
        "หน่วยงานควรเลือกใช้บริการคลาวด์ที่มีมาตรฐานเป็นหลัก หากบริการมาตรฐานไม่สามารถตอบโจทย์ได้ "
        "ควรพิจารณาเปลี่ยนแปลงกระบวนการทำงานแทนการปรับแต่งระบบ การใช้งานจริงอาจมีความต้องการที่เปลี่ยนไปตลอดเวลา "
        "ต้องติดตามดูการปรับขนาดให้รองรับงานที่เพิ่มขึ้น"
    )

    def test_overlap_starts_at_a_sentence_not_a_clause(self) -> None:
        document = doc([Block(self.CLOUD), Block("ผู้ใช้บริการได้รับแจ้งวัตถุประสงค์ของการเก็บข้อมูลทุกครั้งก่อนให้ความยินยอม")], "t.md")
        chunker = Chunker(max_chars=300, overlap_chars=80, min_chars=50)
        first, second = chunker.run(document)
        check_invariants(document, [first, second], chunker)
        assert second.start < first.end  # it overlaps, from the sentence with its subject
        assert second.text.startswith("การใช้งานจริงอาจมีความต้องการที่เปลี่ยนไปตลอดเวลา ต้องติดตามดู")

    @pytest.mark.parametrize(
        "before, after, expected",
        [
            ("บริการมาตรฐานไม่สามารถตอบโจทย์ได้ ", "ควรพิจารณาเปลี่ยนแปลงระบบงาน", False),  # an auxiliary: no subject
            ("ออกแบบให้ตรงต่อพื้นฐานของผู้ใช้ ", "และส่งมอบให้ตรงต่อกลุ่มผู้ใช้", False),  # "and ..."
            ("แลกเปลี่ยนประสบการณ์ระหว่างกัน ", "ในประเด็นการทำงานของหน่วยงาน", False),  # a preposition
            ("พร้อมรายละเอียด ", "ดังนี้", False),  # "as follows"
            ("กฎหมาย 8 ฉบับ ได้แก่ ", "การขุดดินถมดิน การควบคุมอาคาร", False),  # "namely": a list goes on
            ("พระราชบัญญัติการรักษาความมั่นคงปลอดภัยไซเบอร์ พ.ศ. ", "2562 ภายใต้การกำกับดูแล", False),  # a year cut off its era
            ("ประชาชนเข้าถึงบริการได้ทุกวัน ", "หน่วยงานของรัฐต้องเปิดเผยข้อมูล", True),  # a subject
            ("ให้บริการได้อย่างต่อเนื่อง ", "ทั้งนี้ สพร. ยังจัดให้มีการเฝ้าระวัง", True),  # a connective that opens sentences
            ("the OECD Good ", "Practice Principles for Public Service Design", False),  # English goes on after a word
            ("Services start online. ", "Agencies share data.", True),
            ("## Scope\n", "และส่งมอบบริการ", True),  # a line start is always a start
        ],
    )
    def test_where_a_sentence_starts(self, before: str, after: str, expected: bool) -> None:
        from ingest.chunker import starts_sentence

        assert starts_sentence(before + after, len(before)) is expected
