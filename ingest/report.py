"""The per-file part of the ingest summary: failures, deliberate exclusions, files that need attention.

Kept apart from the index summary so that the CLI, the Python API and tests word it the same way.
"""

from __future__ import annotations

from ingest.fidelity import FidelityReport
from ingest.loader import SkippedFile


def problem_lines(skipped: list[SkippedFile], fidelity: list[FidelityReport], notes: list[str]) -> list[str]:
    """Lines for the ingest summary, empty when every file was read cleanly.

    - "Failed": one line per file that was not indexed, with the reason and the fix,
    - "Left out": files excluded on purpose (corpus manifest) or with nothing to index,
    - "Needs attention": files indexed with missing pages or suspicious Thai sequences,
    - the loader's notes: how many pages OCR read and how fast, or that OCR could not run and how
      to install tesseract.
    """
    lines: list[str] = []
    failed = [item for item in skipped if item.failed]
    left_out = [item for item in skipped if not item.failed]
    if failed:
        lines.append(f"Failed: {len(failed)} file(s) not indexed:")
        lines.extend(f"  - {item.path}: {item.reason}" for item in sorted(failed, key=lambda item: item.path))
    if left_out:
        lines.append(f"Left out: {len(left_out)} file(s) excluded or with nothing to index:")
        lines.extend(f"  - {item.path}: {item.reason}" for item in left_out)
    failed_paths = {item.path for item in failed}
    attention = [report for report in fidelity if report.attention and report.path not in failed_paths]
    if attention:
        lines.append(f"Needs attention: {len(attention)} file(s) indexed with missing or suspicious text (see --report):")
        lines.extend(f"  - {report.source}: {'; '.join(report.attention)}" for report in attention)
    lines.extend(notes)
    return lines
