"""Never lose work: the reply cache, resuming after a crash, a kill or Ctrl-C."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

lmdeploy = pytest.importorskip(
    "lmdeploy", reason="lmdeploy is not installed: pip install -r requirements-dev.txt")

import generate_synthetic_data as gsd  # noqa: E402
from conftest import ROOT  # noqa: E402
from fakes import REAL_PIPELINE, FakePipeline  # noqa: E402
from test_lmdeploy_engine import fake_pipeline, gpus  # noqa: E402,F401  (fixtures)

DOCS = ROOT / "markdown_docs"
FAKE_RUN = Path(__file__).resolve().parent / "fake_gpu_run.py"


def cli(capsys, out_dir, *extra):
    status = gsd.main(["--input-dir", str(DOCS), "--output-dir", str(out_dir), "--format",
                       "jsonl", *map(str, extra)])
    captured = capsys.readouterr()
    files = {Path(p).name.split("-")[0]: Path(p) for p in captured.out.splitlines()}
    return status, files, captured.err


def sent(pipe):
    """(prompt, sampling seed) of every request the fake engine received."""
    return [(p[-1]["content"], c.random_seed) for prompts, configs, _ in pipe.calls
            for p, c in zip(prompts, configs)]


def data(files):
    return {name: files[name].read_bytes() for name in ("train", "validation", "rejected")
            if name in files}


def test_rerun_after_a_crash_sends_only_what_is_missing(capsys, tmp_path, gpus, fake_pipeline):
    model = {}  # one fake model for all three runs
    whole = fake_pipeline(FakePipeline(memory=model))
    status, expected, err = cli(capsys, tmp_path / "whole")
    assert status == 0, err
    everything = sent(whole["pipe"])

    crashed = fake_pipeline(FakePipeline(die_after=60, memory=model))
    status, files, err = cli(capsys, tmp_path / "resumed")
    assert status == 2 and "the engine failed" in err and "run the same command again" in err
    assert not files
    first_part = sent(crashed["pipe"])
    rows = sqlite3.connect(tmp_path / "resumed" / gsd.CACHE_NAME).execute(
        "SELECT COUNT(*) FROM replies").fetchone()[0]
    assert rows == 60

    rest = fake_pipeline(FakePipeline(memory=model))
    status, files, err = cli(capsys, tmp_path / "resumed")
    assert status == 0, err
    second_part = sent(rest["pipe"])
    assert len(second_part) == len(everything) - 60  # exactly the missing requests
    assert len(set(second_part)) == len(second_part) and set(second_part) <= set(everything)
    assert set(second_part) <= set(first_part) | set(everything)
    assert data(files) == data(expected)
    report = json.loads(files["run"].read_text())["llm"]
    assert report["replies_from_cache"] == 60 and report["requests_sent"] == len(everything) - 60


def test_a_complete_cache_needs_no_gpu_and_no_engine(capsys, tmp_path, gpus, fake_pipeline):
    fake_pipeline(FakePipeline())
    status, expected, _ = cli(capsys, tmp_path)
    gpus(0)
    untouched = FakePipeline()
    fake_pipeline(untouched)
    status, files, err = cli(capsys, tmp_path)
    assert status == 0, err
    assert untouched.calls == []
    assert data(files) == data(expected)


def test_changing_one_template_resends_only_its_requests(capsys, tmp_path, gpus, fake_pipeline,
                                                         monkeypatch):
    fake_pipeline(FakePipeline(kinds=lambda m: "good"))
    cli(capsys, tmp_path)
    monkeypatch.setitem(gsd.TYPE_INSTRUCTIONS, "inference",
                        gsd.TYPE_INSTRUCTIONS["inference"] + " Keep it short.")
    again = FakePipeline(kinds=lambda m: "good")
    fake_pipeline(again)
    status, _, err = cli(capsys, tmp_path)
    assert status == 0, err
    prompts = [p for p, _ in sent(again)]
    assert prompts and all("Task (inference)" in p for p in prompts)
    planned = [r for r in gsd.plan_requests(*_documents()) if r.question_type == "inference"]
    assert len(prompts) == len(planned)


def _documents():
    docs = [gsd.parse_document(gsd.decode_markdown(p.read_bytes()), p.name, 1500)
            for p in sorted(DOCS.glob("*.md"))]
    return docs, gsd.Corpus(docs)


@pytest.mark.parametrize("content", [b"this is not a database at all" * 10, "foreign"],
                         ids=["garbage", "foreign-sqlite"])
def test_a_corrupt_or_foreign_cache_is_refused_not_overwritten(capsys, tmp_path, gpus,
                                                               fake_pipeline, content):
    cache = tmp_path / "my-cache.sqlite3"
    if content == "foreign":
        db = sqlite3.connect(cache)
        db.execute("CREATE TABLE invoices (id INTEGER)")
        db.commit()
        db.close()
    else:
        cache.write_bytes(content)
    before = cache.read_bytes()
    untouched = FakePipeline()
    fake_pipeline(untouched)
    status, files, err = cli(capsys, tmp_path / "o", "--cache", cache)
    assert status == 2 and "--no-cache" in err and str(cache) in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert cache.read_bytes() == before and untouched.calls == []


def test_no_cache_and_no_llm_write_no_cache(capsys, tmp_path, gpus, fake_pipeline):
    fake_pipeline(FakePipeline(kinds=lambda m: "good"))
    assert cli(capsys, tmp_path / "a", "--no-cache")[0] == 0
    assert not (tmp_path / "a" / gsd.CACHE_NAME).exists()
    assert cli(capsys, tmp_path / "b", "--no-llm")[0] == 0
    assert not (tmp_path / "b" / gsd.CACHE_NAME).exists()


def fake_run(out_dir, env=None, wait=True):
    command = [sys.executable, str(FAKE_RUN), "--input-dir", str(DOCS), "--output-dir",
               str(out_dir), "--format", "jsonl", "--quiet"]
    environment = {**os.environ, **(env or {})}
    if wait:
        return subprocess.run(command, env=environment, capture_output=True, text=True, timeout=300)
    return subprocess.Popen(command, env=environment, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def outputs(stdout):
    return {Path(p).name.split("-")[0]: Path(p) for p in stdout.splitlines()}


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
    killed = fake_run(tmp_path / "killed", {"FAKE_DIE_AFTER": "40"})
    assert killed.returncode == 1
    assert cached_rows(tmp_path / "killed") == 40
    resumed = fake_run(tmp_path / "killed")
    assert resumed.returncode == 0, resumed.stderr
    assert data(outputs(resumed.stdout)) == data(outputs(whole.stdout))


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
