"""The script's own cost per request on the LLM path, against an instant engine, and the
prompt tokens per request with and without the shared prefix computed once.

    python bench/bench_llm_path.py [--requests 10000] [--input-dir DIR]

The real LmdeployEngine runs (real GenerationConfig per request, the real stream_infer
call shape, real lmdeploy Response objects), but the pipeline answers at once with a
valid reply, so what is timed is everything the script does around the model: planning
the requests, building prompts and generation configs, validating replies, making and
checking QA pairs, the review, the split and the files. Target: at most 100 microseconds
per request at 10,000 requests.

Prompt tokens are estimated (one per CJK character, one per four other characters): the
requests of one section begin with the same text (system prompt, document, section), which
lmdeploy's prefix cache computes once per section instead of once per request."""

import argparse
import hashlib
import io
import json
import os
import re
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402

sys.path.insert(0, str(corpus.ROOT))
import generate_synthetic_data as gsd  # noqa: E402


_STATEMENT = re.compile(r'role="statement">\n(.*?)\n</document-text', re.S)


def canned_reply(variant: str, prompt: str, index: int) -> str:
    """A valid, grounded reply: the statement in focus asked about plainly."""
    match = _STATEMENT.search(prompt)
    statement = match.group(1) if match else "Riders need a helmet."
    word = (re.findall(r"\w{4,}", statement) or ["text"])[0]
    tag = hashlib.sha1(f"{index}".encode()).hexdigest()[:24]  # no two questions alike
    reply = {"question": f"What is stated under {tag}?", "answer": statement,
             "reasoning_steps": ["The answer comes from the section.", f"It says: {statement}"]}
    if variant == "true_false":
        reply.update(statement=statement, is_true=True)
    elif variant == "fill_blank":
        reply.update(sentence_with_blank=statement.replace(word, "___", 1), missing_words=word)
    elif variant == "contextual_ambiguity":
        reply.update(readings=["one reading", "another reading"])
    return json.dumps(reply)


class InstantPipe:
    """Answers every prompt at once with a valid reply, as real lmdeploy Responses."""

    def __init__(self):
        from lmdeploy.messages import Response

        self.Response, self.calls, self.seconds, self.served = Response, 0, 0.0, 0

    def stream_infer(self, prompts, gen_config=None, stream_response=True, **kwargs):
        self.calls += 1
        for index, (prompt, config) in enumerate(zip(prompts, gen_config)):
            start = time.perf_counter()
            text = canned_reply(config.response_format["json_schema"]["name"],
                                prompt[-1]["content"], self.served + index)
            response = self.Response(text=text, generate_token_len=40, input_token_len=600,
                                     finish_reason="stop", index=index)
            self.seconds += time.perf_counter() - start
            yield response
        self.served += len(prompts)

    def close(self):
        pass


class InstantEngine(gsd.LmdeployEngine):
    pipes: list = []

    def open(self):
        if self.pipe is None:
            self.pipe = InstantPipe()
            InstantEngine.pipes.append(self.pipe)


def corpus_with(requests: int, folder: Path, input_dir: Path | None):
    """A folder of documents that plan at least `requests` requests, and those requests."""
    size = 50_000
    while True:
        docs = input_dir or corpus.generated(size, folder / str(size))
        library = gsd.load_documents(docs, gsd.DEFAULT_MAX_SECTION_TOKENS, print)
        planned = gsd.plan_requests(library.documents, gsd.Corpus(library.documents))
        if input_dir or len(planned) >= requests:
            return docs, planned
        size *= 2


def prompt_tokens(planned) -> tuple[int, int]:
    """(prompt tokens of every request, the same with each section's shared beginning
    counted once)."""
    by_section = defaultdict(list)
    for request in planned:
        by_section[request.section.key].append(
            "\n".join(m["content"] for m in request.messages))
    total = shared = 0
    for texts in by_section.values():
        prefix = os.path.commonprefix(texts)
        cost = gsd.estimate_tokens(prefix)
        total += sum(gsd.estimate_tokens(t) for t in texts)
        shared += cost + sum(gsd.estimate_tokens(t) - cost for t in texts)
    return total, shared


class Timed:
    """Wrap module functions to add up the seconds spent in them."""

    def __init__(self, *names: str) -> None:
        self.seconds = dict.fromkeys(names, 0.0)
        for name in names:
            setattr(gsd, name, self._wrap(name, getattr(gsd, name)))

    def _wrap(self, name, function):
        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[name] += time.perf_counter() - start
        return timed


def measure(docs: Path, cache: bool) -> None:
    import lmdeploy  # noqa: F401  (imported before timing: start-up, not per request)
    from lmdeploy.messages import Response  # noqa: F401

    phases = Timed("load_documents", "plan_requests", "ask_model", "check_and_store")
    with tempfile.TemporaryDirectory() as out:
        config = gsd.build_config(["--input-dir", str(docs), "--output-dir", out, "--quiet",
                                   *([] if cache else ["--no-cache"])])
        engine = InstantEngine(config)
        start = time.perf_counter()
        summary = gsd.run(config, out=io.StringIO(), err=io.StringIO(), engine=engine)
        total = time.perf_counter() - start
    llm, seconds = summary.llm, phases.seconds
    engine_seconds = InstantEngine.pipes[-1].seconds
    model_path = seconds["plan_requests"] + seconds["ask_model"] - engine_seconds
    n = llm.requests_sent
    print(f"--- reply cache {'on (one SQLite commit per reply)' if cache else 'off'}")
    print(f"requests sent      {n} in {llm.engine_calls} engine call(s); accepted "
          f"{summary.qa_pairs} QA pairs (rejected {summary.rejected})")
    print(f"whole run          {total:.3f} s (the instant engine {engine_seconds:.3f} s): "
          f"{(total - engine_seconds) / n * 1e6:.0f} us per request")
    print(f"  reading          {seconds['load_documents'] / n * 1e6:6.0f} us per request")
    print(f"  model path       {model_path / n * 1e6:6.0f} us per request: plan, prompts, "
          f"generation configs, {'cache, ' if cache else ''}parsing and judging replies "
          f"(target <= 100 us)")
    print(f"  checking/storing {seconds['check_and_store'] / n * 1e6:6.0f} us per request: "
          f"grounding, four examples rendered")
    rest = total - engine_seconds - model_path - seconds["load_documents"] - \
        seconds["check_and_store"]
    print(f"  review and files {rest / n * 1e6:6.0f} us per request")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--input-dir", type=Path, help="real documents instead of the "
                        "generated corpus (then --requests is ignored)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        docs, planned = corpus_with(args.requests, Path(tmp), args.input_dir)
        total, shared = prompt_tokens(planned)
        sections = len({r.section.key for r in planned})
        print(f"corpus             {corpus.size_of(docs) / 1e6:.2f} MB, {sections} sections, "
              f"{len(planned)} requests")
        print(f"prompt tokens per request  {total / len(planned):.0f} without the shared "
              f"prefix, {shared / len(planned):.0f} with it computed once per section "
              f"({total / shared:.2f}x fewer)")
        for cache in (False, True):
            measure(docs, cache)


if __name__ == "__main__":
    main()
