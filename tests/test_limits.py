"""Caps on what one item may be: a fact, a QA pair's texts, a model reply in the cache;
and how peak memory grows with the input."""

import json
import subprocess
import sys

import pytest

import generate_synthetic_data as gsd
from conftest import ROOT, parse, run_cli


def test_a_sentence_longer_than_the_fact_cap_is_left_out_and_said(capsys, write_docs, tmp_path):
    giant = "Riders must " + "really " * 20_000 + "stop."
    docs = write_docs({"long.md": f"# Rules\nThe lid must stay closed.\n\n{giant}\n\n"
                                  "Operators must pay every fine within 30 days.\n"})
    status, out, err = run_cli(capsys, "--no-llm", "--input-dir", docs, "--output-dir", tmp_path / "o")
    assert status == 0, err
    warning = next(line for line in err.splitlines() if "left out" in line)
    assert "long.md" in warning and f"{len(giant):,} characters" in warning and "MAX_FACT_CHARS" in warning
    data = out["train"].read_text() + out["validation"].read_text()
    assert "really really" not in data and "pay every fine within 30 days" in data
    assert out["train"].stat().st_size < 200_000


def test_cap_facts_keeps_the_rest_of_the_section_and_its_index():
    document = parse("# A\nThe lid must stay closed.\n\n" + "x" * 60 + " words.\n\n# B\nRiders must stop.\n")
    capped = gsd.cap_facts(document, 50)
    assert [f.text for s in capped.sections for f in s.facts] == ["The lid must stay closed.",
                                                                 "Riders must stop."]
    assert [s.index for s in capped.sections] == [s.index for s in document.sections]
    assert len(capped.notes) == 1 and '"A"' in capped.notes[0]
    assert gsd.cap_facts(document, 10_000) is document  # nothing to cut: the same document


def long_pair(part: str, size: int) -> gsd.QAPair:
    section = parse("# Rules\nRiders must be at least 16 years old.\n").sections[0]
    texts = {"question": "What must riders be?", "answer": "Riders must be at least 16 years old.",
             "step": "The rule says so."}
    texts[part] = texts[part] + " old" * (size // 4)
    draft = gsd.Draft(texts["question"], texts["answer"], ("Where.", texts["step"]))
    return gsd.make_qa(section, "fact_based", draft, "heuristic")


@pytest.mark.parametrize("part", ["question", "answer", "step"])
def test_a_pair_with_a_text_over_the_cap_is_rejected_as_too_long_with_clipped_texts(part):
    qa = long_pair(part, gsd.MAX_ANSWER_CHARS + 100)
    score, rejected = gsd.check_pair(qa, qa.section.body, gsd.DEFAULT_MIN_GROUNDING)
    assert rejected.reason == "too_long" and "MAX_ANSWER_CHARS" in rejected.detail
    assert len(json.dumps(rejected.record())) < 10_000
    ok = long_pair(part, 40)
    assert gsd.check_pair(ok, ok.section.body, 0)[1] is None


def test_too_long_pairs_are_counted_in_the_run_record(capsys, sample_docs, tmp_path, monkeypatch):
    monkeypatch.setattr(gsd, "MAX_ANSWER_CHARS", 150)
    status, out, err = run_cli(capsys, "--no-llm", "--quiet", "--input-dir", sample_docs,
                               "--output-dir", tmp_path)
    assert status == 0, err
    report = json.loads(out["run"].read_text())
    assert report["rejected"]["too_long"] > 0
    assert report["answer_chars"]["max"] <= 150
    too_long = [json.loads(line) for line in out["rejected"].read_text().splitlines()
                if '"too_long"' in line]
    assert len(too_long) == report["rejected"]["too_long"]


def test_the_cache_refuses_a_reply_over_the_cap_and_never_hands_one_back(tmp_path, monkeypatch):
    cache = gsd.ReplyCache(tmp_path / "cache.sqlite3")
    assert cache.put("short", gsd.Reply("x" * 50, "stop"))
    monkeypatch.setattr(gsd, "MAX_REPLY_CHARS", 100)
    assert not cache.put("long", gsd.Reply("x" * 101, "stop"))
    assert cache.get("long") is None and "long" in cache.failure_keys()
    monkeypatch.setattr(gsd, "MAX_REPLY_CHARS", 1000)
    cache.put("stored", gsd.Reply("y" * 500, "stop"))
    monkeypatch.setattr(gsd, "MAX_REPLY_CHARS", 100)  # a row from a run with a larger cap
    assert cache.get("stored") is None and cache.get("short").text == "x" * 50
    cache.close()


def test_a_reply_over_the_cap_is_rejected_as_too_long(sample_requests, monkeypatch):
    monkeypatch.setattr(gsd, "MAX_REPLY_CHARS", 100)
    with pytest.raises(gsd.ReplyError) as error:
        gsd.judge_reply(sample_requests[0], gsd.Reply("{" + " " * 200 + "}", "stop"), "m", 4096)
    assert error.value.reason == "too_long" and "not cached" in error.value.detail


PEAK = r"""
import io, resource, sys
sys.path.insert(0, sys.argv[1])
import generate_synthetic_data as g
g.run(g.build_config(["--no-llm", "--quiet", "--input-dir", sys.argv[2], "--output-dir", sys.argv[3]]),
      out=io.StringIO(), err=io.StringIO())
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


@pytest.mark.slow
def test_no_llm_peak_memory_grows_far_below_90x_the_input(tmp_path):
    sys.path.insert(0, str(ROOT / "bench"))
    import corpus

    peaks, sizes = [], []
    for name, size in (("small", 300_000), ("large", 3_000_000)):
        folder = corpus.generated(size, tmp_path / name)
        result = subprocess.run([sys.executable, "-c", PEAK, str(ROOT), str(folder),
                                 str(tmp_path / f"{name}-out")], capture_output=True, text=True,
                                timeout=600)
        assert result.returncode == 0, result.stderr
        peaks.append(float(result.stdout.split()[-1]))
        sizes.append(corpus.size_of(folder) / 1e6)
    slope = (peaks[1] - peaks[0]) / (sizes[1] - sizes[0])
    assert slope < 25, f"peak RSS grew {slope:.0f} MB per MB of input ({peaks} MB at {sizes} MB)"
