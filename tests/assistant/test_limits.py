"""The rate limiter and the failed sign-in throttle, on a fake clock."""

from __future__ import annotations

import pytest

from assistant.limits import FailureThrottle, QueryTooLongError, RateLimiter, check_query_length


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_rate_limit_allows_bursts_then_refills() -> None:
    clock = Clock()
    limiter = RateLimiter(60, clock=clock)  # one a second, bursts of 60
    assert all(limiter.wait_seconds("ann") == 0.0 for _ in range(60))
    assert limiter.wait_seconds("ann") == pytest.approx(1.0)
    assert limiter.wait_seconds("bob") == 0.0  # per key
    clock.now += 2.5
    assert limiter.wait_seconds("ann") == 0.0 and limiter.wait_seconds("ann") == 0.0
    assert limiter.wait_seconds("ann") > 0
    assert RateLimiter(0).wait_seconds("ann") == 0.0  # 0: no limit


def test_failures_block_a_name_or_an_address_for_the_window() -> None:
    clock = Clock()
    throttle = FailureThrottle(max_failures=3, window_s=60, clock=clock)
    for _ in range(3):
        assert throttle.wait_seconds("name:ann", "client:1.2.3.4") == 0
        throttle.failed("name:ann", "client:1.2.3.4")
    assert throttle.wait_seconds("name:ann") == 60
    assert throttle.wait_seconds("name:bob", "client:1.2.3.4") == 60  # the same address trying another name
    clock.now += 61
    assert throttle.wait_seconds("name:ann", "client:1.2.3.4") == 0
    throttle.failed("name:ann")
    throttle.succeeded("name:ann")
    assert throttle.wait_seconds("name:ann") == 0


def test_query_length_limit_names_the_setting() -> None:
    check_query_length("x" * 10, 10)
    with pytest.raises(QueryTooLongError, match=r"11 characters long; the limit is 10 \(max_query_chars\)"):
        check_query_length("x" * 11, 10)


@pytest.mark.parametrize("name", ["max_query_chars", "max_request_bytes", "max_upload_bytes", "session_hours"])
def test_settings_refuse_limits_that_are_not_positive(name: str) -> None:
    from assistant.settings import Settings

    with pytest.raises(ValueError, match=name):
        Settings(**{name: 0})
    assert Settings(api_rate_limit=0).api_rate_limit == 0  # 0: no rate limit
