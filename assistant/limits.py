"""Limits that keep one caller from stalling everyone: question length, request rate, failed sign-ins.

Retrieval runs one question at a time (the models are the slow part on 2 cores), so one huge or
endless stream of questions makes every other user wait. These are checked before any work is
done; request body sizes are checked before the body is read (``assistant/web/signin.py``).
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable


class QueryTooLongError(ValueError):
    """A question longer than ``max_query_chars`` (HTTP 413; the CLI exits with 2)."""


def check_query_length(text: str, max_chars: int, what: str = "question") -> None:
    """Refuse ``text`` longer than ``max_chars`` characters, before anything reads it further.

    Raises:
        QueryTooLongError: names the length, the limit and the setting.
    """
    if len(text) > max_chars:
        raise QueryTooLongError(
            f"the {what} is {len(text):,} characters long; the limit is {max_chars:,} (max_query_chars): "
            "ask a shorter question"
        )


EMPTY_QUERY = "the query is empty: give some words to search for"


def check_query(text: str, max_chars: int) -> None:
    """Refuse a question that is too long (:func:`check_query_length`) or blank: one rule and one
    message for the CLI, the HTTP API, the web page and the library.

    Raises:
        QueryTooLongError: longer than ``max_chars``.
        ValueError: nothing but whitespace (:data:`EMPTY_QUERY`).
    """
    check_query_length(text, max_chars)
    if not text.strip():
        raise ValueError(EMPTY_QUERY)


def check_k(k: int | None) -> None:
    """Refuse a number of passages below 1 (None: the ``top_k`` setting). 0 used to mean the
    default silently.

    Raises:
        ValueError: names the value.
    """
    if k is not None and k < 1:
        raise ValueError(f"k (the number of passages) must be at least 1, got {k}")


class RateLimiter:
    """A token bucket per key (user name): ``per_minute`` requests a minute, in bursts of up to
    ``per_minute``. ``per_minute = 0`` lets everything through.

    Example:
        >>> limiter = RateLimiter(2)
        >>> limiter.wait_seconds("a"), limiter.wait_seconds("a"), limiter.wait_seconds("a") > 0
        (0.0, 0.0, True)
    """

    def __init__(self, per_minute: int, clock: Callable[[], float] | None = None) -> None:
        if per_minute < 0:
            raise ValueError(f"per_minute must be >= 0, got {per_minute}")
        self.per_minute = per_minute
        self._clock = clock or time.monotonic
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, last refill time)
        self._lock = threading.Lock()

    def wait_seconds(self, key: str) -> float:
        """0.0 and one request counted when ``key`` may go on, else the seconds until it may."""
        if not self.per_minute:
            return 0.0
        now = self._clock()
        rate = self.per_minute / 60.0
        with self._lock:
            tokens, last = self._buckets.get(key, (float(self.per_minute), now))
            tokens = min(float(self.per_minute), tokens + (now - last) * rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1.0 - tokens) / rate


class FailureThrottle:
    """Slows password guessing: after ``max_failures`` failed sign-ins for one key (a user name or
    a client address) within ``window_s`` seconds, that key is refused until the oldest failure
    leaves the window. A successful sign-in clears the name's failures.
    """

    def __init__(self, max_failures: int = 10, window_s: float = 900.0, clock: Callable[[], float] | None = None) -> None:
        self.max_failures = max_failures
        self.window_s = window_s
        self._clock = clock or time.monotonic
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        failures = self._failures.setdefault(key, deque())
        while failures and now - failures[0] > self.window_s:
            failures.popleft()
        return failures

    def wait_seconds(self, *keys: str) -> int:
        """0 when none of ``keys`` is blocked, else whole seconds until all of them may try again."""
        now = self._clock()
        wait = 0.0
        with self._lock:
            for key in keys:
                failures = self._recent(key, now)
                if len(failures) >= self.max_failures:
                    wait = max(wait, self.window_s - (now - failures[0]))
        return math.ceil(wait)

    def failed(self, *keys: str) -> None:
        now = self._clock()
        with self._lock:
            for key in keys:
                self._recent(key, now).append(now)

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)
