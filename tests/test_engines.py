"""The engines: one contract every engine keeps, then what is particular to each.

The contract runs against the fake engine at our seam, LmdeployEngine over lmdeploy's real
classes with only the pipeline faked, ServerEngine against a scripted loopback server,
and (marked slow) ServerEngine against a real llama.cpp server."""

import inspect
import json
import threading
import time

import pytest

import generate_synthetic_data as gsd
import fakes
from conftest import SAMPLE_DOCS, outputs, read_jsonl
from loopback import Answer, ScriptedServer, completion

FINISH_REASONS = {"stop", "length", "error", "abort"}


def config(*extra, out="out"):
    return gsd.build_config(["--input-dir", str(SAMPLE_DOCS), "--output-dir", out,
                             "--max-tokens", "256", *map(str, extra)])


def some_asks(sample_requests, n=12):
    return gsd.asks_of(sample_requests, range(n), 0, 7)


def scripted_answer(requests):
    """A loopback server's answer: a good reply for each prompt, an HTTP 400 for one in
    ten (a request the server refuses)."""
    by_prompt = {r.messages[-1]["content"]: r for r in requests}

    def answer(path, body):
        request = by_prompt[body["messages"][-1]["content"]]
        if fakes.behaviour(request) == "error":
            return Answer(400, json.dumps({"error": {"message": "context too long"}}))
        return completion(json.dumps(fakes.good_reply(request)))

    return answer


@pytest.fixture
def engine_under_test(request, sample_requests, monkeypatch, tmp_path):
    """(engine, asks) for each engine the contract runs against."""
    asks = some_asks(sample_requests)
    kind = request.param
    if kind == "fake":
        yield fakes.FakeEngine(config()), asks
    elif kind == "lmdeploy":
        pytest.importorskip("lmdeploy", reason="lmdeploy is not installed")
        import fake_lmdeploy

        fake_lmdeploy.fake_gpus(monkeypatch)
        fake_lmdeploy.install(monkeypatch)
        yield gsd.LmdeployEngine(config()), asks
    elif kind == "server":
        with ScriptedServer(scripted_answer(sample_requests), model="m") as server:
            yield gsd.ServerEngine(config("--base-url", server.url, "--model", "m")), asks
    elif kind == "llama.cpp":
        from servers import LlamaServer, skip_reason

        reason = skip_reason(llama=True, proxy=False)
        if reason:
            pytest.skip(reason)
        with LlamaServer(log_dir=tmp_path) as server:
            yield gsd.ServerEngine(config("--base-url", server.url, "--model", "smollm2",
                                          "--response-format", "json_object",
                                          "--max-tokens", "64", "--concurrency", "2")), asks[:4]


ENGINES = ["fake", "lmdeploy", "server", pytest.param("llama.cpp", marks=pytest.mark.slow)]


@pytest.mark.parametrize("engine_under_test", ENGINES, indirect=True)
def test_every_engine_answers_every_ask_once_with_a_reply(engine_under_test):
    engine, asks = engine_under_test
    engine.open()
    try:
        answered = list(engine.generate(asks))
        assert list(engine.generate([])) == []
    finally:
        engine.close()
    positions = [position for position, _ in answered]
    assert sorted(positions) == list(range(len(asks)))
    for _, reply in answered:
        assert isinstance(reply, gsd.Reply) and reply.finish_reason in FINISH_REASONS
        assert isinstance(reply.text, str) and not reply.cached
        if reply.finish_reason in ("error", "abort"):
            assert reply.error  # a failure says what failed
    identity = engine.identity()
    assert json.loads(json.dumps(identity)) == identity and "api_key" not in identity


# --- lmdeploy in-process -------------------------------------------------------

lmdeploy_only = pytest.mark.skipif(
    __import__("importlib").util.find_spec("lmdeploy") is None, reason="lmdeploy is not installed")


@pytest.fixture
def lmdeploy_run(monkeypatch, capsys, tmp_path):
    """run(pipe, *flags) -> (status, files, stderr, record of pipeline() arguments)."""
    pytest.importorskip("lmdeploy", reason="lmdeploy is not installed")
    import fake_lmdeploy

    def run(pipe=None, *extra, gpus=1, review=False):
        fake_lmdeploy.fake_gpus(monkeypatch, gpus)
        made = fake_lmdeploy.install(monkeypatch, pipe or fake_lmdeploy.FakePipeline(
            kinds=lambda r: "good"))
        checks = [] if review else ["--min-grounding", "0", "--keep-duplicates"]
        status = gsd.main(["--input-dir", str(SAMPLE_DOCS), "--output-dir", str(tmp_path),
                           "--format", "jsonl", *checks, *map(str, extra)])
        captured = capsys.readouterr()
        return status, outputs(captured.out), captured.err, made

    return run


def test_pipeline_is_built_the_018_way(lmdeploy_run):
    from lmdeploy import TurbomindEngineConfig

    status, _, err, made = lmdeploy_run()
    assert status == 0, err
    assert made["model_path"] == "OpenGVLab/InternVL2-8B"
    assert made["trust_remote_code"] is True and made.get("chat_template_config") is None
    backend = made["backend_config"]
    assert isinstance(backend, TurbomindEngineConfig)
    assert (backend.tp, backend.session_len, backend.cache_max_entry_count) == (1, 8192, 0.8)
    assert backend.enable_prefix_caching is True and backend.max_batch_size is None
    assert made["pipe"].closed
    assert [m["role"] for m in made["pipe"].calls[0][0][0]] == ["system", "user"]


def test_pytorch_backend_tp_and_batch_size_reach_the_engine(lmdeploy_run):
    from lmdeploy import PytorchEngineConfig

    status, _, err, made = lmdeploy_run(None, "--backend", "pytorch", "--tp", 2,
                                        "--session-len", 16384, "--cache-max-entry-count",
                                        0.5, "--batch-size", 256, gpus=2)
    assert status == 0, err
    backend = made["backend_config"]
    assert isinstance(backend, PytorchEngineConfig)
    assert (backend.tp, backend.session_len, backend.cache_max_entry_count,
            backend.max_batch_size) == (2, 16384, 0.5, 256)
    assert backend.enable_prefix_caching is True


def test_tp_above_visible_gpus_or_not_dividing_the_heads_is_a_clear_error(lmdeploy_run,
                                                                       monkeypatch):
    import lmdeploy

    status, files, err, made = lmdeploy_run(None, "--tp", 2)
    assert status == 2 and "--tp 2 needs 2 GPUs but 1 are visible" in err
    assert "pipe" not in made and not files

    def refuses(*args, **kwargs):
        raise AssertionError("32 % 3 != 0")

    monkeypatch.setattr(lmdeploy, "pipeline", refuses)
    import fake_lmdeploy

    fake_lmdeploy.fake_gpus(monkeypatch, 3)
    status = gsd.main(["--input-dir", str(SAMPLE_DOCS), "--output-dir", "/tmp/unused-out",
                       "--tp", "3"])
    assert status == 2


def test_all_requests_of_an_attempt_go_in_one_stream(lmdeploy_run, sample_requests):
    status, files, err, made = lmdeploy_run()
    assert status == 0, err
    calls = made["pipe"].calls
    assert len(calls) == 1 and len(calls[0][0]) == len(sample_requests)
    assert calls[0][2]["stream_response"] is False
    llm = json.loads(files["run"].read_text())["llm"]
    assert llm["engine_calls"] == 1 and llm["requests_sent"] == len(sample_requests)


def test_generation_config_of_every_request(lmdeploy_run, sample_requests, tmp_path):
    _, _, _, made = lmdeploy_run(None, "--temperature", 0.8, "--max-tokens", 2048, "--no-cache")
    prompts, configs, _ = made["pipe"].calls[0]
    schemas = {r.messages[-1]["content"]: r.engine_schema for r in sample_requests}
    for prompt, generation in zip(prompts, configs):
        assert generation.max_new_tokens == 2048
        assert generation.do_sample is True and generation.temperature == 0.8
        assert "<|im_end|>" in generation.stop_words
        fmt = generation.response_format
        assert fmt["type"] == "json_schema"
        assert fmt["json_schema"]["schema"] == schemas[prompt[-1]["content"]]
    seeds = [c.random_seed for c in configs]
    assert len(set(seeds)) == len(seeds)
    _, _, _, again = lmdeploy_run(None, "--temperature", 0.8, "--max-tokens", 2048, "--no-cache")
    assert [c.random_seed for c in again["pipe"].calls[0][1]] == seeds
    _, _, _, greedy = lmdeploy_run(None, "--temperature", 0, "--no-cache")
    assert all(c.do_sample is False for c in greedy["pipe"].calls[0][1])


def test_error_responses_and_a_stream_that_stops_are_not_cached(lmdeploy_run, sample_requests,
                                                                tmp_path):
    """lmdeploy reports a failed request as a Response with finish_reason "error", and an
    engine can stop yielding: neither is cached, and the same command asks them again."""
    import fake_lmdeploy

    good_or_error = lambda r: "error" if fakes.behaviour(r) == "error" else "good"  # noqa: E731
    pipe = fake_lmdeploy.FakePipeline(kinds=good_or_error, stop_after=100)
    status, files, err, _ = lmdeploy_run(pipe)
    assert status == 0, err
    rejected = read_jsonl(files["rejected"])
    stopped = sum(1 for r in rejected if "ended without a final reply" in r["detail"])
    errors = sum(1 for r in sample_requests if good_or_error(r) == "error")
    assert stopped == len(sample_requests) - 100
    cached = len(gsd.ReplyCache(tmp_path / gsd.CACHE_NAME))
    assert cached == len(sample_requests) - sum(1 for r in rejected if r["reason"] == "engine_error")

    again = fake_lmdeploy.FakePipeline(kinds=good_or_error)
    status, files, err, _ = lmdeploy_run(again)
    assert status == 0, err
    assert len(again.calls[0][0]) == len(sample_requests) - cached
    llm = json.loads(files["run"].read_text())["llm"]
    assert llm["rejected"] == {"engine_error": errors}
    assert llm["replies_from_cache"] == cached


def test_ctrl_c_closes_the_pipeline_and_keeps_what_finished(lmdeploy_run, tmp_path):
    import fake_lmdeploy

    pipe = fake_lmdeploy.FakePipeline(kinds=lambda r: "good", interrupt_after=5)
    status, _, err, _ = lmdeploy_run(pipe)
    assert status == 130 and "run the same command again to resume" in err
    assert pipe.closed
    assert len(gsd.ReplyCache(tmp_path / gsd.CACHE_NAME)) == 5


def test_a_pipeline_that_hangs_on_close_cannot_hold_the_exit(lmdeploy_run, monkeypatch):
    import fake_lmdeploy

    monkeypatch.setattr(gsd, "DRAIN_SECONDS", 0.5)
    pipe = fake_lmdeploy.FakePipeline(kinds=lambda r: "good", hang_on_close=True)
    started = time.monotonic()
    status, _, err, _ = lmdeploy_run(pipe)
    assert status == 0, err
    assert time.monotonic() - started < 30
    assert "did not shut down" in err and "asked again on the next run" in err


def test_an_engine_that_goes_silent_ends_the_run_with_the_resume_hint(lmdeploy_run):
    import fake_lmdeploy

    class Silent(fake_lmdeploy.FakePipeline):
        def _answer(self, prompts, configs):
            yield from list(super()._answer(prompts, configs))[:3 * len(prompts) + 20]
            threading.Event().wait(3600)

    status, files, err, _ = lmdeploy_run(Silent(kinds=lambda r: "good"), "--request-timeout", 1)
    assert status == 2 and not files
    assert "finished no request for 1 s" in err and "run the same command again" in err


def test_no_gpu_stops_before_pipeline_is_called(lmdeploy_run, tmp_path):
    status, files, err, made = lmdeploy_run(None, gpus=0)
    assert status == 2 and "--no-llm" in err and "no CUDA GPU" in err
    assert "pipe" not in made and not files


def test_lmdeploy_systemexit_becomes_one_clear_line(lmdeploy_run, monkeypatch):
    import lmdeploy
    import fake_lmdeploy

    def exits(*args, **kwargs):
        inspect.signature(fake_lmdeploy.REAL_PIPELINE).bind(*args, **kwargs)
        raise SystemExit(1)

    fake_lmdeploy.fake_gpus(monkeypatch)
    monkeypatch.setattr(lmdeploy, "pipeline", exits)
    status = gsd.main(["--input-dir", str(SAMPLE_DOCS), "--output-dir", "/tmp/unused-out2"])
    assert status == 2


def test_max_tokens_must_leave_room_in_the_session():
    with pytest.raises(gsd.SyntheticDataError, match="--session-len"):
        gsd.build_config(["--max-tokens", "8192", "--session-len", "8192"])
    gsd.build_config(["--max-tokens", "8192", "--session-len", "8192", "--no-llm"])


def test_main_works_inside_a_running_event_loop(lmdeploy_run, monkeypatch, tmp_path):
    import asyncio

    import fake_lmdeploy

    fake_lmdeploy.fake_gpus(monkeypatch)
    fake_lmdeploy.install(monkeypatch, fake_lmdeploy.FakePipeline(kinds=lambda r: "good"))

    async def notebook_cell():
        return gsd.main(["--input-dir", str(SAMPLE_DOCS), "--output-dir", str(tmp_path / "nb"),
                         "--quiet"])

    assert asyncio.run(notebook_cell()) == 0
