"""OCR for PDF pages without a usable text layer: pypdfium2 renders, Debian's tesseract reads.

Scanned letters and regulations (several DGA PDFs) have no text layer at all, and some PDFs have
one that is garbage ("ใชF" for ใช้); without OCR those documents are unsearchable. Tesseract 5 with
``tha+eng`` reads them well at 200 dpi, at about 5 s a page on 2 busy cores with one OpenMP thread
(24-28 s with tesseract's default threads, which spin against each other on a shared machine), so:

- only the pages that need it are OCR'd (the PDF reader decides, see ``ingest.fidelity.page_quality``),
- results are cached by the rendered page's pixels (plus languages, dpi and tesseract version) under
  the user cache (``~/.cache/policyrag/ocr``, or ``$POLICYRAG_CACHE_DIR/ocr``): re-ingesting a
  folder renders each page again (milliseconds) but never re-runs tesseract on it,
- progress is shown per page.

Tesseract is a system program (``apt-get install tesseract-ocr tesseract-ocr-tha``), called as a
subprocess; pages are piped to it as PGM images, so no temporary files and no Pillow are needed.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from tqdm import tqdm

from ingest.normalize import normalize_text
from ingest.parallel import worker_slot

logger = logging.getLogger(__name__)

INSTALL_HINT = "install it: apt-get install tesseract-ocr tesseract-ocr-tha (Debian/Ubuntu)"
#: Bump when what is cached changes meaning, so old entries are not trusted.
_CACHE_VERSION = 1

_THAI_RUN = re.compile("[\u0e01-\u0e4e]{3,}")
_LATIN_WORD = re.compile(r"[A-Za-z]{4,}")
#: A line of OCR output with less word content than this is a stamp, signature or speck.
MIN_LINE_WORD_CHARS = 4
#: A mostly-Thai OCR line whose Thai characters fall less than this share in dictionary words is
#: noise (dotted leaders, rules and logos read as Thai letters: "วไฮววฮวฮวฮั็ัไวูไปปป").
MIN_THAI_DICTIONARY_SHARE = 0.5
_THAI_CHAR = re.compile("[\u0e01-\u0e4e]")
_LATIN_CHAR = re.compile("[A-Za-z]")


@lru_cache(maxsize=1)
def thai_dictionary() -> frozenset[str]:
    from pythainlp.corpus import thai_words

    return frozenset(thai_words())


def thai_dictionary_share(line: str) -> float | None:
    """Share of the line's Thai characters that sit in dictionary words (pythainlp newmm), or None without Thai.

    Example:
        >>> round(thai_dictionary_share("ระบบควบคุมการขอใช้โปรแกรม"), 2), round(thai_dictionary_share("ววฮวฮวฮั็ัไวูไปปป"), 2)
        (1.0, 0.24)
    """
    from pythainlp.tokenize import word_tokenize

    words = thai_dictionary()
    tokens = word_tokenize(line, engine="newmm", keep_whitespace=False)
    thai = sum(len(_THAI_CHAR.findall(token)) for token in tokens)
    if not thai:
        return None
    known = sum(len(_THAI_CHAR.findall(token)) for token in tokens if len(token) >= 2 and token in words)
    return known / thai


def _is_noise(line: str) -> bool:
    words = sum(len(run) for run in _THAI_RUN.findall(line)) + sum(len(w) for w in _LATIN_WORD.findall(line))
    if words < MIN_LINE_WORD_CHARS:
        return True
    thai = len(_THAI_CHAR.findall(line))
    if thai < len(_LATIN_CHAR.findall(line)):  # mostly English: code, field names, part numbers stay
        return False
    share = thai_dictionary_share(line)
    return share is not None and share < MIN_THAI_DICTIONARY_SHARE


class OCRUnavailable(RuntimeError):
    """OCR cannot run here; the message says what is missing and how to install it."""


@dataclass
class OCRStats:
    """What a :class:`PageOCR` did so far: pages read by tesseract, pages from the cache, seconds spent."""

    pages_read: int = 0
    pages_cached: int = 0
    pages_failed: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        per_page = f" ({self.seconds / self.pages_read:.1f} s a page)" if self.pages_read else ""
        failed = f", {self.pages_failed} failed" if self.pages_failed else ""
        return (
            f"OCR: {self.pages_read + self.pages_cached} page(s), {self.pages_read} read by tesseract in "
            f"{self.seconds:.0f} s{per_page}, {self.pages_cached} from the cache{failed}."
        )


@dataclass(frozen=True)
class TesseractInfo:
    """The tesseract found on this machine: its executable, version and installed languages."""

    executable: str
    version: str
    languages: frozenset[str]


@lru_cache(maxsize=8)
def find_tesseract(executable: str = "tesseract") -> TesseractInfo | None:
    """The tesseract on PATH (or at ``executable``) with its languages, or None when there is none."""
    found = shutil.which(executable)
    if found is None:
        return None
    try:
        version = subprocess.run([found, "--version"], capture_output=True, text=True, timeout=30, check=False)
        langs = subprocess.run([found, "--list-langs"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    first = (version.stdout or version.stderr).strip().splitlines()
    languages = frozenset(line.strip() for line in langs.stdout.splitlines()[1:] if line.strip())
    return TesseractInfo(found, first[0] if first else "tesseract", languages)


def clean_ocr_text(text: str) -> str:
    """Normalise OCR output and drop lines that are stamps, signatures or specks.

    Tesseract writes ำ as U+0E4D U+0E32 (``normalize_text`` composes it) and turns stamps and
    signatures into short noise lines ("ซ่", "eds ow"), dotted leaders and rules into strings of
    Thai letters. A line is kept when its Thai runs of three or more characters plus its Latin
    words of four or more letters make at least :data:`MIN_LINE_WORD_CHARS` characters and, when
    it is mostly Thai, at least :data:`MIN_THAI_DICTIONARY_SHARE` of its Thai characters are in
    dictionary words. On the 75 OCR'd DGA pages this dropped 59 of 1,749 Thai lines, nearly all
    noise (a repeated garbled footer, table-of-contents leaders).

    Example:
        >>> clean_ocr_text("ซ่      eds ow   ao ae.\\nเรื่อง ขอความอนุเคราะห์\\nการด\\u0e4d\\u0e32เนินงาน")
        'เรื่อง ขอความอนุเคราะห์\\nการดำเนินงาน'
    """
    kept = [line for line in normalize_text(text, from_pdf=True).split("\n") if not line.strip() or not _is_noise(line)]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()


@lru_cache(maxsize=1)
def _pdfium_version() -> str:
    """The renderer's version: a page cached by its file and number was rendered by it."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pypdfium2")
    except PackageNotFoundError:
        return ""


def render_page_pgm(pdf_path: Path, page_index: int, dpi: int) -> bytes:
    """Render one page (0-based) in greyscale as a binary PGM image, the format tesseract reads from a pipe."""
    try:
        import pypdfium2 as pdfium
    except ImportError as error:  # pragma: no cover - a core dependency; only a broken install lacks it
        raise OCRUnavailable("pypdfium2 is not installed: pip install pypdfium2 (policyrag depends on it)") from error
    document = pdfium.PdfDocument(str(pdf_path))
    try:
        page = document[page_index]
        bitmap = page.render(scale=dpi / 72, grayscale=True)
        width, height, stride = bitmap.width, bitmap.height, bitmap.stride
        buffer = bytes(bitmap.buffer)
        if stride == width:
            pixels = buffer[: width * height]
        else:
            pixels = b"".join(buffer[row * stride : row * stride + width] for row in range(height))
        page.close()
    finally:
        document.close()
    return b"P5\n%d %d\n255\n" % (width, height) + pixels


class PageOCR:
    """OCRs PDF pages with tesseract, caching the text by the rendered page's content (and
    pointing to it from the file's digest and page number, so a cached page is not rendered).

    Args:
        languages: tesseract languages, ``+``-joined (default ``tha+eng``).
        dpi: render resolution; 200 reads the DGA scans well.
        cache_dir: folder for cached page texts; None for no cache.
        timeout_s: seconds one page may take before it is given up.
        show_progress: a per-page progress bar on stderr.
        executable: the tesseract program.

    Example:
        >>> ocr = PageOCR(cache_dir=None, show_progress=False)  # doctest: +SKIP
        >>> ocr.run(Path("scan.pdf"), [1, 2])[1][:20]  # doctest: +SKIP
        'เรื่อง ขอความอนุเคราะห'
    """

    def __init__(
        self,
        languages: str = "tha+eng",
        dpi: int = 200,
        cache_dir: Path | None = None,
        timeout_s: float = 300.0,
        show_progress: bool = True,
        executable: str = "tesseract",
    ) -> None:
        if not languages or not all(part.strip() for part in languages.split("+")):
            raise ValueError(f"languages must be tesseract language codes joined by '+', got {languages!r}")
        if not isinstance(dpi, int) or not 50 <= dpi <= 600:
            raise ValueError(f"dpi must be an integer from 50 to 600, got {dpi!r}")
        if timeout_s <= 0:
            raise ValueError(f"timeout_s must be positive, got {timeout_s!r}")
        self.languages = languages
        self.dpi = dpi
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        self.timeout_s = float(timeout_s)
        self.show_progress = show_progress
        self.executable = executable
        self.stats = OCRStats()

    def unavailable_reason(self) -> str:
        """"" when OCR can run, else one line saying what is missing and how to install it."""
        info = find_tesseract(self.executable)
        if info is None:
            return f"tesseract is not installed: {INSTALL_HINT}"
        missing = [lang for lang in self.languages.split("+") if lang not in info.languages]
        if missing:
            packages = " ".join(f"tesseract-ocr-{lang}" for lang in missing)
            return f"tesseract has no {'+'.join(missing)} language data: install it: apt-get install {packages}"
        return ""

    def run(self, pdf_path: Path, page_numbers: list[int]) -> dict[int, str]:
        """Text of each of the 1-based ``page_numbers`` of ``pdf_path`` (cleaned, normalised).

        A page that fails (render error, tesseract error or timeout) is left out of the result,
        counted in :attr:`stats` and logged.

        Raises:
            OCRUnavailable: tesseract or its language data is missing.
        """
        reason = self.unavailable_reason()
        if reason:
            raise OCRUnavailable(reason)
        info = find_tesseract(self.executable)
        assert info is not None
        texts: dict[int, str] = {}
        progress = tqdm(
            page_numbers,
            desc=f"OCR {pdf_path.name[-30:]}",
            unit="page",
            file=sys.stderr,
            leave=False,
            disable=not self.show_progress,
            position=worker_slot() or None,  # in a reading worker: a line of its own (ingest.parallel)
        )
        file_digest = self._file_digest(pdf_path)
        for number in progress:
            page_key = self._key(info, f"page|{_pdfium_version()}|{file_digest}|{number}".encode()) if file_digest else ""
            raw = self._cached_by_page(page_key)
            if raw is not None:  # this page of these very bytes was read before: no need to render it
                self.stats.pages_cached += 1
                texts[number] = clean_ocr_text(raw)
                continue
            try:
                image = render_page_pgm(pdf_path, number - 1, self.dpi)
            except Exception as error:  # noqa: BLE001 - pdfium raises PdfiumError and others on broken pages
                logger.warning("%s page %d: could not render it for OCR: %s", pdf_path, number, error)
                self.stats.pages_failed += 1
                continue
            key = self._key(info, image)
            raw = self._cached(key)
            if raw is None:
                started = time.perf_counter()
                raw = self._tesseract(info.executable, image, pdf_path, number)
                self.stats.seconds += time.perf_counter() - started
                if raw is None:
                    self.stats.pages_failed += 1
                    continue
                self.stats.pages_read += 1
                self._store(key, raw)
            else:
                self.stats.pages_cached += 1
            if page_key:
                self._store(page_key, key, suffix=".page")
            texts[number] = clean_ocr_text(raw)
        return texts

    def _key(self, info: TesseractInfo, content: bytes) -> str:
        """The cache key of ``content`` (a rendered page, or a file digest and page number) read
        by this tesseract with these settings."""
        return hashlib.sha256(f"{_CACHE_VERSION}|{info.version}|{self.languages}|{self.dpi}|".encode() + content).hexdigest()

    def _file_digest(self, pdf_path: Path) -> str:
        """SHA-256 of the file's bytes ("" without a cache, or when it cannot be read)."""
        if self.cache_dir is None:
            return ""
        try:
            return hashlib.sha256(pdf_path.read_bytes()).hexdigest()
        except OSError:
            return ""

    def _cached_by_page(self, page_key: str) -> str | None:
        """The cached text of a page found by its file's digest and number: a small ``.page``
        entry names the entry of the page's rendered content (same file bytes, same page, same
        rendering), so a cached page is not rendered again only to compute its key."""
        path = self._cache_file(page_key, suffix=".page") if page_key else None
        if path is None or not path.is_file():
            return None
        try:
            key = path.read_text(encoding="utf-8").strip()
        except OSError:
            return None
        return self._cached(key) if re.fullmatch(r"[0-9a-f]{64}", key) else None

    def _tesseract(self, executable: str, image: bytes, pdf_path: Path, number: int) -> str | None:
        command = [executable, "stdin", "stdout", "-l", self.languages, "--psm", "3", "--dpi", str(self.dpi)]
        # One OpenMP thread: on a busy 2-core machine tesseract's spinning worker threads cost more
        # than they give, and OCR runs beside embedding. A user's own OMP_THREAD_LIMIT wins.
        env = {**os.environ, "OMP_THREAD_LIMIT": os.environ.get("OMP_THREAD_LIMIT", "1")}
        try:
            done = subprocess.run(
                command, input=image, capture_output=True, timeout=self.timeout_s, check=False, env=env
            )
        except subprocess.TimeoutExpired:
            logger.warning("%s page %d: OCR took over %.0f s and was stopped", pdf_path, number, self.timeout_s)
            return None
        if done.returncode != 0:
            logger.warning("%s page %d: tesseract failed: %s", pdf_path, number, done.stderr.decode(errors="replace").strip()[-200:])
            return None
        return done.stdout.decode("utf-8", errors="replace")

    def _cache_file(self, key: str, suffix: str = ".txt") -> Path | None:
        return self.cache_dir / key[:2] / f"{key}{suffix}" if self.cache_dir is not None else None

    def _cached(self, key: str) -> str | None:
        path = self._cache_file(key)
        if path is None or not path.is_file():
            return None
        try:
            return path.read_text(encoding="utf-8")
        except OSError:
            return None

    def _store(self, key: str, text: str, suffix: str = ".txt") -> None:
        path = self._cache_file(key, suffix)
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(temporary, path)  # atomic: a crash never leaves half a cache entry
        except OSError as error:  # a read-only cache only costs the next run its OCR time
            logger.warning("could not write the OCR cache %s: %s", path, error)


def default_ocr_cache_dir() -> Path:
    """``<user cache>/ocr``: the same cache root as the bundled model (``$POLICYRAG_CACHE_DIR`` wins)."""
    from index.bundled_model import default_cache_dir

    return default_cache_dir() / "ocr"
