"""Plain text files: decode whatever the encoding, then one block per paragraph."""

from __future__ import annotations

from pathlib import Path

from charset_normalizer import from_bytes

from ingest.model import Block, Document
from ingest.normalize import normalize_text
from ingest.readers.base import MAX_TITLE_CHARS, ReaderError, build_document


def decode_bytes(data: bytes, path: Path) -> str:
    """Decode file bytes: UTF-8 (with or without BOM) first, else charset-normalizer's best guess.

    Older Thai files are often TIS-620 / cp874; charset-normalizer recognises them from the byte
    distribution. UTF-8 is tried strictly first because it is by far the most common and a strict
    decode that succeeds is never wrong.

    Raises:
        ReaderError: the bytes are not text in any encoding charset-normalizer knows.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None:
        raise ReaderError(
            f"{path}: not UTF-8 and no other text encoding fits: "
            "convert it to UTF-8 (e.g. iconv -f TIS-620 -t UTF-8) or check it is a text file"
        )
    return str(best)


def text_title(paragraphs: list[str], path: Path) -> str:
    """The first line if it is short enough to be a title, else the file name without suffix."""
    if paragraphs:
        first_line = paragraphs[0].split("\n", 1)[0].lstrip("#").strip()
        if first_line and len(first_line) < MAX_TITLE_CHARS:
            return first_line
    return path.stem


class TextReader:
    """Reads ``.txt`` files: paragraphs are separated by blank lines.

    Line breaks inside a paragraph are kept (lists and addresses stay readable); headings are not
    detected. The title is the first line when shorter than 120 characters (a leading Markdown
    ``#`` is dropped), else the file stem.
    """

    def run(self, path: Path, source: str) -> Document:
        text = normalize_text(decode_bytes(path.read_bytes(), path))
        paragraphs = [p for p in text.split("\n\n") if p]
        return build_document(
            path=path,
            source=source,
            title=text_title(paragraphs, path),
            blocks=[Block(text=p) for p in paragraphs],
        )
