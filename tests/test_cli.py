"""The command line end to end: files written, formats, split, determinism, errors."""

import json
import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

import generate_synthetic_data as gsd
from conftest import ROOT


def run_cli(capsys, *args):
    status = gsd.main(list(map(str, args)))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def outputs(stdout):
    paths = [Path(line) for line in stdout.splitlines()]
    return {p.name.split("-")[0]: p for p in paths}


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
        assert meta["difficulty"] == gsd.DIFFICULTY[meta["question_type"]]
        start, end = meta["span"]
        assert 0 <= start < end <= len(texts[meta["source"]])
        assert meta["heading_path"][-1] in texts[meta["source"]][start:end] or start > 0


def test_jsonl_loads_with_datasets_unchanged(capsys, sample_docs, tmp_path):
    datasets = pytest.importorskip("datasets", reason="datasets is a test dependency")
    files, train, _ = jsonl_run(capsys, sample_docs, tmp_path)
    loaded = datasets.load_dataset("json", data_files={"train": str(files["train"]),
                                                       "validation": str(files["validation"])},
                                   cache_dir=str(tmp_path / "hf-cache"))
    assert loaded["train"].num_rows == len(train)
    assert loaded["train"][0]["messages"][0]["role"] == "user"
    assert loaded["train"][0]["metadata"]["cot"] in gsd.COT_LEVELS


def test_cot_variants_add_steps_one_per_line_before_the_answer(sample_docs):
    docs = [gsd.parse_document("# A\nRiders must be at least 16 years old.\n", "a.md", 1500)]
    qa = gsd.heuristic_pairs(docs, gsd.Corpus(docs), gsd.Config(quiet=True), gsd.RunReport(),
                             sys.stderr)[0]
    examples = gsd.chat_examples(qa)
    contents = [e.messages[1]["content"] for e in examples]
    steps = list(qa.reasoning_steps)
    assert contents == [qa.answer, "\n".join(steps[:1] + [qa.answer]),
                        "\n".join(steps[:2] + [qa.answer]), "\n".join(steps + [qa.answer])]
    assert all(e.messages[0] == {"role": "user", "content": qa.question} for e in examples)


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


@pytest.mark.parametrize("ratio", [0.5, 0.8, 0.9, 0.97])
def test_validation_share_is_within_one_group_of_the_target(ratio):
    docs = [gsd.parse_document(gsd.decode_markdown(p.read_bytes()), p.name, 1500)
            for p in sorted((ROOT / "markdown_docs").glob("*.md"))]
    pairs = gsd.heuristic_pairs(docs, gsd.Corpus(docs), gsd.Config(quiet=True), gsd.RunReport(),
                                sys.stderr)
    for split_by in gsd.SPLIT_UNITS:
        train, validation = gsd.split_pairs(pairs, ratio, split_by, 3)
        sizes = defaultdict(int)
        for qa in pairs:
            sizes[gsd.group_key(qa, split_by)] += 1
        assert len(train) + len(validation) == len(pairs)
        assert abs(len(validation) - (1 - ratio) * len(pairs)) <= max(sizes.values())


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
    assert sorted(s["file"] for s in report["files_skipped"]) == ["empty.md", "latin.md", "sub/binary.md"]


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
], ids=["missing-dir", "ratio-high", "ratio-zero", "negative-tokens", "hot", "not-int",
        "format", "unknown"])
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
