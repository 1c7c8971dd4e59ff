"""What lmdeploy.pipeline() returns, minus the model: for the tests of LmdeployEngine.

FakePipeline checks each call against the real Pipeline signatures and answers with real
lmdeploy Response objects, the way lmdeploy 0.18 does with stream_response=False: each
request's text in delta chunks with finish_reason None, then an empty final Response with
the finish_reason; requests interleave and finish out of order; a failed request is a
Response with finish_reason "error", never an exception. Its replies are the ones
FakeEngine makes, so the grammar admits each of them."""

import hashlib
import inspect
import os
import re
import time
from types import SimpleNamespace

import lmdeploy
from lmdeploy import GenerationConfig
from lmdeploy.messages import Response
from lmdeploy.pipeline import Pipeline

import fakes
import generate_synthetic_data as gsd

REAL_PIPELINE = lmdeploy.pipeline


def request_of(messages, config) -> SimpleNamespace:
    """What the fakes need of a request, read back from the prompt and its config."""
    content = messages[-1]["content"]
    heading = re.search(r"^Heading: (.*)$", content, re.M).group(1).split(" > ")[-1]
    body = re.search(r'role="section">\n.*?\n\n(.*?)\n</document-text', content, re.S).group(1)
    fact = next((line for line in body.splitlines() if line.strip() and line[0] not in "#|-="),
                heading)
    fmt = config.response_format["json_schema"]
    return SimpleNamespace(
        messages=messages, request_id=hashlib.sha1(content.encode()).hexdigest(),
        variant=fmt["name"], engine_schema=fmt["schema"],
        section=SimpleNamespace(heading=heading, facts=[SimpleNamespace(text=fact)]))


class FakePipeline:
    """kinds(request) picks each reply (see fakes.behaviour); `stop_after=K`: the stream
    ends after K final replies (an engine that stops yielding); `die_after=K`: the stream
    raises (or with die_with="exit" the process ends) there; `delay`: seconds per reply."""

    def __init__(self, kinds=fakes.behaviour, chunks=3, interrupt_after=None, stop_after=None,
                 die_after=None, die_with="raise", delay=0.0, memory=None, hang_on_close=False):
        self.calls, self.closed, self.kinds, self.chunks = [], False, kinds, chunks
        self.first_seed = {} if memory is None else memory
        self.interrupt_after, self.stop_after = interrupt_after, stop_after
        self.die_after, self.die_with, self.delay = die_after, die_with, delay
        self.hang_on_close = hang_on_close
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
        streams = [self._responses(index, prompts[index], configs[index])
                   for index in reversed(range(len(prompts)))]
        while streams:
            for stream in list(streams):
                response = next(stream, None)
                if response is None:
                    streams.remove(stream)
                    continue
                if response.finish_reason is not None:
                    if self.interrupt_after is not None and self.finished >= self.interrupt_after:
                        raise KeyboardInterrupt
                    if self.stop_after is not None and self.finished >= self.stop_after:
                        return
                    if self.die_after is not None and self.finished >= self.die_after:
                        self._die()
                    self.finished += 1
                    time.sleep(self.delay)
                yield response

    def _die(self):
        if self.die_with == "exit":
            os._exit(1)
        raise RuntimeError("CUDA error: an illegal memory access was encountered")

    def _responses(self, index, messages, config):
        request = request_of(messages, config)
        reply = fakes.reply_text(request, self.kinds(request), config.random_seed,
                                 self.first_seed)
        if reply.finish_reason == "error":
            yield Response(text="", generate_token_len=0, input_token_len=100,
                           finish_reason="error", index=index, error_code="INTERNAL_ERROR",
                           error_message=reply.error)
            return
        text = reply.text
        cuts = [len(text) * k // self.chunks for k in range(self.chunks + 1)]
        for a, b in zip(cuts, cuts[1:]):
            yield Response(text=text[a:b], generate_token_len=b // 4, input_token_len=100,
                           index=index)
        yield Response(text="", generate_token_len=len(text) // 4, input_token_len=100,
                       finish_reason=reply.finish_reason, index=index)

    def close(self):
        if self.hang_on_close:
            time.sleep(3600)
        self.closed = True


def install(monkeypatch, pipe=None):
    """Make lmdeploy.pipeline() return `pipe` (a FakePipeline), its arguments checked
    against the real pipeline(); returns the dict that records them."""
    made = {}
    pipe = pipe or FakePipeline()

    def factory(*args, **kwargs):
        bound = inspect.signature(REAL_PIPELINE).bind(*args, **kwargs)
        made.update(bound.arguments, pipe=pipe)
        return pipe

    monkeypatch.setattr(lmdeploy, "pipeline", factory)
    return made


def fake_gpus(monkeypatch, n=1):
    """Pretend torch sees `n` CUDA devices (the hardware, not the engine, is faked)."""
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: n > 0)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: n)
