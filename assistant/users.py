"""The users file: who may sign in, with which password or API token, and what they may read.

A TOML file (the ``users_file`` setting, default ``.policyrag/users.toml``) managed with
``policyrag users add|list|remove|passwd|token|set``; sign-in is on whenever it holds a user.
Passwords are stored as Argon2id hashes (argon2-cffi, RFC 9106 parameters), API tokens as SHA-256
digests (a token is 256 random bits, so a fast hash is enough: GitHub stores its tokens the same
way). The file is written atomically with mode 0600; a running server reads it again when it
changes, so adding, removing or changing a user takes effect without a restart.

Example of the file (written by the commands, readable by people)::

    [users.somchai]
    password = "$argon2id$v=19$m=65536,t=3,p=4$..."
    collections = ["public", "hr"]   # may read; ["*"]: all
    write = ["public"]              # may add and remove documents in
    admin = false                   # admin: reads and writes all, downloads the audit log
    token = "sha256:9f86d0..."       # API token (policyrag users token somchai)
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import threading
import tomllib
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from assistant.access import ALL_COLLECTIONS, Caller, parse_collections

MIN_PASSWORD_CHARS = 8
MAX_NAME_CHARS = 64
TOKEN_PREFIX = "prt_"
_HEADER = (
    "# policyrag users: managed with `policyrag users add|list|remove|passwd|token|set`.\n"
    "# Passwords are Argon2id hashes and tokens SHA-256 digests; keep this file private (mode 0600).\n"
)


def _password_hasher() -> Any:
    try:
        from argon2 import PasswordHasher
    except ImportError as error:
        raise ValueError(
            f"sign-in needs the 'web' extra ({error.name} is missing): .venv/bin/pip install -e '.[web]'"
        ) from None
    return PasswordHasher()


def valid_user_name(name: str) -> bool:
    """1-64 letters (any script), digits, ``.``, ``_``, ``-`` or ``@``; no spaces or colons (HTTP
    Basic splits on the first colon), nothing that needs quoting in a log line.

    Example:
        >>> valid_user_name("somchai.k"), valid_user_name("สมชาย"), valid_user_name("a:b")
        (True, True, False)
    """
    name = unicodedata.normalize("NFC", name)
    if not 0 < len(name) <= MAX_NAME_CHARS or unicodedata.category(name[0])[0] not in "LN":
        return False
    return all(unicodedata.category(char)[0] in "LNM" or char in "._-@" for char in name)


def token_digest(token: str) -> str:
    return "sha256:" + hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class User:
    """One entry of the users file.

    Attributes:
        name: what the user signs in with.
        password_hash: Argon2id hash (PHC string).
        collections: collections the user may read; ``("*",)``: all.
        write: collections the user may add documents to and remove documents from.
        admin: reads and writes every collection, downloads the audit log.
        token_hash: ``sha256:<hex>`` of the user's API token, or "" for none.
    """

    name: str
    password_hash: str
    collections: tuple[str, ...] = ()
    write: tuple[str, ...] = ()
    admin: bool = False
    token_hash: str = ""

    @property
    def stamp(self) -> str:
        """Changes whenever the password does: web sessions made before a change end with it."""
        return hashlib.sha256(self.password_hash.encode("utf-8")).hexdigest()[:16]

    def caller(self, client: str = "", via: str = "") -> Caller:
        return Caller(
            self.name,
            readable=None if self.admin else parse_collections(self.collections),
            writable=None if self.admin else parse_collections(self.write),
            admin=self.admin,
            client=client,
            via=via,
        )

    def to_toml(self) -> dict[str, object]:
        data: dict[str, object] = {
            "password": self.password_hash,
            "collections": list(self.collections),
            "write": list(self.write),
            "admin": self.admin,
        }
        if self.token_hash:
            data["token"] = self.token_hash
        return data


@dataclass
class _Loaded:
    state: tuple[int, int, int] | None
    users: dict[str, User] = field(default_factory=dict)


class UserStore:
    """Reads and writes the users file; checks passwords and tokens.

    Safe to share between threads. Reading costs one ``stat`` per call once loaded (the file is
    parsed again only when it changed).

    Args:
        path: the users file (created by the first ``add``).
        hasher: an ``argon2.PasswordHasher`` (default: argon2-cffi's RFC 9106 low-memory profile,
            about 0.1-0.3 s a check on 2 cores; tests pass a cheaper one).

    Raises:
        ValueError: the file is not valid TOML or has an entry without a password (names the
            file and the entry).
    """

    def __init__(self, path: Path, hasher: Any = None) -> None:
        self.path = Path(path)
        self._hasher = hasher
        self._lock = threading.Lock()
        self._loaded = _Loaded(state=None)
        self._dummy_hash: str | None = None

    @property
    def hasher(self) -> Any:
        if self._hasher is None:
            self._hasher = _password_hasher()
        return self._hasher

    # -- reading ---------------------------------------------------------------------------------

    def _state(self) -> tuple[int, int, int] | None:
        try:
            stat = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (stat.st_ino, stat.st_mtime_ns, stat.st_size)

    def users(self) -> dict[str, User]:
        """Every user by name, as the file says now."""
        state = self._state()
        with self._lock:
            if state != self._loaded.state:
                self._loaded = _Loaded(state, self._parse() if state is not None else {})
            return dict(self._loaded.users)

    def _parse(self) -> dict[str, User]:
        try:
            data = tomllib.loads(self.path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as error:
            raise ValueError(f"{self.path} is not valid TOML ({error}): fix it or manage it with `policyrag users`") from None
        users = {}
        for name, row in (data.get("users") or {}).items():
            if not isinstance(row, dict) or not isinstance(row.get("password"), str):
                raise ValueError(f"{self.path}: user {name!r} has no password hash: run `policyrag users passwd {name}`")
            users[name] = User(
                name=name,
                password_hash=row["password"],
                collections=tuple(str(item) for item in row.get("collections", [])),
                write=tuple(str(item) for item in row.get("write", [])),
                admin=bool(row.get("admin", False)),
                token_hash=str(row.get("token", "")),
            )
        return users

    @property
    def enabled(self) -> bool:
        """Sign-in is on: the file holds at least one user."""
        return bool(self.users())

    def get(self, name: str) -> User | None:
        return self.users().get(unicodedata.normalize("NFC", name))

    # -- checking --------------------------------------------------------------------------------

    def authenticate(self, name: str, password: str) -> User | None:
        """The user when ``password`` is theirs, else None.

        An unknown name costs the same Argon2 check as a known one, so response times do not tell
        which names exist.
        """
        hasher = self.hasher
        from argon2.exceptions import InvalidHashError, VerificationError

        user = self.get(name) if name else None
        if user is None:
            if self._dummy_hash is None:
                self._dummy_hash = hasher.hash(secrets.token_urlsafe(16))
            try:
                hasher.verify(self._dummy_hash, password)
            except (VerificationError, InvalidHashError):
                pass
            return None
        try:
            hasher.verify(user.password_hash, password)
        except (VerificationError, InvalidHashError):
            return None
        return user

    def authenticate_token(self, token: str) -> User | None:
        """The user whose API token this is, else None (compared in constant time with each)."""
        if not token.startswith(TOKEN_PREFIX):
            return None
        digest = token_digest(token).encode("ascii")
        found = None
        for user in self.users().values():
            if user.token_hash and hmac.compare_digest(user.token_hash.encode("ascii"), digest):
                found = user
        return found

    # -- changing (the `policyrag users` commands) --------------------------------------------------

    def add(
        self, name: str, password: str, collections: list[str], write: list[str] | None = None, admin: bool = False
    ) -> User:
        """Add a user.

        Raises:
            ValueError: the name is taken or not valid, the password is too short, or a write
                collection is not also readable.
        """
        name = unicodedata.normalize("NFC", name)
        if not valid_user_name(name):
            raise ValueError(f"user name {name!r} is not valid: use 1-64 letters, digits, '.', '_', '-' or '@'")
        self._check_password(password)
        collections, write = self._check_access(collections, write or [], admin)
        with self._editing() as users:
            if name in users:
                raise ValueError(f"user {name!r} already exists: change it with `policyrag users set` or `users passwd`")
            user = User(name, self.hasher.hash(password), tuple(collections), tuple(write), admin)
            users[name] = user
        return user

    def set_access(self, name: str, collections: list[str] | None, write: list[str] | None, admin: bool | None) -> User:
        """Change what a user may read and write (None: leave as it is)."""
        with self._editing() as users:
            user = self._existing(users, name)
            new_collections = list(user.collections) if collections is None else collections
            new_write = list(user.write) if write is None else write
            new_admin = user.admin if admin is None else admin
            checked, checked_write = self._check_access(new_collections, new_write, new_admin)
            users[user.name] = replace(user, collections=tuple(checked), write=tuple(checked_write), admin=new_admin)
            return users[user.name]

    def remove(self, name: str) -> None:
        with self._editing() as users:
            del users[self._existing(users, name).name]

    def set_password(self, name: str, password: str) -> None:
        """Change the password; the user's web sessions end (their stamp changes)."""
        self._check_password(password)
        with self._editing() as users:
            user = self._existing(users, name)
            users[user.name] = replace(user, password_hash=self.hasher.hash(password))

    def new_token(self, name: str) -> str:
        """A new API token for the user (replacing any old one); only its digest is stored, so this
        is the one time it can be shown."""
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self._editing() as users:
            user = self._existing(users, name)
            users[user.name] = replace(user, token_hash=token_digest(token))
        return token

    @staticmethod
    def _check_password(password: str) -> None:
        if len(password) < MIN_PASSWORD_CHARS:
            raise ValueError(f"the password is too short: use at least {MIN_PASSWORD_CHARS} characters")

    @staticmethod
    def _check_access(collections: list[str], write: list[str], admin: bool) -> tuple[list[str], list[str]]:
        collections = sorted({item.strip() for item in collections if item.strip()})
        write = sorted({item.strip() for item in write if item.strip()})
        readable = parse_collections(collections)
        if not admin and readable is not None:
            unreadable = [item for item in write if item != ALL_COLLECTIONS and item not in readable]
            if unreadable or (ALL_COLLECTIONS in write):
                raise ValueError(
                    f"write access to {', '.join(unreadable) or '*'} needs read access too: add it to --collections"
                )
        return collections, write

    def _existing(self, users: dict[str, User], name: str) -> User:
        user = users.get(unicodedata.normalize("NFC", name))
        if user is None:
            raise ValueError(f"no user {name!r} in {self.path}: `policyrag users list` shows who there is")
        return user

    @contextmanager
    def _editing(self) -> Iterator[dict[str, User]]:
        """Read-modify-write the file under a lock file (two commands at once do not lose an edit);
        written only when the block ends without an error."""
        from filelock import FileLock

        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with FileLock(str(self.path.with_name(f".{self.path.name}.lock")), timeout=30):
            users = self._parse() if self.path.is_file() else {}
            yield users
            self._write(users)

    def _write(self, users: dict[str, User]) -> None:
        import tomli_w

        text = _HEADER + tomli_w.dumps({"users": {name: user.to_toml() for name, user in sorted(users.items())}})
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self.path)
