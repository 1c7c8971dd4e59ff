"""The LLM path against the real lmdeploy 0.18 classes.

Only the engine call is fake: lmdeploy.pipeline() returns FakePipeline, which checks every
call against the real Pipeline signatures and answers with real lmdeploy Response objects.
GPU presence is faked through torch.cuda where a test needs a GPU."""

import asyncio
import hashlib
import inspect
import json
import math
import re
from collections import Counter
from pathlib import Path

import pytest

lmdeploy = pytest.importorskip(
    "lmdeploy", reason="lmdeploy is not installed: pip install -r requirements-dev.txt")
from lmdeploy import GenerationConfig, PytorchEngineConfig, TurbomindEngineConfig  # noqa: E402
from lmdeploy.messages import Response  # noqa: E402
from lmdeploy.pipeline import Pipeline  # noqa: E402

import generate_synthetic_data as gsd  # noqa: E402
from fakes import REAL_PIPELINE, VARIANTS, FakePipeline, behaviour, good_reply  # noqa: E402,F401

@pytest.fixture
def gpus(monkeypatch):
    """Pretend torch sees `n` CUDA devices (the hardware, not the engine, is faked)."""
    import torch

    def set_count(n):
        monkeypatch.setattr(torch.cuda, "is_available", lambda: n > 0)
        monkeypatch.setattr(torch.cuda, "device_count", lambda: n)

    set_count(1)
    return set_count


@pytest.fixture
def fake_pipeline(monkeypatch):
    """Install a pipeline factory that checks its arguments against the real pipeline()."""
    made = {}

    def install(pipe=None):
        pipe = pipe or FakePipeline()

        def factory(*args, **kwargs):
            bound = inspect.signature(REAL_PIPELINE).bind(*args, **kwargs)
            made.update(bound.arguments, pipe=pipe)
            return pipe

        monkeypatch.setattr(lmdeploy, "pipeline", factory)
        return made

    return install


def run_llm(capsys, sample_docs, out_dir, *extra, review=False):
    """Run the CLI in LLM mode. The fake's replies are alike from prompt to prompt, so the
    quality review (grounding, duplicates) is off unless a test is about it."""
    checks = [] if review else ["--min-grounding", "0", "--keep-duplicates"]
    status = gsd.main(["--input-dir", str(sample_docs), "--output-dir", str(out_dir),
                       "--format", "jsonl", *checks, *map(str, extra)])
    captured = capsys.readouterr()
    files = {Path(p).name.split("-")[0]: Path(p) for p in captured.out.splitlines()}
    return status, files, captured.err


def planned(sample_docs):
    docs = [gsd.parse_document(gsd.decode_markdown(p.read_bytes()), p.name, 1500)
            for p in sorted(sample_docs.glob("*.md"))]
    return gsd.plan_requests(docs, gsd.Corpus(docs))


def test_pipeline_is_built_the_018_way(capsys, sample_docs, tmp_path, gpus, fake_pipeline):
    made = fake_pipeline(FakePipeline(kinds=lambda m: "good"))
    status, _, err = run_llm(capsys, sample_docs, tmp_path)
    assert status == 0, err
    assert made["model_path"] == "OpenGVLab/InternVL2-8B"
    assert made["trust_remote_code"] is True
    assert made.get("chat_template_config") is None
    backend = made["backend_config"]
    assert isinstance(backend, TurbomindEngineConfig)
    assert (backend.tp, backend.session_len, backend.cache_max_entry_count) == (1, 8192, 0.8)
    assert made["pipe"].closed
    first = made["pipe"].calls[0][0][0]
    assert [m["role"] for m in first] == ["system", "user"]


def test_pytorch_backend_and_tp_from_visible_gpus(capsys, sample_docs, tmp_path, gpus, fake_pipeline):
    gpus(2)
    made = fake_pipeline(FakePipeline(kinds=lambda m: "good"))
    status, _, err = run_llm(capsys, sample_docs, tmp_path, "--backend", "pytorch",
                             "--session-len", 4096, "--cache-max-entry-count", 0.5)
    assert status == 0, err
    backend = made["backend_config"]
    assert isinstance(backend, PytorchEngineConfig)
    assert (backend.tp, backend.session_len, backend.cache_max_entry_count) == (2, 4096, 0.5)


def test_tp_above_visible_gpus_is_a_clear_error(capsys, sample_docs, tmp_path, gpus, fake_pipeline):
    made = fake_pipeline()
    status, files, err = run_llm(capsys, sample_docs, tmp_path, "--tp", 2)
    assert status == 2 and "--tp 2 needs 2 GPUs but 1 are visible" in err
    assert "pipe" not in made and not files


@pytest.mark.parametrize("batch_size", [10_000, 25, 7])
def test_all_requests_go_in_few_batched_calls(capsys, sample_docs, tmp_path, gpus, fake_pipeline,
                                              batch_size):
    made = fake_pipeline(FakePipeline(kinds=lambda m: "good"))
    status, files, err = run_llm(capsys, sample_docs, tmp_path, "--batch-size", batch_size)
    assert status == 0, err
    n = len(planned(sample_docs))
    calls = made["pipe"].calls
    assert len(calls) == math.ceil(n / batch_size)
    assert sum(len(prompts) for prompts, _, _ in calls) == n
    assert all(arguments["stream_response"] is False for _, _, arguments in calls)
    report = json.loads(files["run"].read_text())
    assert report["llm"]["engine_calls"] == len(calls) and report["llm"]["requests_sent"] == n


def generation_configs(made):
    return [(p[-1]["content"], c) for prompts, configs, _ in made["pipe"].calls
            for p, c in zip(prompts, configs)]


def test_generation_config_of_every_request(capsys, sample_docs, tmp_path, gpus, fake_pipeline):
    made = fake_pipeline(FakePipeline(kinds=lambda m: "good"))
    run_llm(capsys, sample_docs, tmp_path / "a", "--temperature", 0.8, "--max-tokens", 2048)
    first = generation_configs(made)
    for prompt, config in first:
        assert config.max_new_tokens == 2048
        assert config.do_sample is True and config.temperature == 0.8
        assert "<|im_end|>" in config.stop_words
        fmt = config.response_format
        assert fmt["type"] == "json_schema"
        variant = VARIANTS[re.search(r"Task \(([a-z ]+)\)", prompt).group(1)]
        assert fmt["json_schema"]["schema"] == gsd.reply_schema(variant)
    seeds = [c.random_seed for _, c in first]
    assert len(set(seeds)) == len(seeds)

    made = fake_pipeline(FakePipeline(kinds=lambda m: "good"))
    run_llm(capsys, sample_docs, tmp_path / "b", "--temperature", 0.8, "--max-tokens", 2048)
    assert [c.random_seed for _, c in generation_configs(made)] == seeds

    made = fake_pipeline(FakePipeline(kinds=lambda m: "good"))
    run_llm(capsys, sample_docs, tmp_path / "c", "--temperature", 0)
    assert all(c.do_sample is False for _, c in generation_configs(made))


def test_good_repairable_and_hopeless_replies_end_in_the_right_files(capsys, sample_docs, tmp_path,
                                                                   gpus, fake_pipeline):
    made = fake_pipeline()
    status, files, err = run_llm(capsys, sample_docs, tmp_path, "--max-retries", 2)
    assert status == 0, err
    requests = planned(sample_docs)
    kinds = Counter(behaviour(list(r.messages)) for r in requests)
    assert all(kinds[k] for k in ("fenced", "bad_then_good", "hopeless", "length", "error"))

    report = json.loads(files["run"].read_text())["llm"]
    assert report["accepted"] == kinds["good"] + kinds["fenced"] + kinds["bad_then_good"]
    assert report["rejected"] == {"invalid_json": kinds["hopeless"], "truncated": kinds["length"],
                                  "engine_error": kinds["error"]}
    assert report["retried"] == kinds["bad_then_good"] + 2 * kinds["hopeless"]
    assert report["requests_sent"] == len(requests) + report["retried"]
    assert report["replaced_by_heuristic"] == 0

    rejected = [json.loads(line) for line in files["rejected"].read_text().splitlines()]
    assert Counter(r["reason"] for r in rejected) == Counter(report["rejected"])
    for record in rejected:
        assert record["prompt"][0]["role"] == "system" and record["raw"] is not None
        assert record["attempts"] == (3 if record["reason"] in ("invalid_json", "schema") else 1)

    examples = [json.loads(line) for name in ("train", "validation")
                for line in files[name].read_text().splitlines()]
    assert len(examples) == 4 * report["accepted"]
    assert {e["metadata"]["generator"] for e in examples} == {"OpenGVLab/InternVL2-8B"}
    assert "rejected" in err and "answered by the heuristics" not in err
    assert made["pipe"].closed


def test_fallback_heuristic_is_opt_in_and_marked(capsys, sample_docs, tmp_path, gpus, fake_pipeline):
    fake_pipeline()
    status, files, err = run_llm(capsys, sample_docs, tmp_path, "--fallback", "heuristic")
    assert status == 0, err
    examples = [json.loads(line) for name in ("train", "validation")
                for line in files[name].read_text().splitlines()]
    generators = Counter(e["metadata"]["generator"] for e in examples)
    report = json.loads(files["run"].read_text())["llm"]
    assert report["replaced_by_heuristic"] > 0
    assert generators["heuristic"] == 4 * report["replaced_by_heuristic"]
    assert "answered by the heuristics instead" in err


def test_no_gpu_stops_before_pipeline_is_called(capsys, sample_docs, tmp_path, gpus, fake_pipeline):
    gpus(0)
    made = fake_pipeline()
    status, files, err = run_llm(capsys, sample_docs, tmp_path / "o")
    assert status == 2 and "--no-llm" in err and "no CUDA GPU" in err
    assert "pipe" not in made and not (tmp_path / "o").exists()


def test_lmdeploy_systemexit_becomes_one_clear_line(capsys, sample_docs, tmp_path, gpus, monkeypatch):
    def exits(*args, **kwargs):
        inspect.signature(REAL_PIPELINE).bind(*args, **kwargs)
        raise SystemExit(1)

    monkeypatch.setattr(lmdeploy, "pipeline", exits)
    status, _, err = run_llm(capsys, sample_docs, tmp_path)
    assert status == 2 and "exited with status 1" in err and "Traceback" not in err


def test_ctrl_c_closes_the_pipeline(capsys, sample_docs, tmp_path, gpus, fake_pipeline):
    made = fake_pipeline(FakePipeline(kinds=lambda m: "good", interrupt_after=5))
    status, _, err = run_llm(capsys, sample_docs, tmp_path)
    assert status == 130 and "interrupted" in err
    assert made["pipe"].closed


def test_main_works_inside_a_running_event_loop(capsys, sample_docs, tmp_path, gpus, fake_pipeline):
    fake_pipeline(FakePipeline(kinds=lambda m: "good"))

    async def notebook_cell():
        return gsd.main(["--input-dir", str(sample_docs), "--output-dir", str(tmp_path), "--quiet"])

    assert asyncio.run(notebook_cell()) == 0


def test_prompts_are_domain_agnostic_and_carry_the_related_section(sample_docs):
    requests = planned(sample_docs)
    text = " ".join(m["content"] for r in requests for m in r.messages)
    for word in ("Highly Automated", "HAV", "Pennsylvania", "vehicle"):
        assert word not in gsd.SYSTEM_PROMPT + json.dumps(gsd.TYPE_INSTRUCTIONS) + gsd.RULES_TEXT
    hops = [r for r in requests if r.question_type in ("multi_hop", "comparative")]
    assert hops and all(r.related and r.related[0].key != r.section.key for r in hops)
    assert all("Related section:" in r.messages[-1]["content"] for r in hops)
    assert all(r.section.doc_title in r.messages[-1]["content"] for r in requests)
    assert "Riverbend" in text


def test_chinese_section_asks_for_chinese_output():
    doc = gsd.parse_document("# 设备说明\n设备必须在室温下使用。温度不得超过三十度！\n", "zh.md", 1500)
    requests = gsd.plan_requests([doc], gsd.Corpus([doc]))
    assert requests and all("written in Chinese" in r.messages[-1]["content"] for r in requests)


@pytest.mark.parametrize("text, ok", [
    ('{"question": "Q is here?", "answer": "A", "reasoning_steps": ["a", "b"]}', True),
    ('```json\n{"question": "Q is here?", "answer": "A", "reasoning_steps": ["a", "b"]}\n```', True),
    ('Sure! {"question": "Q is here?", "answer": "A", "reasoning_steps": ["a", "b"]} Done.', True),
    ('{"question": "Q is here?", "answer": "A", "reasoning_steps": ["a"]}', False),
    ('{"question": "Q is here?", "answer": "A", "reasoning_steps": ["a", "b"], "x": 1}', False),
    ('{"question": "Q is here?", "answer": "A", "reasoning_steps": ', False),
    ("no json at all", False),
], ids=["plain", "fenced", "chatty", "one-step", "extra-field", "cut", "none"])
def test_parse_reply_repairs_only_what_is_mechanical(text, ok):
    schema = gsd.reply_schema("fact_based")
    if ok:
        assert gsd.parse_reply(text, schema)["answer"] == "A"
    else:
        with pytest.raises(gsd.ReplyError):
            gsd.parse_reply(text, schema)


def test_model_answers_go_through_the_same_review(capsys, sample_docs, tmp_path, gpus, fake_pipeline):
    """A reply that is valid JSON but states a number the section does not have is
    rejected as ungrounded, and says which model wrote it."""

    class Inventing(FakePipeline):
        def _responses(self, index, messages, seed):
            for response in super()._responses(index, messages, seed):
                if response.text:
                    reply = json.loads(response.text)
                    reply["answer"] = "It is 987654 units, as the section says."
                    reply["question"] = f"Question {hashlib.sha1(messages[-1]['content'].encode()).hexdigest()}?"
                    response.text = json.dumps(reply)
                yield response

    fake_pipeline(Inventing(kinds=lambda m: "good", chunks=1))
    status, files, err = run_llm(capsys, sample_docs, tmp_path, review=True)
    assert status == 0, err
    rejected = [json.loads(line) for line in files["rejected"].read_text().splitlines()]
    assert rejected and all(r["reason"] == "ungrounded" and "987654" in r["detail"] for r in rejected)
    assert {r["generator"] for r in rejected} == {"OpenGVLab/InternVL2-8B"}
    report = json.loads(files["run"].read_text())
    assert report["qa_pairs"] == 0 and report["rejected"] == {"ungrounded": len(rejected)}
