"""Fixtures of an office deployment (see ``tests/assistant/office.py``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.assistant.office import Office, build_office


@pytest.fixture(scope="module")
def office_ro(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Office]:
    """An office index for tests that only read it (built once per module)."""
    office = build_office(tmp_path_factory.mktemp("office"))
    yield office
    office.rag.close()


@pytest.fixture
def office(tmp_path: Path) -> Iterator[Office]:
    """An office index of its own, for tests that add, remove or sign in and out."""
    office = build_office(tmp_path)
    yield office
    office.rag.close()
