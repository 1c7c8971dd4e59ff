"""ServerEngine against a scripted OpenAI-compatible server on loopback that misbehaves the
ways real servers and proxies do: malformed 200s, a prompt that always fails, a server that
fails everything, Retry-After, a reply trickled a byte at a time, a non-API /models."""

import hashlib
import json
import time

import pytest

import generate_synthetic_data as gsd
from conftest import read_jsonl, run_cli
from loopback import Answer, ScriptedServer, completion, models

DOC = """# Lamp Care

The deuterium lamp lasts about 2000 hours. Replace the lamp when its energy falls below
60 percent. The lamp must cool for 15 minutes before it is touched.

## Storage

Store spare lamps in their foam case. Never store a lamp near solvents, because solvent
vapour clouds the quartz window.
"""


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch):
    monkeypatch.setattr(gsd, "BACKOFF_SECONDS", 0.01)
    monkeypatch.setattr(gsd, "SERVER_TRIES", 3)


@pytest.fixture
def docs(write_docs):
    return write_docs({"lamp.md": DOC})


def good(body):
    """A valid reply for a request body: the first sentence of the focus, asked plainly."""
    prompt = body["messages"][-1]["content"]
    variant = body["response_format"]["json_schema"]["name"] if "response_format" in body else "fact_based"
    sentence = "The deuterium lamp lasts about 2000 hours."
    tag = hashlib.sha1(prompt.encode()).hexdigest()[:8]
    reply = {"question": f"How long does the deuterium lamp last (case {tag})?", "answer": sentence,
             "reasoning_steps": ["The section Lamp Care covers it.", f"It says: {sentence}"]}
    if variant == "true_false":
        reply.update(statement=sentence, is_true=True)
    elif variant == "fill_blank":
        reply.update(sentence_with_blank="The deuterium lamp lasts about ___ hours.",
                     missing_words="2000")
    elif variant == "contextual_ambiguity":
        reply.update(readings=["the lamp", "the case"])
    return completion(json.dumps(reply))


def unlucky(body, share=5):
    """About one prompt in `share`, the same ones every time."""
    return int(hashlib.sha1(body["messages"][-1]["content"].encode()).hexdigest(), 16) % share == 0


def cli(capsys, docs, out, url, *extra):
    return run_cli(capsys, "--input-dir", docs, "--output-dir", out, "--base-url", url,
                   "--model", "m", "--format", "jsonl", "--min-grounding", 0,
                   "--keep-duplicates", *extra)


MALFORMED = {
    "html": "<html><body>502 Bad Gateway</body></html>",
    "not-json": "the model is warming up",
    "cut-json": '{"choices": [{"message": {"content": "{\\"question\\": ',
    "no-choices": '{"choices": []}',
    "empty-object": "{}",
    "a-list": "[1, 2, 3]",
    "proxy-error": '{"error_code": 10402, "text": "Failed to get response after a period of time"}',
}


@pytest.mark.parametrize("body", [  # two shapes in the quick loop, every shape in the full run
    pytest.param(body, id=name, marks=() if name in ("html", "proxy-error") else pytest.mark.slow)
    for name, body in MALFORMED.items()])
def test_a_malformed_200_is_retried_then_rejected_with_its_raw_text(capsys, docs, tmp_path, body):
    def answer(path, request):
        return Answer(200, body) if unlucky(request) else good(request)

    with ScriptedServer(answer) as server:
        status, files, err = cli(capsys, docs, tmp_path, server.url)
    assert status == 0, err
    assert "Traceback" not in err
    rejected = [r for r in read_jsonl(files["rejected"]) if r["reason"] == "engine_error"]
    assert rejected and all(body[:20] in r["raw"] for r in rejected)
    assert all(f"failed {gsd.SERVER_TRIES} times" in r["detail"] for r in rejected)
    prompts = [p for p, _, _ in server.posts()]
    failing = {p for p in prompts if prompts.count(p) > 1}
    assert len(failing) == len(rejected)
    assert all(prompts.count(p) == gsd.SERVER_TRIES for p in failing)
    assert json.loads(files["run"].read_text())["qa_pairs"] > 0


def test_a_prompt_that_always_fails_is_rejected_and_the_run_finishes_every_time(capsys, docs,
                                                                               tmp_path):
    def answer(path, request):
        if unlucky(request, 7):
            return Answer(500, json.dumps({"error": {"message": "CUDA out of memory"}}))
        return good(request)

    with ScriptedServer(answer) as server:
        status, files, err = cli(capsys, docs, tmp_path, server.url)
        assert status == 0, err
        rejected = read_jsonl(files["rejected"])
        assert rejected and all("CUDA out of memory" in r["detail"] for r in rejected)
        first = len(server.posts())
        status, files, err = cli(capsys, docs, tmp_path, server.url)  # the same command again
        assert status == 0, err
        again = server.posts()[first:]
    assert {p for p, _, _ in again} == {p for p, _, _ in server.posts()[:first]
                                        if [q for q, _, _ in server.posts()[:first]].count(p) > 1}


def test_a_server_failing_everything_ends_the_run_with_one_line_and_a_hint(capsys, docs, tmp_path):
    with ScriptedServer(lambda path, request: Answer(500, "Internal Server Error")) as server:
        status, files, err = cli(capsys, docs, tmp_path, server.url)
    assert status == 2 and not files
    lines = [line for line in err.splitlines() if line.strip() and "%|" not in line]
    assert len(lines) == 1 and lines[0].startswith("error:")
    assert "requests in a row failed" in err and "--response-format json_object" in err


@pytest.mark.slow  # waits on real time or makes thousands of files
def test_retry_after_is_honoured(capsys, write_docs, tmp_path):
    docs = write_docs({"one.md": "# Lamp\nThe deuterium lamp lasts about 2000 hours.\n"})
    asked: dict[str, int] = {}

    def answer(path, request):
        prompt = request["messages"][-1]["content"]
        asked[prompt] = asked.get(prompt, 0) + 1
        if asked[prompt] == 1:
            return Answer(429, '{"error": {"message": "slow down"}}', {"Retry-After": "2"})
        return good(request)

    with ScriptedServer(answer) as server:
        status, files, err = cli(capsys, docs, tmp_path, server.url)
    assert status == 0, err
    times: dict[str, list[float]] = {}
    for prompt, at, _ in server.posts():
        times.setdefault(prompt, []).append(at)
    assert times and all(len(t) == 2 and t[1] - t[0] >= 1.9 for t in times.values())


def test_a_retry_after_beyond_the_budget_gives_up_at_once(capsys, write_docs, tmp_path,
                                                        monkeypatch):
    monkeypatch.setattr(gsd, "RETRY_BUDGET", 2.0)
    docs = write_docs({"one.md": "# Lamp\nThe deuterium lamp lasts about 2000 hours.\n"})
    answer = lambda path, request: Answer(503, "busy", {"Retry-After": "60"})  # noqa: E731
    started = time.monotonic()
    with ScriptedServer(answer) as server:
        status, files, err = cli(capsys, docs, tmp_path, server.url)
    assert time.monotonic() - started < 20
    assert status == 0, err
    rejected = read_jsonl(files["rejected"])
    assert rejected and all("beyond the retry budget" in r["detail"] for r in rejected)


@pytest.mark.slow  # waits on real time or makes thousands of files
def test_request_timeout_bounds_a_server_that_trickles(capsys, write_docs, tmp_path, monkeypatch):
    monkeypatch.setattr(gsd, "SERVER_TRIES", 2)
    docs = write_docs({"one.md": "# Lamp\nThe deuterium lamp lasts about 2000 hours.\n"})

    def answer(path, request):
        return Answer(200, good(request).body, trickle=0.2)  # a byte every 0.2 s

    with ScriptedServer(answer) as server:
        started = time.monotonic()
        status, files, err = cli(capsys, docs, tmp_path, server.url, "--request-timeout", 1)
        took = time.monotonic() - started
    assert status == 0, err
    assert took < 30
    rejected = read_jsonl(files["rejected"])
    assert rejected and all("no complete reply within 1 s" in r["detail"] for r in rejected)


def test_the_same_model_behind_another_url_is_the_same_request(capsys, docs, tmp_path):
    with ScriptedServer(lambda path, request: good(request)) as server:
        port = server.url.split(":")[2].split("/")[0]
        status, _, err = cli(capsys, docs, tmp_path, f"http://127.0.0.1:{port}/v1/")
        assert status == 0, err
        first = len(server.posts())
        status, files, err = cli(capsys, docs, tmp_path, f"http://localhost:{port}/v1")
        assert status == 0, err
    assert first > 0 and len(server.posts()) == first
    assert json.loads(files["run"].read_text())["llm"]["replies_from_cache"] == first


@pytest.mark.parametrize("body, fragment", [
    ("<html>Welcome to nginx</html>", "did not answer with a model list"),
    ('{"data": [{"id": "other"}]}', "does not serve 'm'"),
], ids=["html", "other-model"])
def test_models_preflight_says_what_is_wrong(capsys, docs, tmp_path, body, fragment):
    server = ScriptedServer(lambda path, request: Answer(200, body))
    server.answer_models = True
    with server:
        status, files, err = cli(capsys, docs, tmp_path, server.url)
    assert status == 2 and fragment in err and not files
    assert len(err.strip().splitlines()) == 1


def test_a_server_refusing_json_schema_is_told_apart_at_once(capsys, docs, tmp_path):
    refusal = json.dumps({"error": {"message": "1 validation error: ('body', 'response_format', "
                                               "'type') Input should be 'text' or 'json_object'"}})
    with ScriptedServer(lambda path, request: Answer(500, refusal)) as server:
        status, files, err = cli(capsys, docs, tmp_path, server.url)
    assert status == 2 and not files and len(server.seen) == 2  # /models and the probe
    assert "--response-format json_object" in err and len(err.strip().splitlines()) == 1


def test_no_server_is_one_clear_line(capsys, docs, tmp_path):
    status, files, err = cli(capsys, docs, tmp_path, "http://127.0.0.1:9/v1")
    assert status == 2 and "no OpenAI-compatible server answers" in err and not files


def test_the_key_travels_in_the_header_only(capsys, docs, tmp_path):
    secret = "sk-loopback-secret-0123456789"
    with ScriptedServer(lambda path, request: good(request)) as server:
        status, files, err = cli(capsys, docs, tmp_path, server.url, "--api-key", secret)
    assert status == 0, err
    assert all(h.get("Authorization") == f"Bearer {secret}" for _, _, h in server.posts())
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert secret.encode() not in path.read_bytes(), path


def test_a_reply_body_over_the_cap_is_refused_never_cached_and_the_run_finishes(capsys, docs,
                                                                               tmp_path,
                                                                               monkeypatch):
    monkeypatch.setattr(gsd, "MAX_REPLY_CHARS", 20_000)
    runaway = completion("{" + " " * 30_000 + "}")

    def answer(path, request):
        return runaway if unlucky(request) else good(request)

    with ScriptedServer(answer) as server:
        status, files, err = cli(capsys, docs, tmp_path, server.url)
    assert status == 0, err
    rejected = [r for r in read_jsonl(files["rejected"]) if r["reason"] == "engine_error"]
    assert rejected and all("larger than 20000 bytes" in r["detail"] for r in rejected)
    import sqlite3
    longest = sqlite3.connect(tmp_path / gsd.CACHE_NAME).execute(
        "SELECT MAX(length(text)) FROM replies").fetchone()[0]
    assert longest < 20_000
