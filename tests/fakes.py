"""Fakes for the lmdeploy engine call, shared by the tests and by tests/fake_gpu_run.py.

Only what lmdeploy.pipeline() returns is fake: FakePipeline checks each call against the
real Pipeline signatures and answers with real lmdeploy Response objects."""

import hashlib
import inspect
import os
import time
import json
import re
from collections import Counter

import lmdeploy
from lmdeploy import GenerationConfig
from lmdeploy.messages import Response
from lmdeploy.pipeline import Pipeline

import generate_synthetic_data as gsd

REAL_PIPELINE = lmdeploy.pipeline
VARIANTS = {v.replace("_", " "): v for v in list(gsd.TYPE_INSTRUCTIONS)}


def variant_of(messages):
    return VARIANTS[re.search(r"Task \(([a-z ]+)\)", messages[-1]["content"]).group(1)]


def good_reply(messages):
    """A reply that matches the request's schema, built from the prompt's own section."""
    variant = variant_of(messages)
    body = re.search(r"<<<\n(.*?)\n>>>", messages[-1]["content"], re.S).group(1)
    lines = [line for line in body.splitlines() if line.strip()]
    sentence = next((line for line in lines if not line.startswith(("#", "|", "-", "="))), lines[-1])
    reply = {"question": f"What does the section say ({variant})?", "answer": sentence,
             "reasoning_steps": ["The section is the source.", f'It says: "{sentence}"']}
    if variant == "true_false":
        reply.update(statement=sentence, is_true=True)
    elif variant == "fill_blank":
        reply.update(sentence_with_blank="The ___ is here.", missing_words="lamp")
    elif variant == "contextual_ambiguity":
        reply.update(readings=["one reading", "another reading"])
    return json.dumps(reply, ensure_ascii=False)


def behaviour(messages):
    """Which kind of reply a prompt gets: stable per prompt, spread over the run."""
    digest = int(hashlib.sha1(messages[-1]["content"].encode()).hexdigest(), 16)
    return {0: "fenced", 1: "bad_then_good", 2: "hopeless", 3: "length", 4: "error"}.get(digest % 10, "good")


class FakePipeline:
    """What lmdeploy.pipeline() returns, minus the model: answers with real Responses."""

    def __init__(self, kinds=behaviour, interrupt_after=None, chunks=3, die_after=None,
                 die_with="raise", delay=0.0, memory=None):
        self.calls, self.closed, self.kinds, self.chunks = [], False, kinds, chunks
        # "bad_then_good" prompts fail under the first sampling seed the model sees for them
        # and succeed under any other; pass one dict to several fakes to make them one model.
        self.first_seed = {} if memory is None else memory
        self.seen = Counter()
        self.interrupt_after = interrupt_after
        self.die_after, self.die_with, self.delay = die_after, die_with, delay
        self.finished = 0  # final Responses handed out

    def stream_infer(self, *args, **kwargs):
        bound = inspect.signature(Pipeline.stream_infer).bind(self, *args, **kwargs)
        prompts, configs = bound.arguments["prompts"], bound.arguments["gen_config"]
        assert isinstance(prompts, list) and all(isinstance(p, list) for p in prompts)
        assert isinstance(configs, list) and len(configs) == len(prompts)
        assert all(isinstance(c, GenerationConfig) for c in configs)
        self.calls.append((prompts, configs, bound.arguments))
        return self._answer(prompts, configs)

    def _answer(self, prompts, configs):
        """Like lmdeploy 0.18 with stream_response=False: each request yields its text in
        delta chunks with finish_reason None, then an empty final Response that carries the
        finish_reason; requests interleave and finish out of order."""
        streams = [self._responses(index, prompts[index], configs[index].random_seed)
                   for index in reversed(range(len(prompts)))]
        while streams:
            for stream in list(streams):
                response = next(stream, None)
                if response is None:
                    streams.remove(stream)
                    continue
                if self.interrupt_after is not None and sum(self.seen.values()) >= self.interrupt_after:
                    raise KeyboardInterrupt
                if response.finish_reason is not None:
                    if self.die_after is not None and self.finished >= self.die_after:
                        self._die()
                    self.finished += 1
                    time.sleep(self.delay)
                yield response

    def _die(self):
        """The engine goes away after `die_after` replies: an exception, or the process."""
        if self.die_with == "exit":
            os._exit(1)
        raise RuntimeError("CUDA error: an illegal memory access was encountered")

    def _responses(self, index, messages, seed):
        key = messages[-1]["content"]
        self.seen[key] += 1
        kind = self.kinds(messages)
        text, reason = good_reply(messages), "stop"
        if kind == "fenced":
            text = f"```json\n{text}\n```\nI hope this helps."
        elif kind == "bad_then_good" and self.first_seed.setdefault(key, seed) == seed \
                or kind == "hopeless":
            text = '{"question": "half a reply'
        elif kind == "length":
            text, reason = text[: len(text) // 2], "length"
        elif kind == "error":
            yield Response(text="", generate_token_len=0, input_token_len=100, finish_reason="error",
                           index=index, error_code="INTERNAL_ERROR", error_message="engine failure")
            return
        cuts = [len(text) * k // self.chunks for k in range(self.chunks + 1)]
        for a, b in zip(cuts, cuts[1:]):
            yield Response(text=text[a:b], generate_token_len=b // 4, input_token_len=100, index=index)
        yield Response(text="", generate_token_len=len(text) // 4, input_token_len=100,
                       finish_reason=reason, index=index)

    def close(self):
        self.closed = True


