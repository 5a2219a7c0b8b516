"""Sentence vectors: written at ingest, reused when unchanged, and used to rank passages."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from assistant.retrieval import HybridRetriever, RetrievalWeights
from index.analyzer import ThaiEnglishAnalyzer
from index.sentences import SENTENCES_DIR, chunk_sentence_spans, chunk_sentences, document_heading_paths, sentence_heading_paths
from index.vector_store.vector_file import VectorFile
from index.storage import IndexWriter, OpenIndex, current_generation
from ingest.model import Block, Chunk, Document
from tests.conftest import HashEmbedder

TEMPLATE = "{title}\n{text}"
QUESTION = "solar panel subsidy for rural schools"
# Spread: every question word, one per sentence, in a short passage (a strong passage vector).
SPREAD = "Solar power grows. Each panel is cheap. A subsidy exists. Rural areas gain. Schools open early."
# Focused: one sentence says exactly what is asked, among many sentences on other things.
FOCUSED = (
    "The ministry published its annual report in March. Budgets for transport rose by a tenth. "
    "Hospitals hired more nurses than planned. A solar panel subsidy for rural schools started in 2020. "
    "Road repairs were delayed by the rains. Tourism recovered after the border reopened."
)
FILLER = [
    "Trade statistics for the northern provinces were revised upward after the audit.",
    "The library opened a new reading room with longer weekend hours for students.",
    "Fisheries inspectors visited every harbour on the eastern coast this season.",
]


class CountingEmbedder(HashEmbedder):
    def __init__(self) -> None:
        super().__init__(dimension=64)
        self.texts: list[str] = []

    def embed_passages(self, passages: list[str], show_progress: bool = False) -> np.ndarray:
        self.texts.extend(passages)
        return super().embed_passages(passages)


def _corpus() -> tuple[list[Document], list[Chunk]]:
    texts = [SPREAD, FOCUSED, *FILLER]
    documents = [Document(source=f"doc{i}.txt", title=f"Report {i}", blocks=[Block(text)], lang="en") for i, text in enumerate(texts)]
    chunks = [Chunk(f"doc{i}.txt#0", f"doc{i}.txt", f"Report {i}", text, None, (), "en", 0, len(text)) for i, text in enumerate(texts)]
    return documents, chunks


def _build(index_dir: Path, embedder: HashEmbedder, rebuild: bool = False) -> None:
    documents, chunks = _corpus()
    IndexWriter([embedder], ThaiEnglishAnalyzer(), passage_template=TEMPLATE, show_progress=False).run(
        documents, chunks, index_dir, rebuild=rebuild
    )


def _sources(index_dir: Path, sentence_weight: float) -> list[str]:
    index = OpenIndex(index_dir)
    try:
        retriever = HybridRetriever(index, [HashEmbedder(dimension=64)], RetrievalWeights(dense=(1.0,), bm25=0.0, sentence=sentence_weight))
        return [hit.chunk.source for hit in retriever.run(QUESTION, k=5)]
    finally:
        index.close()


def test_chunk_sentences_are_the_quotable_sentences_without_headings() -> None:
    text = "Cloud first\n\nAgencies move workloads to the cloud. Pooling lowers costs."
    chunk = Chunk("a#0", "a.md", "Cloud policy", text, None, ("Cloud first",), "en", 0, len(text))
    assert chunk_sentences(chunk) == ["Agencies move workloads to the cloud.", "Pooling lowers costs."]


def _faq() -> tuple[Document, Chunk]:
    """A help page whose short sections the chunker keeps in one chunk (as the kiosk FAQ's)."""
    blocks = [
        Block("Smart Kiosk", is_heading=True),
        Block("Which ID cards work?", heading_path=("Smart Kiosk",), is_heading=True),
        Block("Only smart-card ID cards work, of every series.", heading_path=("Smart Kiosk", "Which ID cards work?")),
        Block("Where do I get a smart card?", heading_path=("Smart Kiosk",), is_heading=True),
        Block("New cards are issued at any district office", heading_path=("Smart Kiosk", "Where do I get a smart card?"), is_heading=True),
        Block("Bring your house registration: the card is printed on the same day.", heading_path=("Smart Kiosk", "Where do I get a smart card?", "New cards are issued at any district office")),
    ]
    document = Document(source="kiosk.md", title="Kiosk FAQ", blocks=blocks, lang="en")
    text = "\n\n".join(block.text for block in blocks[1:])
    chunk = Chunk("kiosk.md#0", "kiosk.md", "Kiosk FAQ", text, None, ("Smart Kiosk", "Which ID cards work?"), "en", 0, len(text))
    return document, chunk


def test_a_sentence_after_a_second_heading_in_its_chunk_sits_under_that_heading() -> None:
    document, chunk = _faq()
    headings = document_heading_paths([document])["kiosk.md"]
    spans = chunk_sentence_spans(chunk, headings)
    # The in-chunk headings are never sentences, whatever their wording ("New cards are issued at any district office").
    assert [chunk.text[a:b] for a, b in spans] == [
        "Only smart-card ID cards work, of every series.",
        "Bring your house registration: the card is printed on the same day.",
    ]
    assert sentence_heading_paths(chunk, spans, headings) == [
        ("Smart Kiosk", "Which ID cards work?"),
        ("Smart Kiosk", "Where do I get a smart card?", "New cards are issued at any district office"),
    ]
    # Without the document's structure a chunk keeps its own heading path throughout.
    assert sentence_heading_paths(chunk, spans, {}) == [chunk.heading_path, chunk.heading_path]


def test_a_heading_written_twice_is_read_as_the_one_under_the_current_section() -> None:
    paths = {"key findings": [("Part A", "Key findings"), ("Part B", "Key findings")]}
    text = "Part B opens here.\n\nKey findings\n\nCosts fell by a third."
    chunk = Chunk("r#3", "r.pdf", "Report", text, 4, ("Part B",), "en", 0, len(text))
    spans = [(text.index("Costs"), len(text))]
    assert sentence_heading_paths(chunk, spans, paths) == [("Part B", "Key findings")]


def test_each_sentence_is_embedded_under_its_own_heading(tmp_path: Path) -> None:
    embedder = CountingEmbedder()
    document, chunk = _faq()
    IndexWriter([embedder], ThaiEnglishAnalyzer(), passage_template="{title}\n{heading}\n{text}", show_progress=False).run(
        [document], [chunk], tmp_path
    )
    assert (
        "Kiosk FAQ\nSmart Kiosk > Where do I get a smart card? > New cards are issued at any district office\nBring your house registration: the card is printed on the same day."
        in embedder.texts
    )
    assert "Kiosk FAQ\nSmart Kiosk > Which ID cards work?\nOnly smart-card ID cards work, of every series." in embedder.texts


def test_each_sentence_is_embedded_after_its_title(tmp_path: Path) -> None:
    embedder = CountingEmbedder()
    _build(tmp_path, embedder)
    index = OpenIndex(tmp_path)
    assert index.manifest.sentences == len(index.sentences) > len(index)  # type: ignore[arg-type]
    assert "Report 1\nA solar panel subsidy for rural schools started in 2020." in embedder.texts
    rows = index.sentences.rows  # type: ignore[union-attr]
    assert list(rows) == sorted(rows) and set(rows.tolist()) == set(range(len(index)))
    index.close()


def test_the_passage_holding_the_answering_sentence_ranks_first(tmp_path: Path) -> None:
    _build(tmp_path, HashEmbedder(dimension=64))
    assert _sources(tmp_path, sentence_weight=0.0)[0] == "doc0.txt"  # passage vectors alone prefer the spread words
    assert _sources(tmp_path, sentence_weight=2.0)[0] == "doc1.txt"  # its best sentence is the question itself


def test_an_index_built_without_sentence_vectors_still_searches_and_gets_them_on_the_next_ingest(tmp_path: Path) -> None:
    _build(tmp_path, HashEmbedder(dimension=64))
    shutil.rmtree(current_generation(tmp_path) / SENTENCES_DIR)  # what an index from before them looks like
    index = OpenIndex(tmp_path)
    assert index.sentences is None
    index.close()
    assert _sources(tmp_path, sentence_weight=2.0)[0] == "doc0.txt"  # the sentence term is skipped

    embedder = CountingEmbedder()
    _build(tmp_path, embedder)
    passages = {f"Report {i}\n{text}" for i, text in enumerate([SPREAD, FOCUSED, *FILLER])}
    assert embedder.texts and not passages & set(embedder.texts)  # passage vectors reused, only sentences embedded
    assert _sources(tmp_path, sentence_weight=2.0)[0] == "doc1.txt"


def test_unchanged_passages_reuse_their_sentence_vectors(tmp_path: Path) -> None:
    _build(tmp_path, HashEmbedder(dimension=64))
    before = OpenIndex(tmp_path)
    expected = before.sentences.vectors(0)  # type: ignore[union-attr]
    before.close()
    embedder = CountingEmbedder()
    _build(tmp_path, embedder)
    assert embedder.texts == []
    after = OpenIndex(tmp_path)
    vectors = after.sentences.vectors(0)  # type: ignore[union-attr]
    after.close()
    assert len(expected) > 5 and np.array_equal(vectors, expected)  # copied as stored, bit for bit


def test_sentence_vectors_can_be_turned_off(tmp_path: Path) -> None:
    documents, chunks = _corpus()
    embedder = CountingEmbedder()
    IndexWriter([embedder], ThaiEnglishAnalyzer(), show_progress=False, sentence_vectors=False).run(documents, chunks, tmp_path)
    index = OpenIndex(tmp_path)
    assert index.sentences is None and len(embedder.texts) == len(chunks) and index.manifest.sentences == 0
    index.close()


def test_sentence_settings_are_validated() -> None:
    from assistant.settings import Settings

    with pytest.raises(ValueError, match="sentence_candidates"):
        Settings(sentence_candidates=0)


def test_stored_sentences_of_a_row_come_back_with_their_spans_and_vectors(tmp_path: Path) -> None:
    embedder = HashEmbedder(dimension=64)
    _build(tmp_path, embedder)
    index = OpenIndex(tmp_path)
    try:
        stored = index.sentences.for_rows(0, [1])[1]  # type: ignore[union-attr]
        texts = [FOCUSED[start:end] for start, end, _ in stored]
        assert texts[3] == "A solar panel subsidy for rural schools started in 2020."
        expected = embedder.embed_passages(["Report 1\nA solar panel subsidy for rural schools started in 2020."])[0]
        assert np.allclose(stored[3][2], expected, atol=1e-3)  # stored in fp16: 11 significant bits
        assert float(stored[3][2] @ expected) == pytest.approx(1.0, abs=1e-3)
    finally:
        index.close()


def test_sentence_vectors_made_under_other_sentence_rules_are_embedded_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _build(tmp_path, HashEmbedder(dimension=64))
    monkeypatch.setattr("index.storage.SENTENCE_RULES", "a later version")
    embedder = CountingEmbedder()
    _build(tmp_path, embedder)
    passages = {f"Report {i}\n{text}" for i, text in enumerate([SPREAD, FOCUSED, *FILLER])}
    assert "Report 1\nA solar panel subsidy for rural schools started in 2020." in embedder.texts
    assert not passages & set(embedder.texts)  # passage vectors are still reused
    index = OpenIndex(tmp_path)
    assert index.manifest.sentence_rules == "a later version"
    index.close()


def test_best_sentence_search_can_be_limited_to_some_passages(tmp_path: Path) -> None:
    _build(tmp_path, HashEmbedder(dimension=64))
    index = OpenIndex(tmp_path)
    try:
        query = HashEmbedder(dimension=64).embed_queries([QUESTION])[0]
        assert next(iter(index.sentences.best_per_row(0, "en", query, 3))) == 1  # type: ignore[union-attr]
        limited = index.sentences.best_per_row(0, "en", query, 3, allowed_rows=np.array([2, 3]))  # type: ignore[union-attr]
        assert set(limited) == {2, 3}
    finally:
        index.close()


def test_sentence_vectors_are_fp16_files_read_only_for_candidates(tmp_path: Path) -> None:
    _build(tmp_path, HashEmbedder(dimension=64))
    index = OpenIndex(tmp_path)
    try:
        sentences = index.sentences
        assert sentences is not None
        stored = sentences.vectors_per_encoder[0]
        assert isinstance(stored, VectorFile) and stored.dtype == np.float16  # never loaded whole
        query = HashEmbedder(dimension=64).embed_queries([QUESTION])[0]
        everywhere = sentences.best_per_row(0, "en", query, candidates=1_000)
        limited = sentences.best_per_row(0, "en", query, candidates=1_000, allowed_rows=np.array([3, 1]))
        assert limited == {row: everywhere[row] for row in (1, 3)}  # the same best sentence, read for two rows
        assert sentences.best_per_row(0, "th", query, 10, allowed_rows=np.array([1])) == {}
    finally:
        index.close()


def test_sentences_stored_as_faiss_pools_by_an_older_policyrag_still_open(tmp_path: Path) -> None:
    import faiss

    embedder = HashEmbedder(dimension=64)
    _build(tmp_path, embedder)
    index = OpenIndex(tmp_path)
    query = embedder.embed_queries([QUESTION])[0]
    expected = (index.sentences.best_per_row(0, "en", query, 5), index.sentences.for_rows(0, [1]))  # type: ignore[union-attr]
    vectors = index.sentences.vectors(0)  # type: ignore[union-attr]
    index.close()
    folder = current_generation(tmp_path) / SENTENCES_DIR
    for name in ("pools.npy", "sentences.json", "vectors-0.npy"):  # the older layout: one IndexIDMap2 per language
        (folder / name).unlink()
    (folder / "dense-0").mkdir()
    legacy = faiss.IndexIDMap2(faiss.IndexFlatIP(64))
    legacy.add_with_ids(vectors, np.arange(len(vectors)))
    faiss.write_index(legacy, str(folder / "dense-0" / "dense-en.faiss"))
    reopened = OpenIndex(tmp_path)
    try:
        best = reopened.sentences.best_per_row(0, "en", query, 5)  # type: ignore[union-attr]
        assert list(best) == list(expected[0]) and np.allclose(list(best.values()), list(expected[0].values()), atol=1e-6)
        spans = [(start, end) for start, end, _ in reopened.sentences.for_rows(0, [1])[1]]  # type: ignore[union-attr]
        assert spans == [(start, end) for start, end, _ in expected[1][1]]
        # the old layout also answers when its pools count as too large to scan (candidates only)
        weights = RetrievalWeights(dense=(1.0,), bm25=0.0, sentence=1.0)
        limited = HybridRetriever(reopened, [embedder], weights, dense_candidates=5, sentence_scan_max=0).run(QUESTION, k=2)
        assert [hit.chunk.source for hit in limited][0] == "doc1.txt"
    finally:
        reopened.close()


def test_a_search_over_candidate_rows_reads_their_sentences_only_and_scores_them_as_the_whole_scan(tmp_path: Path) -> None:
    from index.sentences import SentenceVectors

    rng = np.random.default_rng(3)
    rows = np.repeat(np.arange(200), rng.integers(1, 6, 200))
    vectors = rng.standard_normal((len(rows), 32)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    pools = np.where(rows % 3 == 0, "th", "en")
    SentenceVectors(rows, [vectors], pools=pools).save(tmp_path)
    sentences = SentenceVectors.load(tmp_path, [32])
    assert sentences is not None and sentences.pool_size("en") == int(np.sum(pools == "en"))
    query = vectors[7]
    whole = sentences.search(0, "en", query, candidates=10_000)
    candidates = np.array([5, 7, 8, 150, 151, 199, 3])  # 3 is a Thai passage: none of its sentences is read
    read = sentences.vectors_per_encoder[0].rows_read
    limited = sentences.search(0, "en", query, candidates=10_000, rows=candidates)
    english = [row for row in candidates.tolist() if row % 3]
    assert sentences.vectors_per_encoder[0].rows_read - read == limited.scanned == int(np.isin(rows, english).sum())
    assert limited.best == pytest.approx({row: whole.best[row] for row in whole.best if row in english}, abs=1e-6)
    assert list(limited.best) == [row for row in whole.best if row in english]  # same order: best first
    expected = np.sort(vectors[np.isin(rows, english)] @ query)[::-1]
    assert np.allclose(limited.top, expected, atol=2e-3)  # fp16 storage


def test_rows_map_to_their_sentence_numbers_in_order() -> None:
    from index.sentences import SentenceVectors

    sentences = SentenceVectors(np.array([0, 0, 2, 2, 2, 3]), [np.eye(6, dtype=np.float32)], pools=["en"] * 6)
    assert sentences.numbers_of_rows(np.array([2, 1, 0, 9])).tolist() == [2, 3, 4, 0, 1]
    with pytest.raises(ValueError, match="5 sentence vectors for 6"):
        SentenceVectors(np.arange(6), [np.zeros((5, 4), np.float32)])


def test_the_best_sentence_scores_of_a_pool_are_the_exact_top_k_and_the_rules_are_recorded(tmp_path: Path) -> None:
    from ingest.sentences import SENTENCE_RULES

    _build(tmp_path, HashEmbedder(dimension=64))
    index = OpenIndex(tmp_path)
    try:
        sentences = index.sentences
        assert sentences is not None
        query = HashEmbedder(dimension=64).embed_queries([QUESTION])[0]
        every = np.sort(sentences.vectors(0) @ query)[::-1]  # all sentences are English here
        top = sentences.top_scores(0, "en", query, 3)
        assert np.allclose(top, every[:3], atol=1e-5)
        assert len(sentences.top_scores(0, "en", query, 1_000)) == len(sentences)
        assert len(sentences.top_scores(0, "th", query, 3)) == 0
        assert sentences.rules == SENTENCE_RULES  # an answerer may use the stored spans as they are
    finally:
        index.close()


def test_a_chunk_opening_inside_a_sentence_of_its_overlap_does_not_quote_that_tail() -> None:
    """The chunker repeats the previous chunk's end from a crfcut sentence start, which cuts Thai at a
    space inside a sentence: the tryout's answer quoted "สามารถใช้บริการได้อย่างมั่นใจ" (a bullet's tail)."""
    from ingest.model import Chunk
    from index.sentences import drop_overlap_tails

    sentence = (
        "ตู้บริการอเนกประสงค์ภาครัฐให้บริการครอบคลุมในทุกภูมิภาคทั่วประเทศด้วยการยืนยันตัวตนด้วยบัตรประจำตัวประชาชนแบบอเนกประสงค์ "
        "ที่มีระบบการรักษาความปลอดภัยสูง สามารถใช้บริการได้อย่างมั่นใจ"
    )
    after = "ประชาชนสามารถตรวจสอบข้อมูลส่วนบุคคลและสิทธิประโยชน์ต่างๆ เช่น สิทธิประกันสุขภาพ ที่ตู้บริการได้ทุกวัน"
    document = f"{sentence}\n\n{after}"
    tail = document.index("สามารถใช้บริการ")

    def chunk(start: int, end: int) -> Chunk:
        return Chunk(f"kiosk#{start}", "kiosk.md", "Kiosk", document[start:end], None, (), "th", start, end)

    chunks = [chunk(0, len(sentence)), chunk(tail, len(document))]
    spans = drop_overlap_tails(chunks, [chunk_sentence_spans(item) for item in chunks])
    assert [chunks[1].text[a:b] for a, b in spans[1]] == [after]
    assert [chunks[0].text[a:b] for a, b in spans[0]] == [sentence]
    # an overlap that repeats a whole sentence keeps it: the previous chunk quotes no longer one
    whole = [chunk(0, len(sentence)), chunk(0, len(document))]
    spans = drop_overlap_tails(whole, [chunk_sentence_spans(item) for item in whole])
    assert [whole[1].text[a:b] for a, b in spans[1]] == [sentence, after]


def test_an_overlap_tail_with_its_own_subject_stays_quotable() -> None:
    """"โดยชื่อผู้ใช้งานจะเป็นเลขประจำตัวนิติบุคคล 13 หลัก" ends the previous chunk's long sentence but says
    the detail a question asks for (the check question o23 quotes it)."""
    from ingest.model import Chunk
    from index.sentences import drop_overlap_tails

    sentence = (
        "ในกรณีที่เป็นนิติบุคคลแล้ว สามารถนำชื่อผู้ใช้งานและรหัสผ่านที่ออกโดยกรมพัฒนาธุรกิจการค้าไปใช้ในระบบ Biz Portal "
        "ได้ทันที โดยชื่อผู้ใช้งานจะเป็นเลขประจำตัวนิติบุคคล 13 หลัก"
    )
    after = "ชื่อผู้ใช้งานและรหัสผ่านนี้จะส่งไปยังอีเมลของผู้ขอจดทะเบียนเมื่อจดทะเบียนจัดตั้งนิติบุคคลเสร็จสิ้นแล้ว"
    document = f"{sentence}\n\n{after}"
    tail = document.index("โดยชื่อผู้ใช้งาน")
    chunks = [
        Chunk("dbd#0", "dbd.md", "DBD ID", document[: len(sentence)], None, (), "th", 0, len(sentence)),
        Chunk("dbd#1", "dbd.md", "DBD ID", document[tail:], None, (), "th", tail, len(document)),
    ]
    spans = drop_overlap_tails(chunks, [chunk_sentence_spans(item) for item in chunks])
    assert chunks[1].text[slice(*spans[1][0])] == "โดยชื่อผู้ใช้งานจะเป็นเลขประจำตัวนิติบุคคล 13 หลัก"
