"""The command line end to end: files written, formats, split, determinism, errors."""

import json
import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

import generate_synthetic_data as gsd
from conftest import ROOT, outputs


def run_cli(capsys, *args):
    status = gsd.main(list(map(str, args)))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_no_llm_run_writes_the_seed_layout(capsys, sample_docs, tmp_path):
    status, out, err = run_cli(capsys, "--no-llm", "--input-dir", sample_docs,
                               "--output-dir", tmp_path)
    assert status == 0, err
    files = outputs(out)
    assert {"train", "validation", "run", "card"} <= set(files) <= {"train", "validation", "run",
                                                                    "card", "rejected"}
    assert re.fullmatch(r"train-synthetic-data-\d{4}-\d\d-\d\d_\d\d-\d\d-\d\d\.json", files["train"].name)
    train = json.loads(files["train"].read_text())
    validation = json.loads(files["validation"].read_text())
    for example in train + validation:
        assert [m["role"] for m in example] == ["user", "assistant"]
        assert all(isinstance(m["content"], str) and m["content"] for m in example)
    report = json.loads(files["run"].read_text())
    assert report["status"] == "complete"
    assert report["examples_per_split"] == {"train": len(train), "validation": len(validation)}
    assert len(train) + len(validation) == 4 * report["qa_pairs"]
    assert 0.05 < len(validation) / (len(train) + len(validation)) < 0.15
    assert sorted(report["files_read"]) == sorted(p.name for p in sample_docs.glob("*.md"))
    assert "question type" in err  # the summary table


import re  # noqa: E402  (used above, kept near its first use in this file)


def jsonl_run(capsys, docs, out_dir, *extra):
    status, out, err = run_cli(capsys, "--no-llm", "--format", "jsonl", "--input-dir", docs,
                               "--output-dir", out_dir, *extra)
    assert status == 0, err
    files = outputs(out)
    read = lambda p: [json.loads(line) for line in p.read_text().splitlines()]
    return files, read(files["train"]), read(files["validation"])


@pytest.mark.parametrize("split_by, key", [("qa", "qa_id"), ("section", None), ("document", "source")])
def test_no_group_is_in_both_splits_and_each_qa_has_four_variants(capsys, sample_docs, tmp_path,
                                                                  split_by, key):
    _, train, validation = jsonl_run(capsys, sample_docs, tmp_path, "--split-by", split_by)
    group = (lambda m: (m["source"], tuple(m["heading_path"]), tuple(m["span"]))) if key is None \
        else (lambda m: m[key])
    train_groups = {group(e["metadata"]) for e in train}
    validation_groups = {group(e["metadata"]) for e in validation}
    assert validation_groups and not (train_groups & validation_groups)
    levels = defaultdict(list)
    for example in train + validation:
        levels[example["metadata"]["qa_id"]].append(example["metadata"]["cot"])
    assert all(sorted(v) == sorted(gsd.COT_LEVELS) for v in levels.values())


def test_jsonl_metadata_is_complete_and_spans_point_into_the_file(capsys, sample_docs, tmp_path):
    _, train, validation = jsonl_run(capsys, sample_docs, tmp_path)
    texts = {p.name: gsd.decode_markdown(p.read_bytes()) for p in sample_docs.glob("*.md")}
    for example in train + validation:
        meta = example["metadata"]
        assert set(meta) == {"qa_id", "source", "heading_path", "span", "question_type",
                             "difficulty", "cot", "generator"}
        assert meta["generator"] == "heuristic"
        assert meta["difficulty"] == gsd.QUESTION_TYPES[meta["question_type"]].difficulty
        start, end = meta["span"]
        assert 0 <= start < end <= len(texts[meta["source"]])
        assert meta["heading_path"][-1] in texts[meta["source"]][start:end]


def test_jsonl_loads_with_datasets_unchanged(capsys, sample_docs, tmp_path):
    datasets = pytest.importorskip("datasets", reason="datasets is a test dependency")
    files, train, _ = jsonl_run(capsys, sample_docs, tmp_path)
    loaded = datasets.load_dataset("json", data_files={"train": str(files["train"]),
                                                       "validation": str(files["validation"])},
                                   cache_dir=str(tmp_path / "hf-cache"))
    assert loaded["train"].num_rows == len(train)
    assert loaded["train"][0]["messages"][0]["role"] == "user"
    assert loaded["train"][0]["metadata"]["cot"] in gsd.COT_LEVELS


def test_same_seed_same_bytes_other_seed_other_split(capsys, sample_docs, tmp_path):
    def train_bytes(out_dir, seed):
        status, out, err = run_cli(capsys, "--no-llm", "--input-dir", sample_docs,
                                   "--output-dir", out_dir, "--seed", seed)
        assert status == 0, err
        files = outputs(out)
        return files["train"].read_bytes(), files["validation"].read_bytes()

    first = train_bytes(tmp_path / "a", 5)
    assert first == train_bytes(tmp_path / "b", 5)
    assert first != train_bytes(tmp_path / "c", 6)


def test_two_runs_in_the_same_second_do_not_overwrite(capsys, sample_docs, tmp_path):
    status1, out1, _ = run_cli(capsys, "--no-llm", "--quiet", "--input-dir", sample_docs,
                               "--output-dir", tmp_path)
    status2, out2, _ = run_cli(capsys, "--no-llm", "--quiet", "--input-dir", sample_docs,
                               "--output-dir", tmp_path)
    assert status1 == status2 == 0
    assert set(out1.splitlines()).isdisjoint(out2.splitlines())
    assert len(list(tmp_path.glob("train-*.json"))) == 2


def test_unreadable_files_are_skipped_with_a_warning_and_counted(capsys, write_docs, tmp_path):
    docs = write_docs({"good.md": "# Good\nThis file is fine to read.\n",
                       "sub/binary.md": b"\x00\x01\x02 binary",
                       "latin.md": "Caf\xe9 cr\xe8me is sweet.".encode("latin-1"),
                       "empty.md": "", "notes.txt": "not markdown at all"})
    status, out, err = run_cli(capsys, "--no-llm", "--input-dir", docs, "--output-dir", tmp_path / "o")
    assert status == 0, err
    for name in ("binary.md", "latin.md", "empty.md"):
        assert any(name in line and line.startswith("warning:") for line in err.splitlines())
    report = json.loads(outputs(out)["run"].read_text())
    assert report["files_read"] == ["good.md"]
    assert sorted(s["source"] for s in report["files_skipped"]) == ["empty.md", "latin.md", "sub/binary.md"]


def test_stdout_has_only_paths_and_quiet_keeps_only_warnings(capsys, sample_docs, tmp_path):
    status, out, err = run_cli(capsys, "--no-llm", "--quiet", "--input-dir", sample_docs,
                               "--output-dir", tmp_path)
    assert status == 0
    assert all(Path(line).exists() for line in out.splitlines())
    assert all(line.startswith("warning:") for line in err.splitlines())


@pytest.mark.parametrize("args, fragment", [
    (["--input-dir", "/nonexistent/folder"], "does not exist"),
    (["--train-ratio", "1.5"], "--train-ratio"),
    (["--train-ratio", "0"], "--train-ratio"),
    (["--max-tokens", "-5"], "--max-tokens"),
    (["--temperature", "3"], "--temperature"),
    (["--max-tokens", "lots"], "invalid int value"),
    (["--format", "xml"], "invalid choice"),
    (["--no-such-flag"], "unrecognized arguments"),
    (["--output-dir", ""], "empty string"),
    (["--input-dir", ""], "empty string"),
    (["--base-url", ""], "--base-url"),
    (["--base-url", "http://[::1"], "--base-url"),
    (["--base-url", "localhost:8000"], "--base-url"),
    (["--tp", "0"], "--tp"),
], ids=["missing-dir", "ratio-high", "ratio-zero", "negative-tokens", "hot", "not-int",
        "format", "unknown", "empty-output", "empty-input", "empty-url", "broken-url",
        "no-scheme", "tp-zero"])
def test_user_mistakes_exit_2_with_one_line(capsys, sample_docs, tmp_path, args, fragment):
    base = ["--no-llm", "--input-dir", str(sample_docs), "--output-dir", str(tmp_path)]
    status, out, err = run_cli(capsys, *(base + args))
    assert status == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1 and err.startswith("error: ") and fragment in err
    assert "Traceback" not in err


def test_folder_without_markdown_exits_2(capsys, write_docs, tmp_path):
    docs = write_docs({"readme.txt": "nothing here"})
    status, _, err = run_cli(capsys, "--no-llm", "--input-dir", docs, "--output-dir", tmp_path)
    assert status == 2 and "no .md or .markdown files" in err


def test_default_mode_without_gpu_stops_with_a_pointer_to_no_llm(capsys, sample_docs, tmp_path):
    status, out, err = run_cli(capsys, "--input-dir", sample_docs, "--output-dir", tmp_path / "o")
    assert status == 2
    assert "--no-llm" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())


def run_python(code, cwd):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)


def test_import_has_no_effects(tmp_path):
    result = run_python("import sys, generate_synthetic_data\n"
                        "heavy = [m for m in ('lmdeploy', 'torch', 'markdown_it', 'tqdm', 'argparse')"
                        " if m in sys.modules]\nprint(heavy)", tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
    assert list(tmp_path.iterdir()) == []


def main_with_blocked(blocked, args, cwd):
    """Run main(args) in a fresh interpreter in which importing `blocked` modules fails."""
    code = ("import sys\n" + "".join(f"sys.modules[{m!r}] = None\n" for m in blocked) +
            f"import generate_synthetic_data as g\nraise SystemExit(g.main({args!r}))")
    return run_python(code, cwd)


def test_no_llm_runs_with_lmdeploy_and_torch_blocked(tmp_path):
    result = main_with_blocked(("lmdeploy", "torch"), [
        "--no-llm", "--quiet", "--input-dir", str(ROOT / "markdown_docs"),
        "--output-dir", str(tmp_path / "o")], tmp_path)
    assert result.returncode == 0, result.stderr
    assert len(list((tmp_path / "o").glob("train-*.json"))) == 1


def test_default_mode_without_lmdeploy_names_the_fix(tmp_path):
    result = main_with_blocked(("lmdeploy",), [
        "--input-dir", str(ROOT / "markdown_docs"), "--output-dir", str(tmp_path / "o")], tmp_path)
    assert result.returncode == 2
    assert "lmdeploy is not installed" in result.stderr and "--no-llm" in result.stderr


@pytest.mark.parametrize("changes, fragment", [
    ({"output_format": "xml"}, "--format must be one of json, jsonl"),
    ({"split_by": "chapter"}, "--split-by must be one of"),
    ({"train_ratio": 2}, "--train-ratio must be between 0 and 1"),
    ({"max_tokens": "many"}, "--max-tokens must be a int"),
    ({"base_url": "ftp://x"}, "--base-url must be a URL"),
    ({"backend": "vllm"}, "--backend must be one of turbomind, pytorch"),
    ({"base_url": ""}, "--base-url must be a URL"),
    ({"base_url": "http://[::1"}, "--base-url must be a URL"),
    ({"input_dir": gsd.Path(" ")}, "--input-dir must be a folder"),
    ({"output_dir": gsd.Path(" ")}, "--output-dir must be a folder"),
], ids=["format", "split", "ratio", "type", "url", "backend", "empty-url", "broken-url",
        "blank-input", "blank-output"])
def test_a_config_built_in_python_is_checked_like_the_command_line(tmp_path, changes, fragment):
    config = gsd.Config(**{"no_llm": True, "output_dir": tmp_path / "out", **changes})
    with pytest.raises(gsd.SyntheticDataError, match=fragment):
        gsd.run(config)
    assert not (tmp_path / "out").exists()


def test_every_flag_is_stated_once_in_config():
    parser = gsd._argument_parser()
    defaults = {a.dest: a.default for a in parser._actions if a.dest != "help"}
    fields = {f.name: f.default for f in __import__("dataclasses").fields(gsd.Config)}
    assert defaults == fields
