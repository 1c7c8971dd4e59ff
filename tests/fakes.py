"""A model at our engine seam, as strict as the real thing.

FakeEngine answers only what the real grammar engine would let a model write for that
request (every reply it makes is checked against the request's engine schema with the
real xgrammar), and fails the way engines fail: a request that fails comes back as an
"error" or "abort" reply, an engine that dies raises SyntheticDataError, Ctrl-C raises
KeyboardInterrupt. Which reply a request gets is decided by `behaviour`, stable per
prompt and spread over a run."""

import hashlib
import json
import re
from collections import Counter
from functools import lru_cache

import pytest

import generate_synthetic_data as gsd

xgr = pytest.importorskip("xgrammar", reason="xgrammar is a test dependency (requirements-dev.txt)")
from xgrammar.testing import _is_grammar_accept_string  # noqa: E402

KINDS = ("good", "bad_then_good", "hopeless", "length", "runaway", "error")


@lru_cache(maxsize=None)
def _grammar(schema_text: str):
    return xgr.Grammar.from_json_schema(schema_text)


def admits(schema: dict, text: str, complete: bool = True) -> bool:
    """Whether the grammar lmdeploy compiles from `schema` lets a model write `text`
    (all of it with `complete`, else as the start of a reply)."""
    return _is_grammar_accept_string(_grammar(json.dumps(schema, ensure_ascii=False)), text,
                                     require_termination=complete)


def focus_text(request) -> str:
    """A sentence of the request's section: the statement in focus, else its first fact."""
    match = re.search(r'role="statement">\n(.*?)\n</document-text', request.messages[-1]["content"],
                      re.S)
    if match:
        return match.group(1)
    facts = request.section.facts
    return facts[0].text if facts else request.section.heading


def good_reply(request) -> dict:
    """A reply that passes every check: the statement in focus, asked about plainly. The
    question carries the request id, so that no two replies are duplicates."""
    sentence = focus_text(request)
    reply = {"question": f'What does "{request.section.heading}" state (case '
                         f'{request.request_id[:8]})?',
             "answer": sentence,
             "reasoning_steps": [f'The answer comes from "{request.section.heading}".',
                                 f'It says: "{sentence}"']}
    if request.variant == "true_false":
        reply.update(statement=sentence, is_true=True)
    elif request.variant == "fill_blank":
        word = next((w for w in re.findall(r"\w{4,}", sentence)), "text")
        reply.update(sentence_with_blank=sentence.replace(word, "___", 1), missing_words=word)
    elif request.variant == "contextual_ambiguity":
        reply.update(readings=["one reading", "another reading"])
    return reply


def strictly_invalid(request) -> dict:
    """A reply the grammar admits but our own checks refuse: a question too short to be
    one (the grammar no longer enforces lengths)."""
    return {**good_reply(request), "question": "Why"}


def behaviour(request) -> str:
    """Which kind of reply a request gets: stable per prompt, about half of them good."""
    digest = int(hashlib.sha1(request.messages[-1]["content"].encode()).hexdigest(), 16)
    return {0: "bad_then_good", 1: "hopeless", 2: "length", 3: "runaway", 4: "error"}.get(
        digest % 10, "good")


def reply_text(request, kind: str, seed: int, first_seed: dict) -> gsd.Reply:
    """The reply a model constrained by the request's grammar gives, for a kind."""
    schema = request.engine_schema
    if kind in ("error", "abort"):
        return gsd.Reply("", kind, 100, 0, f"{kind}: the engine could not serve this request")
    good = json.dumps(good_reply(request), ensure_ascii=False)
    if kind == "bad_then_good" and first_seed.setdefault(request.request_id, seed) == seed \
            or kind == "hopeless":
        text = json.dumps(strictly_invalid(request), ensure_ascii=False)
    elif kind == "length":
        text = good[: len(good) // 2]
        assert admits(schema, text, complete=False)
        return gsd.Reply(text, "length", 100, 4096)
    elif kind == "runaway":  # closed a string early at a quote: only whitespace may follow
        text = good[: good.index('"answer": "') + len('"answer": "') + 5] + '"' + " " * 200
        assert admits(schema, text, complete=False)
        return gsd.Reply(text, "length", 100, 4096)
    else:
        text = good
    assert admits(schema, text), f"the grammar would not let a model write {text!r}"
    return gsd.Reply(text, "stop", 100, len(text) // 4)


class FakeEngine(gsd.Engine):
    """The model behind our seam, minus the model (see the module docstring).

    `kinds(request)` picks a reply kind; `die_after=K` makes the engine die (as a crashed
    GPU engine does: SyntheticDataError) when the K+1-th reply would come;
    `interrupt_after=K` raises KeyboardInterrupt there (Ctrl-C); `memory` shared between
    fakes makes them one model for "bad_then_good"."""

    kind = "fake"
    failure_limit = 10  # like a server: failing everything ends the run

    def __init__(self, config, kinds=behaviour, die_after=None, interrupt_after=None,
                 memory=None):
        super().__init__(config)
        self.kinds, self.die_after, self.interrupt_after = kinds, die_after, interrupt_after
        self.first_seed = {} if memory is None else memory
        self.asked: list[tuple[str, int]] = []  # (request id, seed) of every ask answered
        self.opened = self.closed = 0
        self.answered = 0

    def open(self):
        self.opened += 1

    def generate(self, asks):
        self.calls += 1
        order = list(range(len(asks)))
        order = order[1::2] + order[::2]  # replies finish out of order
        for position in order:
            if self.die_after is not None and self.answered >= self.die_after:
                raise gsd.SyntheticDataError("the engine failed: RuntimeError: CUDA error")
            if self.interrupt_after is not None and self.answered >= self.interrupt_after:
                raise KeyboardInterrupt
            ask = asks[position]
            self.asked.append((ask.request.request_id, ask.seed))
            self.answered += 1
            yield position, reply_text(ask.request, self.kinds(ask.request), ask.seed,
                                       self.first_seed)

    def close(self):
        self.closed += 1
        return None


def counts(requests, kinds=behaviour) -> Counter:
    return Counter(kinds(r) for r in requests)
