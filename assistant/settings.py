"""All of policyrag's configuration in one typed object.

Values come from, in increasing priority: the defaults below, a TOML file (``policyrag.toml`` in
the working directory, or the file named by ``POLICYRAG_CONFIG``), then environment variables
named ``POLICYRAG_<FIELD>`` in upper case (e.g. ``POLICYRAG_MODEL``, ``POLICYRAG_TOP_K``).
"""

from __future__ import annotations

import json
import math
import os
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, get_type_hints

from assistant.origins import parse_origins
from index.bundled_model import BUNDLED_MODEL_NAME
from index.embedder import ENCODER_BACKENDS, USE_MODEL_NAME
from index.retrieval.rerank import RERANKERS
from index.sentence_embedding import SENTENCE_CONTEXTS, SENTENCE_METHODS
from index.vector_store import VECTOR_STORES

ENV_PREFIX = "POLICYRAG_"
CONFIG_ENV = "POLICYRAG_CONFIG"
DEFAULT_CONFIG_FILE = "policyrag.toml"
ANSWERERS = ("extractive", "llm")
MILVUS_INDEXES = ("", "FLAT", "HNSW", "IVF_FLAT", "IVF_SQ8", "AUTOINDEX")


@dataclass(frozen=True)
class Settings:
    # Where things live
    index_dir: Path = Path(".policyrag/index")
    corpus_dir: Path = Path("corpus")

    # Web app and HTTP API (`policyrag serve`)
    serve_host: str = "127.0.0.1"
    serve_port: int = 7860
    # Requests answered at once. Retrieval itself runs one query at a time (2-core machines: the
    # model is the slow part); the rest queue in Gradio and wait milliseconds, not seconds.
    serve_concurrency: int = 8
    # An office deployment (README "Office deployment"): sign-in is on whenever the users file
    # holds a user (`policyrag users add`); each user reads only the collections they are given.
    users_file: Path = Path(".policyrag/users.toml")
    session_hours: float = 12.0  # a web sign-in lasts this long (then sign in again)
    audit_log: Path = Path(".policyrag/audit.jsonl")  # JSON Lines: questions, uploads, removals, sign-ins
    uploads_dir: Path = Path(".policyrag/uploads")  # files being checked, and removed documents moved aside
    max_query_chars: int = 2000  # longer questions are refused at once (413), in the page, the API and the CLI
    max_request_bytes: int = 1_000_000  # request bodies other than uploads (413 before they are read)
    max_upload_bytes: int = 100_000_000  # one upload request, all its files together
    api_rate_limit: int = 120  # requests a minute per user to /api/* (429 beyond); 0: no limit
    # Origins whose pages may change things besides the server's own Host ("https://a.example,
    # https://b.example:8443"): for a proxy that rewrites Host (assistant/web/cross_site.py).
    trusted_origins: str = ""

    # Embedding model (any sentence-transformers name or folder works here)
    model: str = BUNDLED_MODEL_NAME
    query_prompt: str = "query: "
    passage_prompt: str = "passage: "
    # What a passage is found by (encoders and BM25): its document title and heading path give it
    # its subject. On dev-qa, the title alone took e5's Recall@10 from 0.60 to 0.80.
    passage_template: str = "{title}\n{heading}\n{text}"
    embed_batch_size: int = 16
    # A second, different multilingual encoder whose scores are added (empty string: none).
    second_model: str = USE_MODEL_NAME
    # What runs the embedding models: "openvino" (e5 exported once into the cache, USE's n-gram
    # CNN built as a graph at load; bfloat16 on CPUs with AVX512-BF16/AMX), "torch" (e5 on torch,
    # USE in numpy), or "auto" (OpenVINO where installed, torch/numpy otherwise).
    encoder_backend: str = "auto"
    # CPU threads for the models: a query process (search, ask, serve) uses query_threads (one:
    # no thread waits on another, so queries keep their speed next to a running ingest); an
    # ingest uses ingest_threads (0: every usable core; see index/cpu_policy.py).
    query_threads: int = 1
    ingest_threads: int = 0
    # While a query process runs (serve, search, ask), an ingest lowers its priority by this nice
    # increment (0: not at all) and leaves one core to the queries (index/cpu_policy.py).
    ingest_nice: int = 10

    # Chunking
    chunk_max_chars: int = 800
    chunk_overlap_chars: int = 120
    chunk_min_chars: int = 200

    # Ingest
    max_file_bytes: int = 200_000_000
    # Detect PDF section headings from font size/weight for heading paths. Off by default: on
    # dev-qa it changed chunk boundaries and lowered Recall@10 (0.85 -> 0.825; e5 alone 0.75 -> 0.65).
    pdf_headings: bool = False
    # OCR (tesseract) for PDF pages without a usable text layer: "auto" = scanned and garbled pages,
    # "scanned" = pages with no text layer only, "off". About 5 s a page on 2 cores; cached.
    ocr: str = "auto"
    ocr_languages: str = "tha+eng"
    ocr_dpi: int = 200

    # Retrieval
    top_k: int = 10
    dense_candidates: int = 100
    bm25_candidates: int = 100
    dense_weight: float = 1.0
    second_model_weight: float = 0.5
    bm25_weight: float = 5.0
    cross_script_bm25_weight: float = 0.5  # fraction of bm25_weight for passages in the other script
    # Each passage's best sentence, as a fraction of the passage weight (index/sentences.py). The
    # sentence vectors are written at ingest unless sentence_vectors is false (e5's are embedded
    # apart, about as many tokens again as the passages; see sentence_embedding); false skips
    # them and this term (dev-qa MRR@10 0.622 -> 0.582).
    sentence_weight: float = 0.5
    sentence_candidates: int = 100
    sentence_vectors: bool = True
    # Near-duplicate passages (copies of a document under other names) take one place in the
    # results, the other copies listed on the hit: Jaccard similarity of character 5-grams from
    # which two passages are copies (1.0: identical text only; 0: never fold).
    dedup_threshold: float = 0.85
    # Add the other language's form of a question's terms from the index's bilingual term table
    # (terms.tsv, mined at ingest from "Thai term (English term)" in the documents) to BM25. Off:
    # on the reference corpus the table holds the DGA documents' IT terms, not the policy terms
    # questions use, and it moved nothing (dev-qa identical, checks MRR@10 0.506 -> 0.501).
    expand_terms: bool = False
    # How sentence vectors are made (index/sentence_embedding.py): "auto" pools them from the
    # passage's own forward pass where that equals embedding the sentence (USE: local features)
    # and embeds them apart otherwise (e5: XQuAD cross-lingual R@1 -0.02 when pooled); "pooled"
    # pools for every encoder (fastest); "separate" embeds every sentence again on its own.
    sentence_embedding: str = "auto"
    # What a sentence embedded apart is put after: "heading" (the title and the heading path it
    # sits under) or "title" (the title alone: 11% fewer tokens in e5's sentence pass).
    sentence_context: str = "heading"

    # Vector store (index/vector_store): where `policyrag ingest` writes the dense vectors and
    # BM25. "faiss": files in the index folder (default). "milvus": Milvus collections, in a Milvus
    # Lite file (milvus_uri empty: milvus.db in the index folder; pip install 'policyrag[milvus]')
    # or a Milvus server or cluster (milvus_uri = "http://host:19530"). An index is always opened
    # with the back end that wrote it.
    vector_store: str = "faiss"
    # FAISS pools up to this many vectors are searched exactly; larger ones are compressed (SQ8
    # codes re-scored from fp16 vectors; 4-bit PQ fast-scan from 200,000): README "Index at scale".
    faiss_exact_max: int = 20_000
    # The best-sentence term scores the sentences of the passages the dense and BM25 stages found
    # (index/retrieval/stages.py BestSentences; README "Large document stores"); sentence pools (one
    # per encoder and language) of up to this many sentences are scanned whole instead. 0 (default):
    # never; measured as good on the reference corpus and 2.3x faster there.
    sentence_scan_max: int = 0
    # Threads one query's passage searches (each language pool of each encoder) run on side by
    # side, at most the usable cores; 1: one after another. Results are the same either way
    # (index/retrieval/parallel.py; README "Large document stores").
    search_threads: int = 2
    # Second-stage reranker over the fused top 50 (index/retrieval/rerank.py): "none" keeps the
    # fused order; "learned" re-orders it with a linear ranker fitted on XQuAD's Thai/English
    # questions (benchmarks/rerank_train.py; weights in index/retrieval/rerank_weights.json).
    reranker: str = "none"
    milvus_uri: str = ""
    milvus_token: str = ""  # a server's "user:password" or API key; better set as POLICYRAG_MILVUS_TOKEN
    milvus_collection: str = ""  # collection name prefix; empty: policyrag_ + a hash of the index folder
    milvus_index: str = ""  # empty: FLAT on Milvus Lite, HNSW on a server
    # Reference lists (bibliographies: "OECD (2019), Title, OECD Publishing, Paris, https://doi.org/...")
    # among a query's top 50 candidates lose this much of their fused score (summed z-scores plus
    # BM25 shares; index/retrieval/stages.py ReferenceLists, ingest/lang.py is_reference_list); 0: off.
    reference_list_weight: float = 4.0

    # Answering (``policyrag ask``, the web app): "extractive" (default, no LLM, offline) or "llm".
    answerer: str = "extractive"
    answer_passages: int = 5  # top passages the answerer reads (all retrieved ones are shown)
    answer_max_sentences: int = 4
    answer_min_sentences: int = 1  # 2 filled a second quote even when far below the first (another document, another language)
    # Total length of the extractive answer's quotes. 1200: three quotes of a long report sentence
    # (300-400 characters, Thai ones longer) fit; at 900 a long second quote left no room for a
    # better third (the "What does the OECD DGI measure?" and three held-out questions).
    answer_max_chars: int = 1200
    # MMR between quotes: 1.0 ranks by relevance alone. Sentence vectors carry their title and
    # heading path, so the evidence's neighbour in the same section looks "redundant" to MMR; on
    # dev-qa lower values quoted the evidence less often (benchmarks/answers.py).
    answer_mmr_lambda: float = 1.0
    # "Not found": the best sentence's support score (e5 cosine + 0.5 x USE cosine on the sentence
    # vectors stored at ingest, see assistant/evidence.py) must reach support_strong_similarity,
    # or support_min_similarity with support_min_overlap of the question's words in the top
    # passages. Calibrated on dev-qa against 40 off-topic questions (benchmarks/answers.py). The
    # more of the question's words the top passages hold, the less is needed: down to
    # support_full_overlap_similarity when they hold all of them (none of the off-topic questions
    # finds more than 0.4 of its words; never above support_min_similarity).
    support_min_similarity: float = 0.95
    support_strong_similarity: float = 0.975
    support_min_overlap: float = 0.5
    support_full_overlap_similarity: float = 0.92
    # the quotes must also carry the places and years the question names and the form it asks for
    # (a number, an amount, a date): close sentences that share only its topic are "related, not an
    # answer" (assistant/answerability.py); false leaves the decision to the similarity test
    support_specifics: bool = True

    # LLM answerer: any OpenAI-compatible endpoint (Typhoon, vLLM, Ollama, llama-server).
    llm_base_url: str = "http://127.0.0.1:8080/v1"
    llm_model: str = ""  # empty: the first model the server lists
    llm_api_key: str = ""  # or set POLICYRAG_LLM_API_KEY; local servers need none
    llm_max_tokens: int = 400  # always sent: some APIs default to 150 tokens and cut answers
    llm_temperature: float = 0.1
    llm_timeout: float = 120.0  # seconds for the whole answer; then the extractive answer is shown
    llm_passage_chars: int = 1200  # each passage is cut to this length in the prompt
    # Extra JSON fields for the request body, as a JSON object: server-specific options, e.g.
    # '{"chat_template_kwargs": {"enable_thinking": false}}' for Qwen3 on vLLM, or a llama-server grammar.
    llm_extra_body: str = ""

    # An open PolicyRAG (the web app) picks up a new index generation written by `policyrag ingest`
    # while it runs; false stays on the generation it opened.
    follow_index: bool = True

    show_progress: bool = True

    def __post_init__(self) -> None:
        problems = []
        if not 0 < self.serve_port < 65536:
            problems.append(f"serve_port must be 1-65535 (got {self.serve_port})")
        if self.serve_concurrency <= 0:
            problems.append(f"serve_concurrency must be positive (got {self.serve_concurrency})")
        if self.max_query_chars <= 0 or self.max_request_bytes <= 0 or self.max_upload_bytes <= 0:
            problems.append("max_query_chars, max_request_bytes and max_upload_bytes must be positive")
        if self.session_hours <= 0 or self.api_rate_limit < 0:
            problems.append("session_hours must be positive and api_rate_limit >= 0 (0: no limit)")
        if self.top_k <= 0:
            problems.append(f"top_k must be positive (got {self.top_k})")
        try:
            parse_origins(self.trusted_origins)
        except ValueError as error:
            problems.append(str(error))
        if self.sentence_candidates <= 0 or self.sentence_weight < 0:
            problems.append("sentence_candidates must be positive and sentence_weight >= 0")
        if self.sentence_scan_max < 0:
            problems.append(f"sentence_scan_max must be >= 0 (got {self.sentence_scan_max})")
        if not 0.0 <= self.dedup_threshold <= 1.0:
            problems.append(f"dedup_threshold must be from 0 to 1 (got {self.dedup_threshold})")
        if self.chunk_max_chars < 100:
            problems.append(f"chunk_max_chars must be at least 100 (got {self.chunk_max_chars})")
        if not 0 <= self.chunk_overlap_chars < self.chunk_max_chars:
            problems.append("chunk_overlap_chars must be >= 0 and smaller than chunk_max_chars")
        if self.answerer not in ANSWERERS:
            problems.append(f"answerer must be one of {', '.join(ANSWERERS)} (got {self.answerer!r})")
        if self.answer_passages <= 0 or self.answer_max_sentences <= 0:
            problems.append("answer_passages and answer_max_sentences must be positive")
        if not 1 <= self.answer_min_sentences <= self.answer_max_sentences:
            problems.append("answer_min_sentences must be between 1 and answer_max_sentences")
        if not 0 <= self.support_min_similarity <= self.support_strong_similarity:
            problems.append("need 0 <= support_min_similarity <= support_strong_similarity")
        if self.support_full_overlap_similarity < 0:
            problems.append("support_full_overlap_similarity must not be negative")
        if self.llm_max_tokens <= 0 or self.llm_timeout <= 0:
            problems.append("llm_max_tokens and llm_timeout must be positive")
        if self.ocr not in ("auto", "scanned", "off"):
            problems.append(f"ocr must be auto, scanned or off (got {self.ocr!r})")
        if not 50 <= self.ocr_dpi <= 600:
            problems.append(f"ocr_dpi must be from 50 to 600 (got {self.ocr_dpi})")
        if self.max_file_bytes <= 0:
            problems.append(f"max_file_bytes must be positive (got {self.max_file_bytes})")
        if self.llm_extra_body:
            try:
                if not isinstance(json.loads(self.llm_extra_body), dict):
                    raise ValueError("not an object")
            except ValueError as error:
                problems.append(f"llm_extra_body must be a JSON object ({error})")
        if self.encoder_backend not in ENCODER_BACKENDS:
            problems.append(f"encoder_backend must be one of {', '.join(ENCODER_BACKENDS)} (got {self.encoder_backend!r})")
        if self.query_threads <= 0 or self.ingest_threads < 0:
            problems.append("query_threads must be positive and ingest_threads >= 0 (0: every usable core)")
        if self.reference_list_weight < 0:
            problems.append(f"reference_list_weight must be >= 0 (0: off; got {self.reference_list_weight})")
        if self.search_threads <= 0:
            problems.append(f"search_threads must be at least 1 (got {self.search_threads})")
        if self.reranker not in RERANKERS:
            problems.append(f"reranker must be one of {', '.join(RERANKERS)} (got {self.reranker!r})")
        if not 0 <= self.ingest_nice <= 19:
            problems.append(f"ingest_nice must be from 0 to 19 (got {self.ingest_nice})")
        if self.sentence_embedding not in SENTENCE_METHODS:
            problems.append(f"sentence_embedding must be one of {', '.join(SENTENCE_METHODS)} (got {self.sentence_embedding!r})")
        if self.sentence_context not in SENTENCE_CONTEXTS:
            problems.append(f"sentence_context must be one of {', '.join(SENTENCE_CONTEXTS)} (got {self.sentence_context!r})")
        if "{text}" not in self.passage_template:
            problems.append("passage_template must contain {text}")
        if self.vector_store not in VECTOR_STORES:
            problems.append(f"vector_store must be one of {', '.join(VECTOR_STORES)} (got {self.vector_store!r})")
        if self.faiss_exact_max <= 0:
            problems.append(f"faiss_exact_max must be positive (got {self.faiss_exact_max})")
        if self.milvus_index.upper() not in MILVUS_INDEXES:
            problems.append(f"milvus_index must be one of {', '.join(i for i in MILVUS_INDEXES if i)} or empty (got {self.milvus_index!r})")
        if self.milvus_collection and not self.milvus_collection.replace("_", "a").isalnum() or self.milvus_collection[:1].isdigit():
            problems.append(f"milvus_collection must be letters, digits and _, not starting with a digit (got {self.milvus_collection!r})")
        if problems:
            raise ValueError("invalid policyrag settings: " + "; ".join(problems))

    @classmethod
    def load(cls, config_file: Path | None = None, environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
        """Defaults, then the TOML file, then ``POLICYRAG_*`` environment variables, then ``overrides``."""
        environ = dict(os.environ if environ is None else environ)
        values: dict[str, Any] = {}
        path = config_file or (Path(environ[CONFIG_ENV]) if CONFIG_ENV in environ else Path(DEFAULT_CONFIG_FILE))
        if path.is_file():
            try:
                with path.open("rb") as handle:
                    data = tomllib.load(handle)
            except tomllib.TOMLDecodeError as error:
                raise ValueError(f"settings file {path} is not valid TOML: {error}. Fix that line, or move the file away") from error
            values.update(data.get("policyrag", data))
        elif config_file is not None or CONFIG_ENV in environ:
            raise FileNotFoundError(f"settings file {path} does not exist (named by --config or {CONFIG_ENV})")
        for field in fields(cls):
            key = ENV_PREFIX + field.name.upper()
            if key in environ:
                values[field.name] = environ[key]
        values.update({key: value for key, value in overrides.items() if value is not None})
        unknown = set(values) - {field.name for field in fields(cls)}
        if unknown:
            raise ValueError(f"unknown policyrag setting(s) {sorted(unknown)} in {path} or overrides")
        return cls(**{name: _coerce(name, value) for name, value in values.items()})

    def with_overrides(self, **overrides: Any) -> Settings:
        return replace(self, **{k: _coerce(k, v) for k, v in overrides.items() if v is not None})


def _coerce(name: str, value: Any) -> Any:
    """Turn TOML/env strings into the field's type, with an error naming the setting."""
    kind = get_type_hints(Settings)[name]
    try:
        if kind is bool and isinstance(value, str):
            if value.lower() not in {"1", "0", "true", "false", "yes", "no", "on", "off"}:
                raise ValueError(value)
            return value.lower() in {"1", "true", "yes", "on"}
        if kind is Path:
            return Path(value).expanduser()
        converted = kind(value)
        if kind is float and not math.isfinite(converted):  # "nan" or "inf" would scramble every score
            raise ValueError(value)
        return converted
    except (TypeError, ValueError) as error:
        raise ValueError(f"setting {name!r} expects {kind.__name__}, got {value!r}") from error
