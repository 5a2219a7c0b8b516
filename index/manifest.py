"""The index folder's manifest: what built it, so that opening it with other settings fails loudly.

Vectors from one model are meaningless to another; a silent mismatch returns confident garbage.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

MANIFEST_NAME = "manifest.json"
FORMAT_VERSION = 1


class IndexError_(RuntimeError):
    """Base class of index problems a user can fix (names the folder and the command to run)."""


def index_folder(folder: Path) -> Path:
    """The index folder a generation folder belongs to (what a user passes as ``--index``)."""
    from index.generations import CURRENT_NAME, GENERATION_PREFIX

    if folder.name.startswith(GENERATION_PREFIX) and (folder.parent / CURRENT_NAME).is_file():
        return folder.parent
    return folder


class IndexNotFoundError(IndexError_):
    pass


class IndexMismatchError(IndexError_):
    pass


def package_version() -> str:
    try:
        return version("policyrag")
    except PackageNotFoundError:  # running from a source tree
        return "0+unknown"


@dataclass
class IndexManifest:
    encoders: list[dict[str, object]]  # model, dimension, query_prompt, passage_prompt; first is primary
    passage_template: str
    chunking: dict[str, int]
    analyzer: dict[str, object]
    chunks: int = 0
    documents: int = 0
    languages: dict[str, int] = field(default_factory=dict)
    # Absolute folders that chunk ``source`` paths are relative to (what was ingested), so the web
    # app can serve the original files; empty in indexes built before it was recorded.
    roots: list[str] = field(default_factory=list)
    # Sentence vectors stored (index/sentences.py); 0 in indexes built without them.
    sentences: int = 0
    # The rules that chose the quotable sentences (ingest.sentences.SENTENCE_RULES); sentence
    # vectors are only reused by an incremental build made under the same rules.
    sentence_rules: str = ""
    # How text was normalised before the encoders (index.encoder_text.ENCODER_TEXT); '' in indexes
    # built before Thai digits were mapped: their vectors of passages with Thai digits are stale.
    encoder_text: str = ""
    # Where the vectors and BM25 live (index/vector_store): {"backend": "faiss", "plan", "stores":
    # {store: {pool: index kind}}} or {"backend": "milvus", "uri", "prefix", "collections"}; empty
    # in indexes built before it was recorded (FAISS, exact pools).
    vector_store: dict[str, object] = field(default_factory=dict)
    format_version: int = FORMAT_VERSION
    package_version: str = field(default_factory=package_version)
    created: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds"))

    def save(self, folder: Path) -> None:
        (folder / MANIFEST_NAME).write_text(json.dumps(asdict(self), ensure_ascii=False, indent=2), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> IndexManifest:
        path = folder / MANIFEST_NAME
        if not path.is_file():
            raise IndexNotFoundError(
                f"no policyrag index at {folder} (missing {MANIFEST_NAME}). "
                f"Build one with: policyrag ingest PATH --index {index_folder(folder)}"
            )
        index_dir = index_folder(folder)
        rebuild = f"Rebuild it with: policyrag ingest PATH --index {index_dir} --rebuild"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise IndexMismatchError(f"the index manifest {path} is damaged ({error}). {rebuild}") from error
        if not isinstance(data, dict):
            raise IndexMismatchError(f"the index manifest {path} is damaged (not a JSON object). {rebuild}")
        if data.get("format_version") != FORMAT_VERSION:
            raise IndexMismatchError(
                f"the index at {index_dir} has format {data.get('format_version')}, this policyrag reads "
                f"format {FORMAT_VERSION}. {rebuild}"
            )
        try:
            return cls(**data)
        except TypeError as error:  # a field missing or unknown: written by hand or by another program
            raise IndexMismatchError(f"the index manifest {path} is damaged ({error}). {rebuild}") from error

    def check_encoders(self, configured: list[tuple[str, str, str]], folder: Path) -> None:
        """Raise when the configured models or prompts differ from the ones that built the index.

        ``configured`` holds (model, query_prompt, passage_prompt) per encoder, primary first.
        """
        built = [(str(e["model"]), str(e["query_prompt"]), str(e["passage_prompt"])) for e in self.encoders]
        rebuild = f"policyrag ingest PATH --index {folder}"
        if [c[0] for c in configured] != [b[0] for b in built]:
            raise IndexMismatchError(
                f"the index at {folder} was built with embedding model(s) {[b[0] for b in built]}, but the "
                f"settings name {[c[0] for c in configured]}. Either restore the settings (POLICYRAG_MODEL="
                f"{built[0][0]!r}) or rebuild the index with the new model: {rebuild}"
            )
        if configured != built:
            raise IndexMismatchError(
                f"the index at {folder} was built with prompts {[(b[1], b[2]) for b in built]} (query, passage), "
                f"but the settings say {[(c[1], c[2]) for c in configured]}. Restore them or rebuild: {rebuild}"
            )
