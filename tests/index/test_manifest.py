"""Reading an index manifest: a damaged one is named with the command that rebuilds the index."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.generations import CURRENT_NAME
from index.manifest import MANIFEST_NAME, IndexManifest, IndexMismatchError, IndexNotFoundError


def _generation(tmp_path: Path, manifest: str | None) -> Path:
    index_dir = tmp_path / "idx"
    generation = index_dir / "gen-000002"
    generation.mkdir(parents=True)
    (index_dir / CURRENT_NAME).write_text("gen-000002", encoding="utf-8")
    if manifest is not None:
        (generation / MANIFEST_NAME).write_text(manifest, encoding="utf-8")
    return generation


@pytest.mark.parametrize(
    ("manifest", "says"),
    [
        ('{"format_version": 1, "encoders": [', "is damaged (Expecting"),  # cut off mid-write
        ("[]", "is damaged (not a JSON object)"),
        ('{"format_version": 1, "extra": 2}', "is damaged (IndexManifest.__init__() got an unexpected keyword"),
    ],
)
def test_a_damaged_manifest_names_the_file_and_the_index_folder_to_rebuild(tmp_path: Path, manifest: str, says: str) -> None:
    generation = _generation(tmp_path, manifest)
    with pytest.raises(IndexMismatchError) as raised:
        IndexManifest.load(generation)
    message = str(raised.value)
    assert f"the index manifest {generation / MANIFEST_NAME} {says}" in message
    assert message.endswith(f"policyrag ingest PATH --index {tmp_path / 'idx'} --rebuild")  # the folder given, not gen-000002


def test_a_missing_manifest_says_how_to_build_the_index_the_user_named(tmp_path: Path) -> None:
    generation = _generation(tmp_path, None)
    with pytest.raises(IndexNotFoundError, match=f"--index {tmp_path / 'idx'}$"):
        IndexManifest.load(generation)
