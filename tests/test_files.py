"""Odd files and folders: what is read of the input folder, what is skipped and said, an
output folder that cannot take the files, and what a run killed hard leaves behind.

Run as root, permissions are not honoured: an unreadable or read-only case is simulated
by making the failing OS call fail (monkeypatch), or it skips saying so."""

import errno
import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import generate_synthetic_data as gsd
from conftest import ROOT, SAMPLE_DOCS, outputs, run_cli

GOOD = "# Good\nRiders must stop at the red line.\n"


def no_llm(docs, out, *extra):
    return ["--no-llm", "--quiet", "--input-dir", docs, "--output-dir", out, *extra]


def report_of(files) -> dict:
    return json.loads(files["run"].read_text(encoding="utf-8"))


def examples_text(files) -> str:
    return files["train"].read_text(encoding="utf-8") + files["validation"].read_text(encoding="utf-8")


def skipped(report) -> dict[str, str]:
    return {s["source"]: s["reason"] for s in report["files_skipped"]}


@pytest.fixture
def alarm():
    """Fail, instead of hanging the suite, when a run blocks for more than 60 s."""
    def expired(signum, frame):
        raise TimeoutError("the run blocked")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


# --- what is read of the input folder ------------------------------------------------


def test_a_link_to_a_file_outside_the_input_folder_is_skipped_and_recorded(capsys, write_docs,
                                                                        tmp_path):
    secret = tmp_path / "secret.md"
    secret.write_text("# Secret\nThe vault code is SECRETWORD forever.\n")
    docs = write_docs({"good.md": GOOD, "sub/real.md": "# Real\nThe inner link is fine to read.\n"})
    (docs / "passwd.md").symlink_to(secret)
    (docs / "inner.md").symlink_to(docs / "sub" / "real.md")  # stays inside: read
    status, files, err = run_cli(capsys, *no_llm(docs, tmp_path / "out"))
    assert status == 0, err
    report = report_of(files)
    assert sorted(report["files_read"]) == ["good.md", "inner.md", "sub/real.md"]
    assert "outside the input folder" in skipped(report)["passwd.md"]
    assert any(line.startswith("warning: skipped") and "passwd.md" in line for line in err.splitlines())
    assert "SECRETWORD" not in examples_text(files)


def test_a_fifo_and_a_link_to_dev_zero_are_skipped_at_once(capsys, write_docs, tmp_path, alarm):
    docs = write_docs({"good.md": GOOD})
    os.mkfifo(docs / "pipe.md")
    (docs / "zero.md").symlink_to("/dev/zero")
    status, files, err = run_cli(capsys, *no_llm(docs, tmp_path / "out"))
    assert status == 0, err
    reasons = skipped(report_of(files))
    assert "FIFO" in reasons["pipe.md"] and "not a regular file" in reasons["pipe.md"]
    assert "/dev/zero" in reasons["zero.md"]
    assert report_of(files)["files_read"] == ["good.md"]


def test_a_fifo_inside_is_refused_without_blocking_the_open(tmp_path, alarm):
    os.mkfifo(tmp_path / "pipe.md")
    with pytest.raises(ValueError, match="FIFO"):
        gsd.read_markdown(tmp_path / "pipe.md", tmp_path.resolve())


def test_a_file_over_the_size_cap_is_skipped_with_the_cap_named(capsys, write_docs, tmp_path,
                                                               monkeypatch):
    monkeypatch.setattr(gsd, "MAX_FILE_BYTES", 2_000)
    docs = write_docs({"good.md": GOOD, "huge.md": "# Huge\n" + "Riders must stop. " * 200})
    status, files, err = run_cli(capsys, *no_llm(docs, tmp_path / "out"))
    assert status == 0, err
    assert "MAX_FILE_BYTES (2,000 bytes)" in skipped(report_of(files))["huge.md"]
    assert "huge.md" in err


def test_a_file_name_that_is_not_utf8_is_skipped_with_its_name_escaped(capsys, write_docs, tmp_path):
    docs = write_docs({"good.md": GOOD})
    try:
        with open(os.path.join(os.fsencode(docs), b"caf\xe9.md"), "w") as handle:
            handle.write("# Cafe\nThe cafe opens at nine.\n")
    except OSError as error:  # a file system that insists on UTF-8 names
        pytest.skip(f"cannot make a non-UTF-8 file name here: {error}")
    status, files, err = run_cli(capsys, *no_llm(docs, tmp_path / "out"))
    assert status == 0, err
    reasons = skipped(report_of(files))
    assert "not valid UTF-8" in reasons["caf\\xe9.md"]
    assert "caf\\xe9.md" in err
    assert report_of(files)["files_read"] == ["good.md"]


@pytest.mark.slow  # waits on real time or makes thousands of files
def test_an_output_folder_inside_the_input_folder_is_never_read_back(capsys, sample_docs, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    for path in sample_docs.glob("*.md"):
        (docs / path.name).write_bytes(path.read_bytes())
    pairs = []
    for _ in range(3):
        status, files, err = run_cli(capsys, *no_llm(docs, docs / "out"))
        assert status == 0, err
        report = report_of(files)
        assert not any(name.startswith("out/") for name in report["files_read"])
        pairs.append(report["qa_pairs"])
    assert pairs[0] == pairs[1] == pairs[2]
    # the output folder is the input folder: our dataset cards are not documents
    for _ in range(2):
        status, files, err = run_cli(capsys, *no_llm(docs, docs))
        assert status == 0, err
        assert not any(name.startswith("card-") for name in report_of(files)["files_read"])
    assert len(list(docs.glob("card-*.md"))) == 2


# --- messages that say what the thing really is --------------------------------------


def test_utf16_with_a_byte_order_mark_is_read_as_text(capsys, write_docs, tmp_path):
    docs = write_docs({"wide.md": "# Wide\nRiders must stop at the red line.\n".encode("utf-16"),
                       "wide32.md": "# Wider\nThe lid must stay closed.\n".encode("utf-32")})
    status, files, err = run_cli(capsys, *no_llm(docs, tmp_path / "out"))
    assert status == 0, err
    assert sorted(report_of(files)["files_read"]) == ["wide.md", "wide32.md"]
    assert "red line" in examples_text(files)


@pytest.mark.parametrize("raw, fragment", [
    ("# Wide\nRiders must stop.\n".encode("utf-16-le"), "UTF-16 text without a byte-order mark"),
    ("# Wide\nRiders must stop.\n".encode("utf-16-be"), "UTF-16 text without a byte-order mark"),
    (b"\xff\xfe\x00\xd8", "UTF-16 byte-order mark but is not UTF-16 text"),
    (b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00>\x00", "binary"),
], ids=["utf16-le-no-bom", "utf16-be-no-bom", "broken-utf16", "binary"])
def test_what_is_not_utf8_is_called_what_it_is(raw, fragment):
    with pytest.raises(ValueError, match=fragment):
        gsd.decode_markdown(raw)


def test_an_input_dir_that_is_a_file_is_called_a_file(capsys, tmp_path):
    (tmp_path / "notes.md").write_text(GOOD)
    status, _, err = run_cli(capsys, *no_llm(tmp_path / "notes.md", tmp_path / "out"))
    assert status == 2 and err.count("\n") == 1
    assert "is a file, not a folder" in err and "notes.md" in err and "does not exist" not in err


def fail_listing(monkeypatch, folder: Path):
    """os.scandir of `folder` fails as it does for a folder without read permission."""
    real = os.scandir

    def scandir(path="."):
        if Path(os.fsdecode(path)).resolve() == folder.resolve():
            raise PermissionError(errno.EACCES, "Permission denied", os.fsdecode(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)


def test_an_unreadable_input_folder_says_so(capsys, write_docs, tmp_path, monkeypatch):
    docs = write_docs({"good.md": GOOD})
    fail_listing(monkeypatch, docs)
    status, _, err = run_cli(capsys, *no_llm(docs, tmp_path / "out"))
    assert status == 2 and err.count("\n") == 1
    assert "cannot read the input folder" in err and "Permission denied" in err
    assert "no .md" not in err


def test_an_unreadable_subfolder_is_a_warning_and_recorded(capsys, write_docs, tmp_path, monkeypatch):
    docs = write_docs({"good.md": GOOD, "locked/hidden.md": GOOD})
    fail_listing(monkeypatch, docs / "locked")
    status, files, err = run_cli(capsys, *no_llm(docs, tmp_path / "out"))
    assert status == 0, err
    assert "cannot be listed" in skipped(report_of(files))["locked/"]
    assert "locked" in err


def test_a_chmod_000_folder_is_named_when_permissions_hold(capsys, write_docs, tmp_path):
    docs = write_docs({"good.md": GOOD})
    docs.chmod(0)
    try:
        if os.access(docs, os.R_OK):
            pytest.skip("running as root: chmod 000 does not stop reading (see the test above)")
        status, _, err = run_cli(capsys, *no_llm(docs, tmp_path / "out"))
    finally:
        docs.chmod(0o755)
    assert status == 2 and "cannot read the input folder" in err


# --- the output folder -----------------------------------------------------------------


def refuse_temporary_files(monkeypatch, errno_value, message):
    import tempfile

    def refuse(*args, **kwargs):
        raise OSError(errno_value, message)

    monkeypatch.setattr(tempfile, "TemporaryFile", refuse)


@pytest.mark.parametrize("case, fragment", [
    ("a-file", "it is a file, not a folder"),
    ("under-a-file", "pass --output-dir with a folder"),
    ("read-only", "it is not writable"),
    ("read-only-fs", "the file system is read-only"),
    ("full", "the disk is full"),
], ids=["a-file", "under-a-file", "read-only", "read-only-fs", "full"])
def test_an_output_folder_that_cannot_take_files_stops_before_any_work(capsys, write_docs,
                                                                        tmp_path, monkeypatch,
                                                                        case, fragment):
    docs = write_docs({"good.md": GOOD})
    out = tmp_path / "out"
    if case == "a-file":
        out.write_text("not a folder")
    elif case == "under-a-file":
        (tmp_path / "file").write_text("x")
        out = tmp_path / "file" / "out"
    elif case == "read-only":
        refuse_temporary_files(monkeypatch, errno.EACCES, "Permission denied")
    elif case == "read-only-fs":
        refuse_temporary_files(monkeypatch, errno.EROFS, "Read-only file system")
    else:
        monkeypatch.setattr(os, "fsync", lambda fd: (_ for _ in ()).throw(
            OSError(errno.ENOSPC, "No space left on device")))
    monkeypatch.setattr(gsd, "read_documents", lambda *a: pytest.fail("read before the check"))
    status, files, err = run_cli(capsys, *no_llm(docs, out))
    assert status == 2 and not files
    assert err.startswith("error: cannot write") and err.count("\n") == 1, err
    assert repr(str(out)) in err
    assert fragment in err and "Traceback" not in err


def test_a_read_only_output_folder_when_permissions_hold(capsys, write_docs, tmp_path):
    docs = write_docs({"good.md": GOOD})
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o555)
    try:
        if os.access(out, os.W_OK):
            pytest.skip("running as root: chmod 555 does not stop writing (simulated above)")
        status, _, err = run_cli(capsys, *no_llm(docs, out))
    finally:
        out.chmod(0o755)
    assert status == 2 and "it is not writable" in err


def test_a_disk_that_fills_while_writing_the_data_is_one_line(capsys, write_docs, tmp_path,
                                                             monkeypatch):
    docs = write_docs({"good.md": GOOD})
    real_fsync = os.fsync

    def fsync(fd):  # the probe passes; the data files find the disk full
        if os.readlink(f"/proc/self/fd/{fd}").endswith(".tmp"):
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    status, _, err = run_cli(capsys, *no_llm(docs, tmp_path / "out"))
    assert status == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert "train-synthetic-data-" in err and "the disk is full" in err
    assert not list((tmp_path / "out").glob(".*.tmp"))


# --- the model path: what was generated is kept ----------------------------------------


@pytest.fixture
def fake_engine():
    pytest.importorskip("xgrammar", reason="xgrammar is a test dependency (requirements-dev.txt)")
    from fakes import FakeEngine

    return FakeEngine


def model_config(out, *extra):
    return gsd.build_config(["--input-dir", str(SAMPLE_DOCS), "--output-dir", str(out), "--quiet",
                             "--min-grounding", "0", "--keep-duplicates", *extra])


def test_a_full_disk_after_the_model_work_keeps_the_replies_for_the_rerun(capsys, tmp_path,
                                                                         monkeypatch, fake_engine):
    real_fsync = os.fsync

    def fsync(fd):
        if os.readlink(f"/proc/self/fd/{fd}").endswith(".tmp"):
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    first = fake_engine(model_config(tmp_path), kinds=lambda r: "good")
    with pytest.raises(gsd.SyntheticDataError) as failure:
        gsd.run(first.config, engine=first)
    message = str(failure.value)
    assert "the disk is full" in message and "run the same command again" in message
    assert str(tmp_path / gsd.CACHE_NAME) in message
    monkeypatch.setattr(os, "fsync", real_fsync)
    again = fake_engine(model_config(tmp_path), kinds=lambda r: "good")
    summary = gsd.run(again.config, engine=again)
    assert again.asked == [] and summary.llm.replies_from_cache == len(first.asked)
    capsys.readouterr()


class FullDatabase:
    """A connection whose disk fills up once replies are written."""

    def __init__(self, db):
        self._db = db

    def execute(self, sql, *values):
        if sql.startswith("INSERT OR REPLACE INTO replies"):
            raise sqlite3.OperationalError("database or disk is full")
        return self._db.execute(sql, *values)

    def close(self):
        self._db.close()


def test_a_full_cache_ends_the_run_with_the_fix(capsys, tmp_path, monkeypatch, fake_engine):
    real_connect = sqlite3.connect
    monkeypatch.setattr(sqlite3, "connect", lambda *a, **k: FullDatabase(real_connect(*a, **k)))
    engine = fake_engine(model_config(tmp_path), kinds=lambda r: "good")
    with pytest.raises(gsd.SyntheticDataError, match="free some disk space"):
        gsd.run(engine.config, engine=engine)


def test_a_read_only_cache_is_refused_before_any_model_work(capsys, tmp_path, monkeypatch,
                                                            fake_engine):
    (tmp_path / gsd.CACHE_NAME).write_bytes(b"")
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode, **k: False if Path(path).name ==
                        gsd.CACHE_NAME else real_access(path, mode, **k))
    engine = fake_engine(model_config(tmp_path))
    with pytest.raises(gsd.SyntheticDataError, match="is not writable.*--no-cache"):
        gsd.run(engine.config, engine=engine)
    assert engine.opened == 0 and engine.asked == []


# --- deep nesting ------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [12, 40, 1000])
def test_content_after_a_deeply_nested_list_is_kept(depth):
    nested = "".join("  " * n + f"- Level {n} item is here.\n" for n in range(depth))
    text = f"# Rules\n{nested}\nRiders must stop after the list.\n\n## Next\nThe next part holds.\n"
    document = gsd.parse_document(text, "deep.md", gsd.DEFAULT_MAX_SECTION_TOKENS)
    facts = [f.text for s in document.sections for f in s.facts]
    assert "Riders must stop after the list." in facts
    assert "The next part holds." in facts
    assert any("Level 11 item" in f for f in facts)


def test_content_after_a_deep_block_quote_is_kept():
    text = "# Q\n" + "> " * 500 + "Deep words are here.\n\nRiders must stop after the quote.\n"
    facts = [f.text for s in gsd.parse_document(text, "q.md", 1500).sections for f in s.facts]
    assert "Riders must stop after the quote." in facts and "Deep words are here." in facts


# --- after kill -9 -------------------------------------------------------------------------


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_later_run_removes_what_a_killed_run_left_and_nothing_else(capsys, write_docs, tmp_path):
    import socket

    out = tmp_path / "out"
    out.mkdir()
    gone, host = dead_pid(), socket.gethostname()
    stamp, live_stamp = "2020-01-01_00-00-00", "2020-01-01_00-00-01"
    (out / f"run-{stamp}.json").write_text(json.dumps({"status": "running", "pid": gone, "host": host}))
    (out / f"train-synthetic-data-{stamp}.json").write_text("[]\n")
    (out / f".validation-synthetic-data-{stamp}.json.{gone}.tmp").write_text("[\n")
    (out / f"run-{live_stamp}.json").write_text(json.dumps({"status": "running", "pid": os.getppid(),
                                                            "host": host}))
    (out / f"train-synthetic-data-{live_stamp}.json").write_text("[]\n")
    (out / f".card-{live_stamp}.md.{os.getppid()}.tmp").write_text("#")
    (out / f".notes.md.{gone}.tmp").write_text("not ours")
    (out / "run-2020-01-01_00-00-02.json").write_text('{"status": "running"}')  # no pid: unknown
    status, files, err = run_cli(capsys, *no_llm(write_docs({"good.md": GOOD}), out))
    assert status == 0, err
    left = {p.name for p in out.iterdir()} - {p.name for p in files.values()}
    assert left == {f"run-{live_stamp}.json", f"train-synthetic-data-{live_stamp}.json",
                    f".card-{live_stamp}.md.{os.getppid()}.tmp", f".notes.md.{gone}.tmp",
                    "run-2020-01-01_00-00-02.json"}
    warning = next(line for line in err.splitlines() if "interrupted" in line)
    assert f"run-{stamp}.json" in warning and f"train-synthetic-data-{stamp}.json" in warning


KILLED_RUN = r"""
import os, signal, sys
sys.path.insert(0, sys.argv[1])
import generate_synthetic_data as g
real = g.write_atomic
def write_atomic(path, text):
    if path.name.startswith("card-"):  # the data is written, the record is not
        with open(path.with_name(f".{path.name}.{os.getpid()}.tmp"), "w") as handle:
            handle.write("half a card")
        os.kill(os.getpid(), signal.SIGKILL)
    real(path, text)
g.write_atomic = write_atomic
g.main(["--no-llm", "--quiet", "--input-dir", sys.argv[2], "--output-dir", sys.argv[3]])
"""


@pytest.mark.slow
def test_after_kill_9_the_next_run_cleans_up_and_completes(tmp_path):
    out = tmp_path / "out"
    killed = subprocess.run([sys.executable, "-c", KILLED_RUN, str(ROOT), str(SAMPLE_DOCS), str(out)],
                            capture_output=True, text=True, timeout=300)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    marker = next(out.glob("run-*.json"))
    assert json.loads(marker.read_text())["status"] == "running"
    assert list(out.glob("train-*.json")) and list(out.glob(".card-*.tmp"))
    again = subprocess.run([sys.executable, str(ROOT / "generate_synthetic_data.py"), "--no-llm",
                            "--quiet", "--input-dir", str(SAMPLE_DOCS), "--output-dir", str(out)],
                           capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert "removed what interrupted runs left" in again.stderr
    assert not list(out.glob(".*.tmp"))
    assert len(list(out.glob("train-*.json"))) == len(list(out.glob("run-*.json"))) == 1
    assert json.loads(next(out.glob("run-*.json")).read_text())["status"] == "complete"
