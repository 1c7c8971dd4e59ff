"""Never lose work, with a real process: killed hard, or interrupted by Ctrl-C or SIGTERM,
then the same command resumes. The engine is lmdeploy's pipeline faked in a subprocess
(tests/fake_gpu_run.py); everything around it is real."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("lmdeploy", reason="lmdeploy is not installed: pip install -r requirements-dev.txt")

import generate_synthetic_data as gsd  # noqa: E402
from conftest import SAMPLE_DOCS, outputs  # noqa: E402

pytestmark = pytest.mark.slow
FAKE_RUN = Path(__file__).resolve().parent / "fake_gpu_run.py"


def fake_run(out_dir, env=None, wait=True):
    command = [sys.executable, str(FAKE_RUN), "--input-dir", str(SAMPLE_DOCS), "--output-dir",
               str(out_dir), "--format", "jsonl", "--quiet"]
    environment = {**os.environ, **(env or {})}
    if wait:
        return subprocess.run(command, env=environment, capture_output=True, text=True, timeout=300)
    return subprocess.Popen(command, env=environment, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def data(files):
    return {k: files[k].read_bytes() for k in ("train", "validation", "rejected") if k in files}


def cached_rows(out_dir):
    path = out_dir / gsd.CACHE_NAME
    if not path.exists():
        return 0
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        return db.execute("SELECT COUNT(*) FROM replies").fetchone()[0]
    except sqlite3.Error:
        return 0


def test_hard_kill_loses_only_what_was_in_flight(tmp_path):
    whole = fake_run(tmp_path / "whole")
    assert whole.returncode == 0, whole.stderr
    killed = fake_run(tmp_path / "killed", {"FAKE_DIE_AFTER": "40", "FAKE_DELAY": "0.01"})
    assert killed.returncode == 1
    saved = cached_rows(tmp_path / "killed")
    assert 0 < saved <= 40  # the engine's 41st reply killed the process
    resumed = fake_run(tmp_path / "killed")
    assert resumed.returncode == 0, resumed.stderr
    assert data(outputs(resumed.stdout)) == data(outputs(whole.stdout))
    whole_llm = json.loads(outputs(whole.stdout)["run"].read_text())["llm"]
    llm = json.loads(outputs(resumed.stdout)["run"].read_text())["llm"]
    assert llm["replies_from_cache"] == saved  # nothing cached was asked again
    assert llm["requests_sent"] == whole_llm["requests_sent"] - saved


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_an_interrupt_keeps_the_cache_and_the_same_command_resumes(tmp_path, signum):
    process = fake_run(tmp_path, {"FAKE_DELAY": "0.02"}, wait=False)
    deadline = time.monotonic() + 120
    while cached_rows(tmp_path) < 10 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.1)
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "run the same command again to resume" in stderr and "Traceback" not in stderr
    saved = cached_rows(tmp_path)
    assert saved >= 10
    resumed = fake_run(tmp_path)
    assert resumed.returncode == 0, resumed.stderr
    report = json.loads(outputs(resumed.stdout)["run"].read_text())["llm"]
    assert report["replies_from_cache"] >= saved
