"""The script's own cost per request on the LLM path, against an instant engine.

    python bench/bench_llm_path.py [--requests 10000] [--batch-size 1024]

The real LmdeployEngine runs (real GenerationConfig per request, real stream_infer call
shape, real lmdeploy Response objects), but the pipeline answers at once with a valid reply,
so what is timed is everything the script does around the model: planning the requests,
building prompts and generation configs, validating replies, making QA pairs. Target
(issue 3): at most 100 microseconds per request at 10,000 requests."""

import argparse
import io
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402

sys.path.insert(0, str(corpus.ROOT))
import generate_synthetic_data as gsd  # noqa: E402


def canned_reply(variant: str) -> str:
    reply = {"question": "What does the section require?", "answer": "It requires a helmet.",
             "reasoning_steps": ["The section is about riders.", "It states the rule."]}
    if variant == "true_false":
        reply.update(statement="Riders need a helmet.", is_true=True)
    elif variant == "fill_blank":
        reply.update(sentence_with_blank="Riders need a ___.", missing_words="helmet")
    elif variant == "contextual_ambiguity":
        reply.update(readings=["the rider", "the scooter"])
    return json.dumps(reply)


class InstantPipe:
    """Answers every prompt at once with a valid reply, as real lmdeploy Responses."""

    def __init__(self):
        from lmdeploy.messages import Response

        self.Response, self.calls, self.seconds = Response, 0, 0.0
        InstantPipe.last = self
        self.replies = {v: canned_reply(v) for v in gsd.TYPE_INSTRUCTIONS}

    def stream_infer(self, prompts, gen_config=None, stream_response=True, **kwargs):
        self.calls += 1
        for index, config in enumerate(gen_config):
            start = time.perf_counter()
            text = self.replies[config.response_format["json_schema"]["name"]]
            response = self.Response(text=text, generate_token_len=40, input_token_len=600,
                                     finish_reason="stop", index=index)
            self.seconds += time.perf_counter() - start
            yield response

    def close(self):
        pass


class InstantEngine(gsd.LmdeployEngine):
    def open(self):
        self.pipe = InstantPipe()


def corpus_with(requests: int, folder: Path):
    size = 50_000
    while True:
        docs_dir = corpus.generated(size, folder / str(size))
        documents = [gsd.parse_document(gsd.decode_markdown(p.read_bytes()), p.name, 1500)
                     for p in sorted(docs_dir.glob("*.md"))]
        if len(gsd.plan_requests(documents, gsd.Corpus(documents))) >= requests:
            return docs_dir, documents
        size *= 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--batch-size", type=int, default=gsd.DEFAULT_BATCH_SIZE)
    args = parser.parse_args()
    for cache in (False, True):
        measure(args, cache)


def measure(args, cache: bool) -> None:
    import lmdeploy  # noqa: F401  (imported before timing: start-up, not per request)

    with tempfile.TemporaryDirectory() as tmp:
        docs_dir, documents = corpus_with(args.requests, Path(tmp))
        config = gsd.build_config(["--input-dir", str(docs_dir), "--output-dir", tmp,
                                   "--quiet", "--batch-size", str(args.batch_size),
                                   *([] if cache else ["--no-cache"])])
        report = gsd.RunReport()
        engine = InstantEngine(config)
        start = time.perf_counter()
        pairs, rejected = gsd.model_qa_pairs(documents, gsd.Corpus(documents), config, report,
                                             io.StringIO(), engine)
        total = time.perf_counter() - start
    sent = report.llm["requests_sent"]
    engine_seconds = InstantPipe.last.seconds
    own = total - engine_seconds
    print(f"--- reply cache {'on (one SQLite commit per reply)' if cache else 'off'}")
    print(f"requests sent      {sent}")
    print(f"engine calls       {report.llm['engine_calls']} (batch size {args.batch_size})")
    print(f"accepted/rejected  {len(pairs)}/{len(rejected)}")
    print(f"total seconds      {total:.3f} (of which the instant engine {engine_seconds:.3f})")
    print(f"script time per request  {own / sent * 1e6:.1f} us  (target <= 100 us)")


if __name__ == "__main__":
    main()
