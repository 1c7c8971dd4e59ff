"""The model path end to end on the fake engine at our seam: retries, the reply cache,
resuming, the fallback, the review of model answers, secrets. No lmdeploy needed; the
fake answers only what the real grammar admits (tests/fakes.py)."""

import dataclasses
import json
import sqlite3

import pytest

import generate_synthetic_data as gsd
from conftest import SAMPLE_DOCS, outputs, read_jsonl
from fakes import FakeEngine, behaviour, counts

GOOD = lambda request: "good"  # noqa: E731


def config_for(out_dir, *extra, review=False, docs=SAMPLE_DOCS):
    """The fake's good replies are alike from prompt to prompt: the quality review
    (grounding, duplicates) is off unless a test is about it."""
    checks = [] if review else ["--min-grounding", "0", "--keep-duplicates"]
    return gsd.build_config(["--input-dir", str(docs), "--output-dir", str(out_dir),
                             "--format", "jsonl", "--quiet", *checks, *map(str, extra)])


def run_with(engine, capsys):
    """run() with this engine: (exit status as main would give it, files, stderr)."""
    try:
        gsd.run(engine.config, engine=engine)
        status = 0
    except gsd.SyntheticDataError as error:
        print(f"error: {error}", file=__import__("sys").stderr)
        status = 2
    captured = capsys.readouterr()
    return status, outputs(captured.out), captured.err


def data(files):
    return {k: files[k].read_bytes() for k in ("train", "validation", "rejected") if k in files}


def test_every_kind_of_reply_ends_in_the_right_file(capsys, tmp_path, sample_requests):
    engine = FakeEngine(config_for(tmp_path))
    status, files, err = run_with(engine, capsys)
    assert status == 0, err
    kinds = counts(sample_requests)
    assert all(kinds[k] for k in ("good", "bad_then_good", "hopeless", "length", "runaway", "error"))

    llm = json.loads(files["run"].read_text())["llm"]
    assert llm["accepted"] == kinds["good"] + kinds["bad_then_good"]
    assert llm["rejected"] == {"schema": kinds["hopeless"],
                               "truncated": kinds["length"] + kinds["runaway"],
                               "engine_error": kinds["error"]}
    # bad replies are asked again up to --max-retries (2), cut ones only once
    assert llm["retried"] == kinds["bad_then_good"] + 2 * kinds["hopeless"] + \
        kinds["length"] + kinds["runaway"]
    assert llm["requests_sent"] == len(sample_requests) + llm["retried"]

    rejected = read_jsonl(files["rejected"])
    attempts = {"schema": 3, "truncated": 2, "engine_error": 1}
    for record in rejected:
        assert record["prompt"][0]["role"] == "system" and record["raw"] is not None
        assert record["attempts"] == attempts[record["reason"]]
        assert set(record) == {f.name for f in dataclasses.fields(gsd.Rejected)}
    truncated = next(r for r in rejected if r["reason"] == "truncated")
    assert "raise --max-tokens" in truncated["detail"] and "ran away" in truncated["detail"]

    examples = read_jsonl(files["train"]) + read_jsonl(files["validation"])
    assert len(examples) == 4 * llm["accepted"]
    assert {e["metadata"]["generator"] for e in examples} == {"OpenGVLab/InternVL2-8B"}
    assert engine.closed == 1


def test_a_cut_reply_is_asked_again_once_with_a_new_seed(capsys, tmp_path, sample_requests):
    engine = FakeEngine(config_for(tmp_path), kinds=lambda r: "length")
    status, _, err = run_with(engine, capsys)
    assert status == 0, err
    seeds: dict[str, list[int]] = {}
    for request_id, seed in engine.asked:
        seeds.setdefault(request_id, []).append(seed)
    assert len(seeds) == len(sample_requests)
    assert all(len(s) == 2 and s[0] != s[1] for s in seeds.values())


def test_only_model_answers_are_cached_so_a_rerun_asks_the_failed_again(capsys, tmp_path,
                                                                       sample_requests):
    status, _, err = run_with(FakeEngine(config_for(tmp_path)), capsys)
    assert status == 0, err
    again = FakeEngine(config_for(tmp_path))
    status, files, err = run_with(again, capsys)
    assert status == 0, err
    failed = [r for r in sample_requests if behaviour(r) == "error"]
    assert sorted(i for i, _ in again.asked) == sorted(r.request_id for r in failed)
    rows = sqlite3.connect(tmp_path / gsd.CACHE_NAME).execute(
        "SELECT finish_reason, COUNT(*) FROM replies GROUP BY 1").fetchall()
    assert {reason for reason, _ in rows} <= {"stop", "length"}


def test_rerun_after_the_engine_died_sends_only_what_is_missing(capsys, tmp_path,
                                                              sample_requests):
    model = {}  # one model for all runs: "bad_then_good" fails under its first seed only
    status, expected, err = run_with(FakeEngine(config_for(tmp_path / "whole"), memory=model),
                                     capsys)
    assert status == 0, err
    died = FakeEngine(config_for(tmp_path / "resumed"), die_after=60, memory=model)
    status, files, err = run_with(died, capsys)
    assert status == 2 and "the engine failed" in err and "run the same command again" in err
    assert not files and len(died.asked) == 60

    rest = FakeEngine(config_for(tmp_path / "resumed"), memory=model)
    status, files, err = run_with(rest, capsys)
    assert status == 0, err
    failing = {r.request_id for r in sample_requests if behaviour(r) == "error"}
    twice = set(rest.asked) & set(died.asked)
    assert {request_id for request_id, _ in twice} <= failing  # only failures are asked again
    assert data(files) == data(expected)
    llm = json.loads(files["run"].read_text())["llm"]
    assert llm["replies_from_cache"] == 60 - len(twice)


def test_a_complete_cache_needs_no_engine(capsys, tmp_path):
    status, expected, err = run_with(FakeEngine(config_for(tmp_path), kinds=GOOD), capsys)
    assert status == 0, err

    class Unavailable(FakeEngine):
        def open(self):
            raise gsd.SyntheticDataError("no GPU here")

    engine = Unavailable(config_for(tmp_path), kinds=GOOD)
    status, files, err = run_with(engine, capsys)
    assert status == 0, err
    assert engine.asked == [] and data(files) == data(expected)


def test_changing_one_template_resends_only_its_requests(capsys, tmp_path, monkeypatch,
                                                         sample_requests):
    run_with(FakeEngine(config_for(tmp_path), kinds=GOOD), capsys)
    row = gsd.QUESTION_TYPES["inference"]
    variant = dataclasses.replace(row.variants[0], instruction=row.variants[0].instruction + " Be brief.")
    monkeypatch.setitem(gsd.QUESTION_TYPES, "inference", dataclasses.replace(row, variants=(variant,)))
    again = FakeEngine(config_for(tmp_path), kinds=GOOD)
    status, _, err = run_with(again, capsys)
    assert status == 0, err
    planned = [r for r in sample_requests if r.question_type == "inference"]
    assert planned and len(again.asked) == len(planned)


def test_an_engine_failing_every_request_ends_the_run_with_the_resume_hint(capsys, tmp_path):
    engine = FakeEngine(config_for(tmp_path), kinds=lambda r: "error")
    status, files, err = run_with(engine, capsys)
    assert status == 2 and not files
    assert f"{engine.failure_limit} requests in a row failed" in err
    assert len(engine.asked) == engine.failure_limit  # it stopped asking at once
    assert engine.closed == 1


def test_fallback_heuristic_is_opt_in_and_marked(capsys, tmp_path):
    status, files, err = run_with(FakeEngine(config_for(tmp_path / "a")), capsys)
    assert "heuristic" not in {e["metadata"]["generator"] for e in read_jsonl(files["train"])}
    status, files, err = run_with(
        FakeEngine(config_for(tmp_path / "b", "--fallback", "heuristic")), capsys)
    assert status == 0, err
    examples = read_jsonl(files["train"]) + read_jsonl(files["validation"])
    llm = json.loads(files["run"].read_text())["llm"]
    generators = [e["metadata"]["generator"] for e in examples]
    assert llm["replaced_by_heuristic"] > 0
    assert generators.count("heuristic") == 4 * llm["replaced_by_heuristic"]
    assert "answered by the heuristics instead" in err


def test_model_answers_go_through_the_same_review(capsys, tmp_path):
    class Inventing(FakeEngine):
        """Valid replies that state a number the section does not have."""

        def generate(self, asks):
            for position, reply in super().generate(asks):
                value = json.loads(reply.text)
                value["answer"] = "It is 987654 units, as the section says."
                yield position, dataclasses.replace(reply, text=json.dumps(value))

    status, files, err = run_with(Inventing(config_for(tmp_path, review=True), kinds=GOOD), capsys)
    assert status == 0, err
    rejected = read_jsonl(files["rejected"])
    assert rejected and all(r["reason"] == "ungrounded" and "987654" in r["detail"] for r in rejected)
    assert {r["generator"] for r in rejected} == {"OpenGVLab/InternVL2-8B"}
    assert json.loads(files["run"].read_text())["qa_pairs"] == 0


@pytest.mark.parametrize("content", [b"this is not a database at all" * 10, "foreign"],
                         ids=["garbage", "foreign-sqlite"])
def test_a_corrupt_or_foreign_cache_is_refused_not_overwritten(capsys, tmp_path, content):
    cache = tmp_path / "my-cache.sqlite3"
    if content == "foreign":
        db = sqlite3.connect(cache)
        db.execute("CREATE TABLE invoices (id INTEGER)")
        db.commit()
        db.close()
    else:
        cache.write_bytes(content)
    before = cache.read_bytes()
    engine = FakeEngine(config_for(tmp_path / "o", "--cache", cache))
    status, files, err = run_with(engine, capsys)
    assert status == 2 and "--no-cache" in err and str(cache) in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert cache.read_bytes() == before and engine.asked == []


def test_no_cache_and_no_llm_write_no_cache(capsys, tmp_path):
    assert run_with(FakeEngine(config_for(tmp_path / "a", "--no-cache"), kinds=GOOD), capsys)[0] == 0
    assert not (tmp_path / "a" / gsd.CACHE_NAME).exists()
    assert gsd.main(["--no-llm", "--quiet", "--output-dir", str(tmp_path / "b")]) == 0
    assert not (tmp_path / "b" / gsd.CACHE_NAME).exists()


def test_no_secret_reaches_any_file(capsys, tmp_path, monkeypatch):
    secret = "sk-this-must-never-be-written-0123456789"
    monkeypatch.setenv("OPENAI_API_KEY", secret + "-env")
    config = config_for(tmp_path, "--api-key", secret)
    status, files, err = run_with(FakeEngine(config), capsys)
    assert status == 0, err
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.name == gsd.CACHE_NAME for p in written) and len(written) >= 5
    for path in written:
        assert secret.encode() not in path.read_bytes(), path
    assert json.loads(files["run"].read_text())["flags"]["api_key"] == "(given)"
    assert secret not in err
