"""The LLM answerer: any OpenAI-compatible chat endpoint (Typhoon, vLLM, Ollama, llama-server).

The model sees only the numbered top passages and must cite them as ``[n]``. Whatever it writes
is checked afterwards (``assistant.citations``): invented numbers are removed, uncited sentences
marked, an answer in the wrong script flagged. Each cited passage gets the sentences that best
match the answer's sentences citing it, for the UI to highlight.

It never answers when the passages do not support an answer (the same test as the extractive
answerer, so both say "not found" alike), and an unreachable server, an error or a timeout gives
the extractive answer with a note saying so: the user sees an answer, never a stack trace.

The ``openai`` client is an optional dependency: ``pip install 'policyrag[llm]'``.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from assistant.answer_model import Answer, CitedPassage
from assistant.citations import CITATION, CitationChecker, citations_in
from assistant.evidence import Evidence, EvidenceFinder
from assistant.extractive import ExtractiveAnswerer, not_found_answer
from assistant.followup import Turn
from assistant.prompts import build_messages, rewrite_messages
from assistant.retrieval import Hit
from assistant.wording import say
from ingest.sentences import passage_sentences, sentence_spans

logger = logging.getLogger(__name__)

REWRITE_TIMEOUT_S = 20.0  # a follow-up's rewrite waits at most this long before the keyword carry-over is used


class LLMUnavailable(RuntimeError):
    """The endpoint could not produce an answer; the message is short and safe to show."""


# The markup of chat templates and of this project's prompt (``assistant/prompts.py``): an answer
# that holds any of it repeats its instructions instead of answering.
PROMPT_MARKUP = re.compile(
    r"<<\s*/?SYS\s*>>|\[/?INST\]|<\|(?:im_start|im_end|system|user|assistant|eot_id|start_header_id|end_header_id)\|>"
    r"|<\/?(?:start_of_turn|end_of_turn)>|</?passage\b",
    re.IGNORECASE,
)


def _openai_module() -> Any:
    try:
        import openai
    except ImportError as error:
        raise LLMUnavailable("the openai client is not installed: pip install 'policyrag[llm]'") from error
    return openai


def _reason(error: BaseException) -> str:
    """A one-line, user-facing reason for a failed call (no stack trace, no secrets)."""
    if isinstance(error, LLMUnavailable):
        return str(error)
    name = type(error).__name__
    if "Timeout" in name:
        return "timed out"
    if "Connection" in name:
        return "could not connect to the server"
    status = getattr(error, "status_code", None)
    if status:
        return f"the server answered HTTP {status}"
    return name


class LLMAnswerer:
    """Writes the answer with an LLM through the ``openai`` client, checked and with a fallback.

    Args:
        finder: scores sentences for the support test and the highlights (shared with the fallback).
        fallback: the extractive answerer used when the LLM fails.
        base_url, model, api_key: the endpoint; an empty ``model`` takes the first model the
            server lists (llama-server and Ollama serve one).
        max_tokens, temperature: sent with every request (some APIs default to 150 tokens).
        timeout: seconds for the whole answer, connection included.
        passages: how many top passages go into the prompt.
        passage_chars: each passage is cut to this length in the prompt.
        max_sentences: the answer length asked for.
        extra_body: extra JSON fields for the request (server-specific options).
        probe_timeout: seconds the reachability check (``GET {base_url}/models``) may take.
        recheck_s: after the server was found unreachable, answers fall back to the extractive
            one at once (no connection attempt) for this many seconds, then it is checked again.
    """

    name = "llm"

    def __init__(
        self,
        finder: EvidenceFinder,
        fallback: ExtractiveAnswerer,
        base_url: str,
        model: str = "",
        api_key: str = "",
        max_tokens: int = 400,
        temperature: float = 0.1,
        timeout: float = 120.0,
        passages: int = 5,
        passage_chars: int = 1200,
        max_sentences: int = 4,
        extra_body: dict[str, Any] | None = None,
        probe_timeout: float = 2.0,
        recheck_s: float = 30.0,
    ) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError(f"llm_base_url must be an http(s) URL, got {base_url!r}")
        if max_tokens <= 0 or timeout <= 0 or passages <= 0 or probe_timeout <= 0 or recheck_s < 0:
            raise ValueError("max_tokens, timeout, passages and probe_timeout must be positive, recheck_s >= 0")
        self.finder = finder
        self.fallback = fallback
        self.base_url = base_url
        self.model = model
        self.api_key = api_key
        self.max_tokens = max_tokens
        self.temperature = temperature
        self.timeout = timeout
        self.passages = passages
        self.passage_chars = passage_chars
        self.max_sentences = max_sentences
        self.extra_body = dict(extra_body or {})
        self.checker = CitationChecker(check_script=True)
        self.probe_timeout = probe_timeout
        self.recheck_s = recheck_s
        self._client: Any = None
        self._state_lock = threading.Lock()
        self._unreachable_since: float | None = None  # monotonic time of the last failed connection
        self.unreachable_reason = ""

    @property
    def reachable(self) -> bool:
        """False after a failed probe or connection, until a later one succeeds."""
        return self._unreachable_since is None

    def probe(self) -> bool:
        """Check, within ``probe_timeout`` seconds, that the server answers ``GET /models``.

        Cheap enough for start-up (``policyrag serve`` calls it once): an unreachable server is
        then a warning and the extractive answer, not a wait of ``timeout`` seconds per question.
        Sets :attr:`reachable`; returns it.
        """
        request = urllib.request.Request(self.base_url.rstrip("/") + "/models")
        if self.api_key:
            request.add_header("Authorization", f"Bearer {self.api_key}")
        reason = ""
        try:
            with urllib.request.urlopen(request, timeout=self.probe_timeout) as response:
                json.loads(response.read(1 << 20) or b"{}")
        except urllib.error.HTTPError as error:  # it answers: reachable (a wrong key shows at the first question)
            logger.info("LLM server %s answered HTTP %s to the probe", self.base_url, error.code)
        except urllib.error.URLError as error:
            reason = "timed out" if isinstance(error.reason, TimeoutError) else "could not connect to the server"
        except TimeoutError:
            reason = "timed out"
        except OSError:
            reason = "could not connect to the server"
        except ValueError:
            reason = "the server's /models answer is not JSON: is it an OpenAI-compatible endpoint?"
        if reason:
            self._mark_unreachable(reason)
            logger.warning(
                "LLM server %s is unreachable (%s): answers fall back to the extractive answerer until it is",
                self.base_url,
                reason,
            )
            return False
        with self._state_lock:
            self._unreachable_since = None
            self.unreachable_reason = ""
        return True

    def _mark_unreachable(self, reason: str) -> None:
        with self._state_lock:
            self._unreachable_since = time.monotonic()
            self.unreachable_reason = reason

    def _skip_server(self) -> bool:
        """True while a recent failure says the server is down (no new connection attempt yet)."""
        with self._state_lock:
            since = self._unreachable_since
        if since is None:
            return False
        if time.monotonic() - since < self.recheck_s:
            return True
        return not self.probe()

    def rewrite(self, question: str, history: Sequence[Turn]) -> str:
        """A standalone question for follow-up ``question`` after the conversation ``history``,
        written by the model (``assistant.followup``); raises when the server cannot answer."""
        if self._skip_server():
            raise LLMUnavailable(self.unreachable_reason or "could not connect to the server")
        client = self._client_for()
        response = client.chat.completions.create(
            model=self._model_name(client),
            messages=rewrite_messages(question, history),
            max_tokens=min(self.max_tokens, 120),
            temperature=0.0,
            stream=False,
            timeout=min(self.timeout, REWRITE_TIMEOUT_S),
            extra_body=self.extra_body or None,
        )
        text = (response.choices[0].message.content or "").strip() if response.choices else ""
        return text.splitlines()[0].strip().strip('"') if text else ""

    def answer(self, question: str, hits: Sequence[Hit]) -> Answer:
        final = None
        for item in self.stream(question, hits):
            if isinstance(item, Answer):
                final = item
        assert final is not None
        return final

    def stream(self, question: str, hits: Sequence[Hit]) -> Iterator[str | Answer]:
        """Yield the model's text as it arrives, then the checked Answer.

        The final Answer is authoritative: its text is the checked one (citations cleaned, marks
        added) or, after a failure mid-stream, the extractive fallback. A UI replaces the streamed
        text with ``Answer.text`` when the Answer arrives.
        """
        evidence = self.finder.run(question, hits)
        if not evidence.supported or not evidence.sentences:
            answer = not_found_answer(question, evidence, hits, self.name)
            yield answer.text
            yield answer
            return
        given = list(hits)[: self.passages]
        if self._skip_server():
            note = say("note_fallback", evidence.lang, reason=self.unreachable_reason or "could not connect to the server")
            yield self.fallback.from_evidence(evidence, hits, notes=(note,))
            return
        parts: list[str] = []
        try:
            pieces = self._generate(question, evidence, given)
            try:
                for piece in pieces:
                    parts.append(piece)
                    if PROMPT_MARKUP.search("".join(parts[-8:])):
                        break  # it repeats its prompt: stop the server now, not after max_tokens (20 s on a CPU)
                    yield piece
            finally:
                pieces.close()  # closes the HTTP stream: the server stops generating
            text = "".join(parts).strip()
            if not text:
                raise LLMUnavailable(say("note_empty_llm", evidence.lang))
        except Exception as error:  # any failure of the endpoint: the user still gets an answer
            logger.warning("LLM answer failed, using the extractive answer: %s", error)
            if _reason(error) == "could not connect to the server":
                self._mark_unreachable(_reason(error))
            note = say("note_fallback", evidence.lang, reason=_reason(error))
            answer = self.fallback.from_evidence(evidence, hits, notes=(note,))
            yield answer
            return
        yield self._checked(text, evidence, hits, len(given))

    def _client_for(self) -> Any:
        if self._client is None:
            openai = _openai_module()
            self._client = openai.OpenAI(
                base_url=self.base_url, api_key=self.api_key or "not-needed", timeout=self.timeout, max_retries=0
            )
        return self._client

    def _model_name(self, client: Any) -> str:
        if self.model:
            return self.model
        models = list(client.models.list())
        if not models:
            raise LLMUnavailable("the server lists no model: set llm_model")
        self.model = str(models[0].id)
        return self.model

    def _generate(self, question: str, evidence: Evidence, given: Sequence[Hit]) -> Iterator[str]:
        """Stream the completion's text; stop with a timeout error past ``timeout`` seconds in total."""
        deadline = time.monotonic() + self.timeout
        client = self._client_for()
        messages = build_messages(question, evidence.lang, given, self.max_sentences, self.passage_chars)
        stream = client.chat.completions.create(
            model=self._model_name(client),
            messages=messages,
            max_tokens=self.max_tokens,
            temperature=self.temperature,
            stream=True,
            extra_body=self.extra_body or None,
        )
        try:
            for event in stream:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"no complete answer within {self.timeout:g} s")
                if not event.choices:
                    continue
                piece = event.choices[0].delta.content
                if piece:
                    yield piece
        finally:
            stream.close()

    def _checked(self, text: str, evidence: Evidence, hits: Sequence[Hit], given: int) -> Answer:
        """The model's answer with its citations checked, or the extractive answer (with a note
        saying why) when it cannot be trusted at all: it cites no passage that was given, or it
        repeats its prompt's markup (a small model echoed "[/INST]", "<<SYS>>" and ``<passage n="6">``
        with the passages' text, and was shown as an answer)."""
        checked = self.checker.run(text, range(1, given + 1), evidence.lang)
        problem = ""
        if PROMPT_MARKUP.search(text):
            problem = say("note_llm_prompt_echo", evidence.lang)
        elif not checked.cited:
            problem = say("note_llm_uncited", evidence.lang)
        if problem:
            logger.warning("LLM answer not used: %s", problem)
            return self.fallback.from_evidence(evidence, hits, notes=(say("note_fallback", evidence.lang, reason=problem),))
        supporting = self._supporting(checked.text, hits, evidence)
        passages = tuple(
            CitedPassage(number, hit, supporting.get(number, ()), number in checked.cited)
            for number, hit in enumerate(hits, start=1)
        )
        return Answer(evidence.question, evidence.lang, checked.text, passages, True, self.name, checked.notes)

    def _supporting(self, text: str, hits: Sequence[Hit], evidence: Evidence) -> dict[int, tuple[str, ...]]:
        """For each cited passage, its sentences closest to the answer sentences that cite it.

        The passages' sentences are the evidence's (vectors stored at ingest); only the answer's
        own sentences are embedded here.
        """
        claims: list[tuple[str, list[int]]] = []
        for line in (match for match in text.splitlines() if match.strip()):
            for start, end in sentence_spans(line, 0, len(line)):
                sentence = line[start:end]
                numbers = citations_in(sentence)
                if numbers:
                    claims.append((CITATION.sub("", sentence).strip(), numbers))
        wanted = sorted({number for _, numbers in claims for number in numbers})
        if not wanted:
            return {}
        flat: list[tuple[int, str]] = []
        vectors: list[np.ndarray] = []
        for index, sentence in enumerate(evidence.sentences):
            if sentence.number in wanted:
                flat.append((sentence.number, sentence.text))
                vectors.append(evidence.vectors[index])
        encoder = self.finder.encoder
        missing = [number for number in wanted if number not in {owner for owner, _ in flat} and number <= len(hits)]
        extra = [(number, hits[number - 1].chunk.text[a:b]) for number in missing for a, b in passage_sentences(hits[number - 1].chunk.text)]
        if extra:  # a cited passage the evidence did not read: embed its sentences
            flat += extra
            vectors += list(encoder.embed_passages([sentence for _, sentence in extra]))  # type: ignore[attr-defined]
        if not flat:
            return {}
        claim_vectors = encoder.embed_queries([claim for claim, _ in claims])  # type: ignore[attr-defined]
        similarity = claim_vectors @ np.stack(vectors).T
        supporting: dict[int, list[str]] = {}
        for row, (_, numbers) in enumerate(claims):
            for number in numbers:
                columns = [column for column, (owner, _) in enumerate(flat) if owner == number]
                if columns:
                    best = max(columns, key=lambda column: similarity[row, column])
                    chosen = flat[best][1]
                    if chosen not in supporting.setdefault(number, []):
                        supporting[number].append(chosen)
        return {number: tuple(found) for number, found in supporting.items()}
