"""Web origins ("https://policyrag.example.go.th") as comparable keys: the ``trusted_origins``
setting and the cross-site check of requests (``assistant.web.cross_site``) read them alike."""

from __future__ import annotations

from urllib.parse import urlsplit

Origin = tuple[str, str, int | None]  # (scheme, host, port), the port filled in for http/https
_DEFAULT_PORTS = {"http": 80, "https": 443}


def host_port(netloc: str, scheme: str) -> tuple[str, int | None]:
    """("example.org", 443) from "example.org" under https; ("127.0.0.1", 7860) from "127.0.0.1:7860"."""
    parts = urlsplit(f"//{netloc.strip()}")
    try:
        port = parts.port
    except ValueError:
        return netloc.strip().lower(), None
    return (parts.hostname or "").lower().rstrip("."), port if port is not None else _DEFAULT_PORTS.get(scheme)


def origin_key(origin: str) -> Origin | None:
    """(scheme, host, port) of an origin such as "https://policyrag.example.go.th", or None when it
    is no http(s) origin."""
    parts = urlsplit(origin.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    scheme = parts.scheme.lower()
    return (scheme, *host_port(parts.netloc, scheme))


def parse_origins(setting: str) -> frozenset[Origin]:
    """The ``trusted_origins`` setting ("https://a.example, https://b.example:8443") as origin keys.

    Raises:
        ValueError: an entry is not an http(s) origin (names it).
    """
    keys = set()
    for entry in (part.strip() for part in setting.split(",")):
        if not entry:
            continue
        key = origin_key(entry)
        if key is None:
            raise ValueError(f"trusted_origins: {entry!r} is not an origin such as https://policyrag.example.go.th")
        keys.add(key)
    return frozenset(keys)
