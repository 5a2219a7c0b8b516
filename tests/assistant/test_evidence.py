"""The evidence finder: it reads the sentence vectors stored at ingest (embeds only for an index without them), and which sentences it may quote."""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from assistant.evidence import EvidenceFinder, EvidenceSentence
from assistant.retrieval import Hit, HybridRetriever
from index.analyzer import ThaiEnglishAnalyzer
from index.sentences import SENTENCES_DIR
from index.storage import IndexWriter, OpenIndex, current_generation
from ingest.chunker import Chunker
from ingest.loader import DocumentLoader
from ingest.model import Block, Chunk, Document
from tests.conftest import FIXTURE_DOCS, HashEmbedder


class CountingEmbedder(HashEmbedder):
    """Counts the passages it is asked to embed (the query-time cost the stored vectors save)."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.passages = 0

    def embed_passages(self, passages: list[str], show_progress: bool = False) -> np.ndarray:
        self.passages += len(passages)
        return super().embed_passages(passages)

    def embed_queries(self, queries: list[str]) -> np.ndarray:
        return super().embed_passages(queries)


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    index_dir = tmp_path_factory.mktemp("evidence-index")
    documents = DocumentLoader(show_progress=False).run([FIXTURE_DOCS]).documents
    chunks = [chunk for document in documents for chunk in Chunker(max_chars=300, overlap_chars=0, min_chars=50).run(document)]
    IndexWriter([HashEmbedder()], ThaiEnglishAnalyzer(), show_progress=False).run(documents, chunks, index_dir)
    return index_dir


QUESTION = "Every agency must report a serious cybersecurity incident to the national response team within 24 hours."


def _hits(index: OpenIndex) -> list[Hit]:
    return HybridRetriever(index, [HashEmbedder()]).run(QUESTION, k=5)


def test_stored_sentence_vectors_are_used_not_embedded_again(index_dir: Path) -> None:
    index = OpenIndex(index_dir)
    try:
        encoder = CountingEmbedder()
        finder = EvidenceFinder(encoder, min_similarity=0.0, strong_similarity=0.0)
        evidence = finder.run(QUESTION, _hits(index))
        assert encoder.passages == 0 and finder.embedded_at_query_time == 0
        assert "within 24 hours" in evidence.sentences[0].text
        # the vectors are the ones stored at ingest, in the evidence's order
        stored = index.sentences.for_rows(0, [hit.row for hit in _hits(index)][:1])
        first_row = _hits(index)[0].row
        if stored[first_row]:
            by_span = {(start, end): vector for start, end, vector in stored[first_row]}
            best = evidence.sentences[0]
            assert np.allclose(evidence.vectors[0], by_span[(best.start, best.end)])
    finally:
        index.close()


def test_an_index_without_stored_spans_has_its_sentences_embedded(index_dir: Path, tmp_path: Path) -> None:
    old = tmp_path / "old-index"
    import shutil

    shutil.copytree(index_dir, old)
    (current_generation(old) / SENTENCES_DIR / "spans.npy").unlink()  # as written before spans were stored
    index = OpenIndex(old)
    try:
        encoder = CountingEmbedder()
        finder = EvidenceFinder(encoder, min_similarity=0.0, strong_similarity=0.0)
        evidence = finder.run(QUESTION, _hits(index))
        assert encoder.passages == finder.embedded_at_query_time > 0
        assert "within 24 hours" in evidence.sentences[0].text
    finally:
        index.close()


def test_hand_made_hits_are_embedded_after_their_title(index_dir: Path) -> None:
    index = OpenIndex(index_dir)
    try:
        hits = [Hit(hit.rank, hit.score, hit.chunk) for hit in _hits(index)]  # no row, no stored vectors
        encoder = CountingEmbedder()
        evidence = EvidenceFinder(encoder, min_similarity=0.0, strong_similarity=0.0).run(QUESTION, hits)
        assert encoder.passages > 0 and "within 24 hours" in evidence.sentences[0].text
    finally:
        index.close()


class WordCounts:
    """Hashed word counts, L2-normalised: a short sentence made of the question's words beats a longer one."""

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        vectors = np.zeros((len(texts), 512), np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                vectors[row, zlib.crc32(word.encode()) % 512] += 1
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)

    embed_passages = embed_queries


def test_a_sentence_cut_by_a_page_break_is_quoted_whole_not_its_head() -> None:
    head = "The committee approves the annual data catalogue of every ministry"
    before = "The committee met four times during the year. " + head
    text = before + " no later than 30 June, after a public comment period of fourteen days."
    document = Document("report.pdf", "Annual report", [Block(text, page=3, page_breaks=((len(before) + 1, 4),))])
    first, second = Chunker().run(document)
    assert (first.text, first.page, second.page) == ("The committee met four times during the year.", 3, 4)
    question = "When does the committee approve the annual data catalogue of every ministry?"

    def quoted(hits: list[Hit]) -> list[tuple[int, str]]:
        return [(sentence.number, sentence.display) for sentence in EvidenceFinder(WordCounts()).run(question, hits).sentences]

    whole = head + " no later than 30 June, after a public comment period of fourteen days."
    both = quoted([Hit(1, 2.0, first), Hit(2, 1.0, second)])  # the page-3 passage ranks first
    assert both[0] == (2, whole)
    assert [display for _, display in both if head in display] == [whole]  # whole, once, never the head
    # page 4's passage not retrieved: still no half sentence to quote
    assert quoted([Hit(1, 1.0, first)]) == [(1, "The committee met four times during the year.")]


def test_a_wrapped_line_of_a_sentence_is_not_taken_for_the_heading_above() -> None:
    from assistant.evidence import _heading_above

    text = (
        "Digital by design\n\nGovernments establish the foundations necessary for a digital\n\n"
        "transformation of the public sector. It comprises 155 data points."
    )
    assert _heading_above(text, text.index("It comprises")) == "Digital by design"
    assert _heading_above(text, text.index("Governments")) == "Digital by design"


def test_the_z_score_spread_is_the_retrievers_and_a_large_pool_is_never_scanned(index_dir: Path) -> None:
    """The answers z-score a sentence against the question's best sentence cosines in its pool: the
    retriever read them already (``Hit.sentence_spread``); a hit without them scans a small pool
    as before, and never a pool too large to scan (gigabytes a question at a million passages)."""
    from dataclasses import replace

    index = OpenIndex(index_dir)
    try:
        sentences = index.sentences
        assert sentences is not None
        hits = _hits(index)
        lang = hits[0].chunk.lang
        query = HashEmbedder().embed_queries([QUESTION])[0]
        read = lambda: sum(file.rows_read for file in sentences.vectors_per_encoder)  # noqa: E731
        before = read()
        carried = EvidenceFinder._pool_stats(hits[0], 0, lang, query)
        assert read() == before  # nothing read: the retriever's own search serves the answer
        exact = EvidenceFinder._pool_stats(replace(hits[0], sentence_spread=None), 0, lang, query)
        assert read() - before == sentences.pool_size(lang)  # a small pool: scanned, as before
        assert carried is not None and exact is not None and np.allclose(carried, exact, atol=1e-6)
        sentences.scannable = lambda pool, scan_max=0: False  # type: ignore[method-assign]  # as if a million passages
        before = read()
        assert EvidenceFinder._pool_stats(replace(hits[0], sentence_spread=None), 0, lang, query) is None
        assert read() == before
    finally:
        index.close()


def test_the_more_question_words_the_passages_hold_the_less_similarity_an_answer_needs() -> None:
    """"หลัก Once-Only คืออะไร": both words found, the definition at 0.936 support, was refused."""
    finder = EvidenceFinder(HashEmbedder(), HashEmbedder(model_name="test-hash-2", dimension=16))
    assert finder.is_supported(0.936, overlap=1.0)
    assert not finder.is_supported(0.93, overlap=0.75)  # three quarters of its words: 0.935 needed
    assert finder.is_supported(0.936, overlap=0.75)
    assert not finder.is_supported(0.96, overlap=0.4)  # too few of its words: an off-topic question
    assert finder.is_supported(0.976, overlap=0.0)  # a strong match alone (cross-lingual)
    assert not finder.is_supported(0.91, overlap=1.0)


def _passage(source: str, text: str, heading_path: tuple[str, ...] = ()) -> Chunk:
    return Chunk(f"{source}#0", source, "", text, None, heading_path, "th", 0, len(text))


def test_a_lookup_quotes_the_sentence_that_defines_the_abbreviation_and_is_answered() -> None:
    uses = _passage("about.md", "GDX มีกี่รูปแบบ\n\nGDX มีการใช้งาน 2 รูปแบบ\n\nแบบสำเร็จรูป โดยใช้งานผ่านเว็บไซต์ของ GDX ได้ทันที")
    defines = _passage(
        "intro.md",
        "ศูนย์กลางแลกเปลี่ยนข้อมูลภาครัฐ (Government Data Exchange Center : GDX) เป็นศูนย์กลางในการแลกเปลี่ยนข้อมูลระหว่างหน่วยงาน",
    )
    finder = EvidenceFinder(WordCounts())
    evidence = finder.run("GDX คืออะไร", [Hit(1, 2.0, uses), Hit(2, 1.0, defines)])
    assert evidence.supported and evidence.sentences[0].text.startswith("ศูนย์กลางแลกเปลี่ยนข้อมูลภาครัฐ (Government Data Exchange Center : GDX)")
    # without the definition among the passages the similarity alone decides, and refuses
    assert not finder.run("GDX คืออะไร", [Hit(1, 2.0, uses)]).supported


def test_a_code_is_answered_by_the_first_sentence_under_its_own_heading() -> None:
    text = (
        "3.1.2 ข้อกำหนดด้านการให้ข้อมูลเพียงครั้งเดียว (Once-Only)\n\nPS-04\n\n"
        "ระดับการบังคับใช้ (Compliance): Mandatory\n\n"
        "จัดทำทะเบียนข้อมูลภาครัฐ (Data Inventory) เพื่อระบุว่าแต่ละหน่วยงานเป็นเจ้าของข้อมูลใด\n\n"
        "ประเมินว่าบริการต้องใช้ข้อมูลใด หรือต้องร้องขอจากหน่วยงานใด\n\nPS-05\n\n"
        "ระดับการบังคับใช้ (Compliance): Mandatory\n\nประเภทแอปพลิเคชัน: ALL; ประเภทบริการ: Partial, Fully\n\n"
        "ออกแบบบริการโดยคำนึงถึงจริยธรรมและความเป็นส่วนตัวของผู้ใช้งานทุกกลุ่ม"
    )
    other = _passage("spec.pdf", "PPS (protocol parameter selection) is a communication transaction for changing the parameters.")
    evidence = EvidenceFinder(WordCounts()).run("What is PS-04?", [Hit(1, 2.0, other), Hit(2, 1.0, _passage("standard.md", text))])
    assert evidence.supported
    assert evidence.sentences[0].text == "จัดทำทะเบียนข้อมูลภาครัฐ (Data Inventory) เพื่อระบุว่าแต่ละหน่วยงานเป็นเจ้าของข้อมูลใด"
    # any question that names the code: the requirement under that code, not the one after it
    evidence = EvidenceFinder(WordCounts()).run("What does control PS-05 require?", [Hit(1, 2.0, other), Hit(2, 1.0, _passage("standard.md", text))])
    assert evidence.sentences[0].text == "ออกแบบบริการโดยคำนึงถึงจริยธรรมและความเป็นส่วนตัวของผู้ใช้งานทุกกลุ่ม"
    # the code written without its leading zero or hyphen finds the same heading
    for spelling in ("What is PS-4?", "What is PS04?", "What is ps 04?"):
        found = EvidenceFinder(WordCounts()).run(spelling, [Hit(1, 2.0, other), Hit(2, 1.0, _passage("standard.md", text))])
        assert found.supported and found.sentences[0].text.startswith("จัดทำทะเบียนข้อมูลภาครัฐ"), spelling
    # a question asking something else of the code is not answered by its requirement regardless
    hits = [Hit(1, 2.0, other), Hit(2, 1.0, _passage("standard.md", text))]
    assert not EvidenceFinder(WordCounts()).run("Is PS-05 mandatory?", hits).supported


def test_a_lookup_of_a_thai_names_latin_acronym_quotes_the_sentence_that_gives_the_name() -> None:
    uses = _passage("form.pdf", "☐ [DOPA] ข้อมูลทะเบียนราษฎร\n\nขอใช้ข้อมูล DOPA ผ่านระบบ Linkage Center ได้ตลอดเวลา")
    defines = _passage("manual.pdf", "หน่วยงานต้องได้รับอนุญาตจากกรมการปกครอง (DOPA) ก่อนเรียกใช้ข้อมูลทะเบียนราษฎร")
    evidence = EvidenceFinder(WordCounts()).run("DOPA คืออะไร", [Hit(1, 2.0, uses), Hit(2, 1.0, defines)])
    assert evidence.supported and evidence.sentences[0].text == "หน่วยงานต้องได้รับอนุญาตจากกรมการปกครอง (DOPA) ก่อนเรียกใช้ข้อมูลทะเบียนราษฎร"


def test_an_abbreviation_defined_only_in_a_heading_is_answered_by_the_claim_under_it() -> None:
    text = (
        "Note: Table shows the correlation of transversal facets within each dimension.\n\n"
        "Principal component analysis (PCA)\n\n"
        "The construct framework converges to a single factor explaining 72% of the variance.\n\n"
        "These results confirm the validity of the index construct.\n\n"
        "Cronbach's Alpha\n\nCronbach's Alpha is a coefficient of reliability based on the correlations between indicators."
    )
    mentions = _passage("b.pdf", "Results of the PCA\n\nWhat is shown in the PCA of each pillar is a single factor per dimension.")
    hits = [Hit(1, 2.0, mentions), Hit(2, 1.0, _passage("a.pdf", text))]
    evidence = EvidenceFinder(WordCounts()).run("What is PCA?", hits)
    assert evidence.supported
    assert evidence.sentences[0].text == "The construct framework converges to a single factor explaining 72% of the variance."
    assert not any(sentence.text.startswith("Principal component analysis") for sentence in evidence.sentences)  # a heading is no claim
    # the same heading as the passage's heading path
    body = "The construct framework converges to a single factor explaining 72% of the variance."
    under = _passage("a.pdf", body, heading_path=("Annex C", "Principal component analysis (PCA)"))
    assert EvidenceFinder(WordCounts()).run("What is PCA?", [Hit(1, 2.0, mentions), Hit(2, 1.0, under)]).sentences[0].text == body
    # a heading that only names the abbreviation ("Results of the PCA") defines nothing: not answered by it
    assert not EvidenceFinder(WordCounts()).run("What is PCA?", [Hit(1, 2.0, mentions)]).supported


def test_a_hub_sentence_loses_its_place_by_its_stored_hubness(tmp_path: Path) -> None:
    """The second encoder's hubness stored at ingest is subtracted from a sentence's quoting score."""
    from assistant.evidence import QuoteWeights

    documents = DocumentLoader(show_progress=False).run([FIXTURE_DOCS]).documents
    chunks = [chunk for document in documents for chunk in Chunker(max_chars=300, overlap_chars=0, min_chars=50).run(document)]
    IndexWriter([HashEmbedder(), HashEmbedder()], ThaiEnglishAnalyzer(), show_progress=False).run(documents, chunks, tmp_path)
    index = OpenIndex(tmp_path)
    try:
        hits = HybridRetriever(index, [HashEmbedder(), HashEmbedder()]).run(QUESTION, k=5)
        finder = EvidenceFinder(HashEmbedder(), second_encoder=HashEmbedder(), min_similarity=0.0, strong_similarity=0.0)
        first = finder.run(QUESTION, hits).sentences[0]
        store = index.sentences
        numbers = store.numbers_of_rows(np.array([hits[first.number - 1].row]))
        hub = next(n for n in numbers.tolist() if store.spans[n, 0] == first.start)
        values = np.zeros(len(store), dtype=np.float32)
        values[hub] = 1.0  # this sentence is near everything in the other pool
        store.hubness[1], store._hubness_z = values, {}
        finder.weights = QuoteWeights(hubness=0.0)
        assert finder.run(QUESTION, hits).sentences[0].text == first.text
        finder.weights = QuoteWeights(hubness=1.0)
        assert finder.run(QUESTION, hits).sentences[0].text != first.text
    finally:
        index.close()


def test_a_thai_question_over_english_passages_is_measured_on_the_words_they_can_hold() -> None:
    """With a filter on an English report, "หลัก Once-Only คืออะไร" holds "once-only" but can never hold
    "หลัก": all it can match is there, as when Thai passages were among the top ones."""
    from assistant.evidence import question_overlap

    english = ["The Once-Only Principle refers to the right of citizens to provide data only once."]
    analyzer = ThaiEnglishAnalyzer()
    question = set(analyzer.run("หลัก Once-Only คืออะไร"))
    held = {term for text in english for term in analyzer.run(text)}
    assert question_overlap(question, held, english) == 1.0
    # a Thai passage among them could hold the Thai word: it counts again
    thai = english + ["หลักการทำงานของระบบ"]
    assert question_overlap(question, held, thai) == pytest.approx(0.5)
    # a Latin word the English passages lack still counts against the question
    other = set(analyzer.run("หลัก Once-Only กับ GDX คืออะไร"))
    assert question_overlap(other, held, english) == pytest.approx(0.5)
    # nothing of a wholly Thai question can be held by English passages
    assert question_overlap(set(analyzer.run("หลักการทำงานคืออะไร")), held, english) == 0.0


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("• The best performing countries are Korea and Denmark.", "The best performing countries are Korea and Denmark."),
        ("- Agencies **must** publish data.", "Agencies must publish data."),
        ("b) Governments should invest in AI research.", "b) Governments should invest in AI research."),
        ("-5% of agencies reported no change.", "-5% of agencies reported no change."),
    ],
)
def test_a_quote_is_shown_without_its_bullet_but_with_its_marker(text: str, shown: str) -> None:
    """The answer gives each quote its own "- ": a bullet in front of it is noise, a letter marker is the document's."""
    sentence = EvidenceSentence(1, 0, len(text), text, 0.9, 0.9, 0.5, 0.1)
    assert sentence.display == shown
