"""The audit log: who asked what and which collections answered, who added or removed which
document, who signed in (or failed to), as JSON Lines an admin downloads from the page or the API.

One JSON object per line, appended (``O_APPEND``: lines from the server and from ``policyrag
users`` commands never interleave), for example::

    {"time": "2026-11-25T09:14:03Z", "event": "ask", "user": "somchai", "client": "10.0.0.7",
     "via": "web", "question": "...", "collections": ["public"], "sources": ["public/a.pdf"], "found": true}

Events: ``sign_in``, ``sign_in_failed``, ``sign_out``, ``search``, ``ask``, ``upload``,
``upload_rejected``, ``remove``, ``index``, ``users``. Passwords and tokens are never written; a
failed sign-in records the name tried, cut to 64 characters.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Iterable
from pathlib import Path

from assistant.access import Caller

logger = logging.getLogger(__name__)


class AuditLog:
    """Appends audit events to a JSON Lines file (created with mode 0600).

    Args:
        path: the log file; None writes nothing (a library user who wants no log).

    A write that fails (disk full, permissions) is logged as an error and the request goes on:
    refusing every question because the log cannot be written would stop the office's work.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = Path(path) if path is not None else None
        self._lock = threading.Lock()

    def record(self, event: str, user: str, client: str = "", via: str = "", **fields: object) -> dict[str, object]:
        """Append one event; returns the line's object (also when no file is configured)."""
        line: dict[str, object] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "event": event,
            "user": user,
        }
        if client:
            line["client"] = client
        if via:
            line["via"] = via
        line.update(fields)
        if self.path is None:
            return line
        data = (json.dumps(line, ensure_ascii=False, default=str) + "\n").encode("utf-8")
        with self._lock:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                descriptor = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
                try:
                    os.write(descriptor, data)
                finally:
                    os.close(descriptor)
            except OSError as error:
                logger.error("could not write the audit log %s (%s): event %s of %s is not recorded", self.path, error, event, user)
        return line

    def caller_event(self, event: str, caller: Caller, **fields: object) -> dict[str, object]:
        """An event done by ``caller`` (their name, address and channel)."""
        return self.record(event, caller.name, caller.client, caller.via, **fields)

    def lines(self) -> Iterable[dict[str, object]]:
        """Every event in the file, oldest first (for tests and small tools; admins download the file)."""
        if self.path is None or not self.path.is_file():
            return []
        with self.path.open(encoding="utf-8") as handle:
            return [json.loads(line) for line in handle if line.strip()]
