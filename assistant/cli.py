"""The ``policyrag`` command: ingest, search, ask, related, eval, serve.

Errors a user can fix (a missing path, an index built with another model) are printed as one
line naming the file and the fix, with exit code 2; never a stack trace.

``policyrag ingest`` exits with 0 when every file was indexed, 1 when some files failed (the index
of the others is still written; the summary lists each failed file with the reason and the fix),
and 2 when nothing could be indexed or the command itself is wrong.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path

from assistant.limits import EMPTY_QUERY
from assistant.settings import Settings
from index.manifest import IndexError_
from ingest.markup import plain_text

EXIT_FILES_FAILED = 1
EXIT_USAGE = 2


def _settings(args: argparse.Namespace) -> Settings:
    overrides = {}
    if getattr(args, "index", None):
        overrides["index_dir"] = args.index
    if getattr(args, "quiet", False):
        overrides["show_progress"] = False
    if getattr(args, "ocr", None):
        overrides["ocr"] = args.ocr
    return Settings.load(config_file=args.config, **overrides)


def cmd_ingest(args: argparse.Namespace) -> int:
    from assistant.api import build_index

    settings = _settings(args)
    paths = [Path(path) for path in args.paths] or [settings.corpus_dir]
    for path in paths:
        if not path.exists():
            raise FileNotFoundError(f"{path} does not exist: give a document file or a folder of documents")
    report = build_index(paths, settings, rebuild=args.rebuild)
    if args.report:
        from ingest.fidelity import format_report_table

        print(format_report_table(report.fidelity))
    print(report.summary(), file=sys.stderr)
    return EXIT_FILES_FAILED if report.failed else 0


def _read_queries(path: Path) -> list[str]:
    if not path.is_file():
        raise FileNotFoundError(f"queries file {path} does not exist")
    queries = []
    for number, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        if line.startswith("{"):
            try:
                queries.append(str(json.loads(line)["question"]))
            except (json.JSONDecodeError, KeyError) as error:
                raise ValueError(f"{path}:{number}: a JSON line needs a \"question\" field ({error})") from error
        else:
            queries.append(line)
    return queries


def _count(value: str) -> int:
    """``-k``: a whole number of passages, at least 1 (0 used to mean the default silently)."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expects a whole number of passages, got {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {number}")
    return number


def _add_filters(parser: argparse.ArgumentParser) -> None:
    """The web page's and the HTTP API's filters, for ``search``, ``ask`` and ``related``."""
    parser.add_argument("--documents", action="append", help="only these documents (sources as search --json prints them; comma-separated or repeated)")
    parser.add_argument("--langs", action="append", help="only passages in these languages: th, en (comma-separated or repeated)")
    parser.add_argument("--years", action="append", help="only documents of these years, Common Era or Buddhist Era (2026 or 2569; comma-separated or repeated)")


def _split(values: list[str] | None) -> list[str]:
    return [part.strip() for value in values or [] for part in value.split(",") if part.strip()]


def _filters(rag: object, args: argparse.Namespace) -> tuple[set[str] | None, set[str] | None]:
    """(sources, langs) for the retriever from --documents, --years and --langs.

    Raises:
        ValueError: an unknown document, year or language, or no document of those years.
    """
    from assistant.web.catalogue import DocumentCatalogue

    langs = set(_split(getattr(args, "langs", None)))
    if langs - {"th", "en"}:
        raise ValueError(f"--langs takes th and en, got {sorted(langs - {'th', 'en'})}")
    documents, years = _split(getattr(args, "documents", None)), _split(getattr(args, "years", None))
    sources = None
    if documents or years:
        sources = DocumentCatalogue.from_store(rag.index.store).sources_for(documents, years)  # type: ignore[attr-defined]
        if not sources:
            raise ValueError(f"no indexed document matches --documents {documents} and --years {years}: policyrag search --json lists sources")
    return sources, langs or None


def cmd_search(args: argparse.Namespace) -> int:
    from assistant.api import PolicyRAG

    if args.query and args.queries_file:
        raise ValueError("give either a QUERY or --queries-file FILE, not both")
    if args.query is not None and not args.query.strip():
        raise ValueError(EMPTY_QUERY)
    rag = PolicyRAG.open(settings=_settings(args))
    sources, langs = _filters(rag, args)
    if not args.query and not args.queries_file:
        return _interactive(rag, args.k, sources, langs)
    queries = _read_queries(Path(args.queries_file)) if args.queries_file else [args.query]
    results = rag.search_many(queries, k=args.k, sources=sources, langs=langs)
    for query, hits in zip(queries, results):
        if args.json or args.queries_file:
            print(json.dumps({"query": query, "hits": [hit.to_dict() for hit in hits]}, ensure_ascii=False))
        else:
            _print_hits(query, hits)
    return 0


def _print_hits(query: str, hits: list) -> None:  # type: ignore[type-arg]
    from assistant.answer_model import excerpt

    print(f"# {query}")
    for hit in hits:
        page = f" p.{hit.chunk.page}" if hit.chunk.page else ""
        snippet = excerpt(hit.chunk.text, 200)  # as a reader sees it: no Markdown marks, planted instructions marked
        print(f"{hit.rank:>2}. [{hit.score:.3f}] {plain_text(hit.chunk.title)} ({hit.chunk.source}{page}, {hit.chunk.lang})")
        print(f"    {snippet}")


def _interactive(rag, k: int, sources: set[str] | None = None, langs: set[str] | None = None) -> int:  # type: ignore[no-untyped-def]
    """A prompt loop: the model loads once, then each question is answered in well under a second."""
    print("Ask in Thai or English (empty line or Ctrl-D to quit) / พิมพ์คำถามภาษาไทยหรืออังกฤษ", file=sys.stderr)
    while True:
        try:
            query = input("? ").strip()
        except EOFError:
            return 0
        if not query:
            return 0
        try:
            _print_hits(query, rag.search(query, k=k, sources=sources, langs=langs))
        except ValueError as error:  # a question over max_query_chars: say so and ask again
            print(f"policyrag: {error}", file=sys.stderr)


def cmd_ask(args: argparse.Namespace) -> int:
    """Answer one question with citations; an LLM's text streams to stderr while it is written."""
    from assistant.answer_model import Answer
    from assistant.api import PolicyRAG

    if not args.question.strip():  # said before the models load, as search says it
        raise ValueError(EMPTY_QUERY)
    settings = _settings(args)
    if args.answerer:
        settings = settings.with_overrides(answerer=args.answerer)
    rag = PolicyRAG.open(settings=settings)
    show_stream = settings.answerer == "llm" and not args.json and sys.stderr.isatty()
    answer = None
    sources, langs = _filters(rag, args)
    for item in rag.ask_stream(args.question, k=args.k, sources=sources, langs=langs):
        if isinstance(item, Answer):
            answer = item
        elif show_stream:
            print(item, end="", file=sys.stderr, flush=True)
    if show_stream:
        print("\n", file=sys.stderr)
    assert answer is not None
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False))
    else:
        _print_answer(answer)
    return 0


def _print_answer(answer) -> None:  # type: ignore[no-untyped-def]
    """The answer, its notes, then the numbered sources with the quoted supporting sentences."""
    from assistant.answer_model import excerpt

    print(answer.text)
    for note in answer.notes:
        print(f"! {note}")
    shown = answer.cited_passages if answer.found else answer.passages
    if shown:
        print()
    for passage in shown:
        chunk = passage.hit.chunk
        page = f" p.{chunk.page}" if chunk.page else ""
        print(f"[{passage.number}] {plain_text(chunk.title)} ({chunk.source}{page}, {chunk.lang})")
        quotes = passage.supporting or (excerpt(chunk.text, 200),)
        for quote in quotes:  # as the answer shows them: without Markdown marks
            print(f"    > {' '.join(plain_text(quote).split())}")


def cmd_eval(args: argparse.Namespace) -> int:
    from assistant.api import PolicyRAG
    from assistant.evaluation import evaluate, load_qa

    items = load_qa(Path(args.qa_file))
    rag = PolicyRAG.open(settings=_settings(args))
    latencies: list[float] = []

    def search_many(queries: list[str], k: int) -> list[list[dict[str, object]]]:
        out = []
        for query in queries:  # one at a time, so the latency is per query as a user sees it
            started = time.perf_counter()
            hits = rag.search(query, k=k)
            latencies.append(time.perf_counter() - started)
            out.append([hit.to_dict() for hit in hits])
        return out

    report = evaluate(items, search_many, k=max(10, args.k))
    latencies.sort()
    timing = {"median_ms": round(1000 * latencies[len(latencies) // 2], 1)} if latencies else {}
    if args.json:
        print(json.dumps({**report.to_dict(), "latency": timing}, ensure_ascii=False))
    else:
        print(report.format_table())
        if timing:
            print(f"median latency per query: {timing['median_ms']} ms")
    return 0


def parse_passage(reference: str) -> tuple[str, int | None, int | None]:
    """``SOURCE``, ``SOURCE:PAGE`` or ``SOURCE#PASSAGE`` -> (source, page, passage number).

    Example:
        >>> parse_passage("oecd/dgi-2019.pdf:12"), parse_passage("notes.md#3")
        (('oecd/dgi-2019.pdf', 12, None), ('notes.md', None, 3))
    """
    head, sep, tail = reference.rpartition(":")
    if sep and tail.isdigit():
        return head, int(tail), None
    head, sep, tail = reference.rpartition("#")
    if sep and tail.isdigit():
        return head, None, int(tail)
    return reference, None, None


def cmd_related(args: argparse.Namespace) -> int:
    """Passages in the other language closest to a passage, a page or a document."""
    from assistant.api import PolicyRAG

    source, page, passage = parse_passage(args.passage)
    rag = PolicyRAG.open(settings=_settings(args))
    sources, langs = _filters(rag, args)
    hits = rag.related(source, page=page, chunk=passage, k=args.k, sources=sources, langs=langs)
    given = {name: _split(getattr(args, name, None)) for name in ("documents", "langs", "years")}
    gap = None if hits else rag.related_gap(source, page, passage, sources, langs, filters=given)
    if args.json:
        reason = gap.message() if gap else None
        print(json.dumps({"source": source, "page": page, "chunk": passage, "hits": [hit.to_dict() for hit in hits], "reason": reason}, ensure_ascii=False))
    else:
        _print_hits(f"related to {args.passage}", hits)
        if gap:  # an empty list alone reads as a fault: say why, and what would help
            print(gap.message(flag="--"))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    settings = _settings(args).with_overrides(
        serve_host=args.host, serve_port=args.port, serve_concurrency=args.concurrency, answerer=args.answerer
    )
    try:
        from assistant.web.app import serve
    except ImportError as error:
        raise ValueError(
            f"the web app needs the 'web' extra ({error.name} is missing): .venv/bin/pip install -e '.[web]'"
        ) from None
    serve(settings)
    return 0


def _read_password(prompt: str) -> str:
    """The new password: asked twice on a terminal; one line of standard input otherwise (scripts)."""
    if sys.stdin.isatty():
        import getpass

        first = getpass.getpass(prompt)
        if getpass.getpass("Repeat it: ") != first:
            raise ValueError("the two passwords differ: nothing was changed")
        return first
    line = sys.stdin.readline()
    return line[:-1] if line.endswith("\n") else line


def cmd_users(args: argparse.Namespace) -> int:
    """Manage who may sign in (``assistant/users.py``); sign-in is on once the file holds a user."""
    import getpass

    from assistant.audit import AuditLog
    from assistant.users import UserStore

    settings = _settings(args)
    store = UserStore(args.users_file or settings.users_file)
    audit = AuditLog(settings.audit_log)
    by = getpass.getuser()

    def split(value: str | None) -> list[str] | None:
        return None if value is None else [item for item in value.split(",") if item.strip()]

    if args.action == "list":
        users = store.users()
        if args.json:
            print(json.dumps([
                {"name": u.name, "admin": u.admin, "collections": list(u.collections), "write": list(u.write), "token": bool(u.token_hash)}
                for u in users.values()
            ], ensure_ascii=False))
        elif not users:
            print(f"no users in {store.path}: sign-in is off (add one with: policyrag users add NAME --collections ...)")
        for user in users.values():
            if not args.json:
                role = "admin (reads and writes everything)" if user.admin else (
                    f"reads {', '.join(user.collections) or '(nothing)'}; writes {', '.join(user.write) or '(nothing)'}"
                )
                print(f"{user.name}: {role}{'; has an API token' if user.token_hash else ''}")
        return 0
    name = args.name
    if args.action in ("add", "set"):
        for line in _unknown_collections(settings, (split(args.collections) or []) + (split(args.write) or [])):
            print(line, file=sys.stderr)
    if args.action == "add":
        if not args.admin and not args.collections:
            raise ValueError("give --collections a,b (or '*' for all) or --admin: a user who may read nothing is of no use")
        store.add(name, _read_password(f"Password for {name}: "), split(args.collections) or [], split(args.write), args.admin)
        print(f"added {name} to {store.path}; sign-in is on", file=sys.stderr)
    elif args.action == "set":
        store.set_access(name, split(args.collections), split(args.write), args.admin)
        print(f"changed what {name} may read and write", file=sys.stderr)
    elif args.action == "remove":
        store.remove(name)
        remaining = len(store.users())
        print(f"removed {name}" + ("" if remaining else "; no users left: sign-in is off"), file=sys.stderr)
    elif args.action == "passwd":
        store.set_password(name, _read_password(f"New password for {name}: "))
        print(f"changed the password of {name}; their web sign-ins have ended", file=sys.stderr)
    elif args.action == "token":
        print(store.new_token(name))
        print(f"API token of {name} (shown once; it replaces any earlier one): "
              "send it as 'Authorization: Bearer <token>'", file=sys.stderr)
    audit.record("users", by, via="cli", action=args.action, name=name)
    return 0


def _unknown_collections(settings: Settings, names: list[str]) -> list[str]:
    """Warnings for collection names the index does not hold (a typo gives a user no access)."""
    from index.generations import current_generation
    from index.store import ChunkStore

    try:
        store = ChunkStore(current_generation(settings.index_dir) / "chunks.sqlite", read_only=True)
    except (OSError, IndexError_):
        return []
    try:
        known = {str(document["collection"]) for document in store.documents()}
    finally:
        store.close()
    unknown = sorted({name.strip() for name in names if name.strip() and name.strip() != "*"} - known)
    return [
        f"policyrag: note: the index at {settings.index_dir} has no collection {name!r} (it has: {', '.join(sorted(known))})"
        for name in unknown
    ]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="policyrag", description="Bilingual Thai/English search over policy documents")
    parser.add_argument("--config", type=Path, help="settings TOML file (default: ./policyrag.toml if present)")
    parser.add_argument("-v", "--verbose", action="store_true", help="show debug logging")
    sub = parser.add_subparsers(dest="command", required=True)

    ingest = sub.add_parser("ingest", help="read documents and build the search index")
    ingest.add_argument("paths", nargs="*", help="files or folders (default: the corpus folder from settings)")
    ingest.add_argument("--index", type=Path, help="index folder (default from settings)")
    ingest.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    ingest.add_argument(
        "--rebuild", action="store_true", help="embed every document again (default: only new and changed ones)"
    )
    ingest.add_argument(
        "--report",
        action="store_true",
        help="print the fidelity report: per file Thai share, suspicious sequences, pages without text and pages OCR'd",
    )
    ingest.add_argument(
        "--ocr", choices=["auto", "scanned", "off"], help="OCR PDF pages without a usable text layer (default from settings: auto)"
    )
    ingest.set_defaults(func=cmd_ingest)

    search = sub.add_parser("search", help="search the index")
    search.add_argument("query", nargs="?", help="the question, in Thai or English")
    search.add_argument("--queries-file", help="one query per line, or JSON Lines with a 'question' field")
    search.add_argument("--index", type=Path)
    search.add_argument("-k", type=_count, default=10, help="number of passages (default 10)")
    search.add_argument("--json", action="store_true", help="JSON Lines output")
    _add_filters(search)
    search.set_defaults(func=cmd_search)

    ask = sub.add_parser("ask", help="answer a question with cited passages")
    ask.add_argument("question", help="the question, in Thai or English")
    ask.add_argument("--index", type=Path)
    ask.add_argument("-k", type=_count, default=None, help="passages retrieved and shown (default: top_k setting)")
    ask.add_argument("--answerer", choices=["extractive", "llm"], help="who writes the answer (default: answerer setting)")
    ask.add_argument("--json", action="store_true", help="print the answer as one JSON object")
    _add_filters(ask)
    ask.set_defaults(func=cmd_ask)

    evaluation = sub.add_parser("eval", help="score retrieval on a QA file with evidence strings")
    evaluation.add_argument("qa_file")
    evaluation.add_argument("--index", type=Path)
    evaluation.add_argument("-k", type=_count, default=10)
    evaluation.add_argument("--json", action="store_true")
    evaluation.set_defaults(func=cmd_eval)

    related = sub.add_parser("related", help="passages in the other language closest to a passage, page or document")
    related.add_argument("passage", help="SOURCE (a whole document), SOURCE:PAGE (a PDF page) or SOURCE#N (passage N, as in search --json)")
    related.add_argument("--index", type=Path)
    related.add_argument("-k", type=_count, default=5, help="number of passages (default 5)")
    related.add_argument("--json", action="store_true", help="one JSON object")
    _add_filters(related)
    related.set_defaults(func=cmd_related)

    serve = sub.add_parser("serve", help="start the web app and HTTP API (loads the index once)")
    serve.add_argument("--index", type=Path, help="index folder (default from settings)")
    serve.add_argument("--host", help="address to listen on (default 127.0.0.1: this machine only; 0.0.0.0: the network)")
    serve.add_argument("--port", type=int, help="port (default 7860)")
    serve.add_argument("--concurrency", type=int, help="requests handled at once (default 8)")
    serve.add_argument(
        "--answerer", choices=["extractive", "llm"], help="default answerer (llm: users can also pick extractive)"
    )
    serve.set_defaults(func=cmd_serve)

    users = sub.add_parser("users", help="manage who may sign in to the web app and API, and what they may read")
    users.add_argument("--users-file", type=Path, help="the users file (default: users_file setting, .policyrag/users.toml)")
    actions = users.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="add a user (password prompted, or one line of standard input)")
    add.add_argument("name")
    add.add_argument("--collections", help="collections the user may read, comma-separated ('*': all)")
    add.add_argument("--write", help="collections the user may add documents to and remove from (must be readable)")
    add.add_argument("--admin", action="store_true", help="reads and writes everything, downloads the audit log")
    change = actions.add_parser("set", help="change what a user may read and write")
    change.add_argument("name")
    change.add_argument("--collections")
    change.add_argument("--write")
    change.add_argument("--admin", action=argparse.BooleanOptionalAction, default=None)
    listing = actions.add_parser("list", help="list the users and what they may read (never the hashes)")
    listing.add_argument("--json", action="store_true")
    for action, text in (
        ("remove", "remove a user (their sign-ins end at once)"),
        ("passwd", "change a user's password (their web sign-ins end)"),
        ("token", "make a new API token for a user and print it once"),
    ):
        actions.add_parser(action, help=text).add_argument("name")
    users.set_defaults(func=cmd_users)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if not args.verbose:
        logging.getLogger("bm25s").setLevel(logging.WARNING)
    try:
        return int(args.func(args))
    except (FileNotFoundError, ValueError, IndexError_) as error:
        print(f"policyrag: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
