"""Checks before writing: grounding, question form, duplicates, leakage, the dataset card."""

import json
import re
from collections import Counter
from pathlib import Path

import pytest

import generate_synthetic_data as gsd
from conftest import ROOT

SOURCE = ("Riders must be at least 16 years old. A rider under 18 must wear a helmet. "
          "Fines are 75 CAD, doubled in school zones.")


@pytest.mark.parametrize("answer, question, grounded", [
    ("Riders must be at least 16 years old.", "", True),
    ("Riders must be 16 or older.", "", True),
    ("The fine is 75 CAD, and twice that in school zones.", "", True),
    ('The text says: "A rider under 18 must wear a helmet."', "", True),
    ("No. 8 years is less than 16 years.", "Would 8 years comply?", True),
    ("Riders must be at least 17 years old.", "", False),            # wrong number
    ("The fine is 75 CAD plus a 20 CAD fee.", "", False),             # invented number
    ('The text says: "Riders may ride at 14."', "", False),           # misquote
    ("Scooters need insurance, registration and licence plates.", "", False),  # invented words
], ids=["verbatim", "paraphrase", "reworded", "quote", "number-from-question", "wrong-number",
        "extra-number", "misquote", "invented"])
def test_grounding_table(answer, question, grounded):
    score = gsd.grounding(answer, SOURCE, question)
    passes = score.score >= gsd.DEFAULT_MIN_GROUNDING and not score.missing
    assert passes == grounded, score


def test_fill_in_the_blank_key_must_stand_in_the_source():
    assert gsd.grounding("16", SOURCE, key=("16",)).missing == ()
    assert gsd.grounding("17", SOURCE, key=("17",)).missing


@pytest.mark.parametrize("question, answer, problem", [
    ("", "x", "empty"),
    ("What must riders wear?", "  ", "empty"),
    ("The helmet rule.", "A helmet.", "not_a_question"),
    ("Summarize the section on fines.", "Fines are 75 CAD.", None),
    ("True or false: fines are 75 CAD.", "True.", None),
    ("Why must a rider under 18 wear a helmet at all times?",
     "A rider under 18 must wear a helmet at all times", "gives_away_answer"),
    ("What must a rider under 18 wear?", "A helmet.", None),
    ("骑手必须戴什么？", "头盔。", None),
])
def test_question_problems(question, answer, problem):
    assert gsd.question_problem(question, answer) == problem


@pytest.mark.parametrize("questions, expected", [
    (["What must riders wear?", "what must riders wear", "Who reviews the bylaw?"], [(0, 1)]),
    (["Which rules must riders follow?", "Riders must follow which rule?"], [(0, 1)]),
    (["What is the fine for riding on a sidewalk in Riverbend?",
      "What is the fine for riding on sidewalks in Riverbend?"], [(0, 1)]),
    (["What is the fine for riding on a sidewalk?", "How long does the lamp last?"], []),
    (["What must riders wear?", "What must operators keep?"], []),
], ids=["case-punctuation", "word-order", "plural", "different", "same-template"])
def test_near_duplicate_pairs(questions, expected):
    assert gsd.near_duplicate_pairs(questions) == expected


def make_pairs(rows):
    """QAPairs over one section from (question, answer) rows."""
    section = gsd.parse_document("# Rules\n" + SOURCE + "\n", "rules.md", 1500).sections[0]
    return [gsd.make_qa(section, "fact_based", gsd.Draft(q, a, ("where", "what", "so")), "heuristic")
            for q, a in rows]


def test_dedup_removes_exactly_the_duplicates_and_keeps_the_best_grounded():
    pairs = make_pairs([
        ("What must riders be?", "Riders must be at least 16 years old."),          # 0 kept
        ("What must a rider under 18 wear?", "A helmet and gloves."),               # 1 grounded less
        ("what must a  Rider under 18 wear?", "A rider under 18 must wear a helmet."),  # 2 best
        ("What must a rider under 18 wear ?", "A helmet, says the text."),          # 3
        ("How much are the fines?", "Fines are 75 CAD."),                           # 4 kept
        ("How much are fines in Riverbend?", "75 CAD, doubled in school zones."),   # 5 kept
    ])
    kept, rejections, scores, linked = gsd.review_pairs(pairs, 0.0, keep_duplicates=False)
    assert [qa.question for qa in kept] == [pairs[n].question for n in (0, 2, 4, 5)]
    assert sorted(r.qa.question for r in rejections) == sorted(pairs[n].question for n in (1, 3))
    assert {r.reason for r in rejections} == {"duplicate"} and linked == []


def test_kept_near_duplicates_never_straddle_the_split():
    rows = [(f"What is the fine for riding on a sidewalk in zone {n}?", "Fines are 75 CAD.")
            for n in range(10)]
    rows += [(f"What is the fine for riding on sidewalks in zone {n}?", "Fines are 75 CAD.")
             for n in range(10)]
    pairs = make_pairs(rows)
    kept, _, _, linked = gsd.review_pairs(pairs, 0.0, keep_duplicates=True)
    assert len(kept) == 20 and linked
    for seed in range(20):
        train, validation = gsd.split_pairs(kept, 0.5, "qa", seed, linked)
        sides = {qa.qa_id: "train" for qa in train} | {qa.qa_id: "validation" for qa in validation}
        for members in linked:
            assert len({sides[kept[n].qa_id] for n in members}) == 1


def test_leakage_check_catches_a_planted_leak():
    pairs = make_pairs([("What must riders be?", "Riders must be at least 16 years old."),
                        ("How much are the fines?", "Fines are 75 CAD.")])
    planted = make_pairs([("What must riders  be?", "At least 16 years old.")])
    assert gsd.leaked_questions(pairs, pairs[1:]) == ["how much are the fines"]
    assert gsd.leaked_questions(pairs[:1], planted) == ["what must riders be"]
    assert gsd.leaked_questions(pairs[:1], pairs[1:]) == []


def heuristic_pairs_of_samples():
    docs = [gsd.parse_document(gsd.decode_markdown(p.read_bytes()), p.name, 1500)
            for p in sorted((ROOT / "markdown_docs").glob("*.md"))]
    corpus = gsd.Corpus(docs)
    return [qa for d in docs for qa in gsd.heuristic_qa_pairs(d, corpus, 3, gsd.RunReport())]


def test_heuristic_answers_pass_grounding_by_construction():
    pairs = heuristic_pairs_of_samples()
    _, rejections, scores, _ = gsd.review_pairs(pairs, gsd.DEFAULT_MIN_GROUNDING, True)
    assert not [r.record() for r in rejections if r.reason == "ungrounded"]
    assert min(scores.values()) >= gsd.DEFAULT_MIN_GROUNDING


def run_cli(capsys, *args):
    status = gsd.main([str(a) for a in args])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    return {Path(p).name.split("-")[0]: Path(p) for p in captured.out.splitlines()}, captured.err


def test_card_and_report_agree_with_the_files(capsys, tmp_path):
    files, err = run_cli(capsys, "--no-llm", "--format", "jsonl", "--input-dir",
                         ROOT / "markdown_docs", "--output-dir", tmp_path)
    examples = {name: [json.loads(line) for line in files[name].read_text().splitlines()]
                for name in ("train", "validation")}
    report = json.loads(files["run"].read_text())
    card = files["card"].read_text()
    for name, rows in examples.items():
        qa_ids = {e["metadata"]["qa_id"] for e in rows}
        assert f"| {name} | {len(qa_ids)} | {len(rows)} |" in card
    every = examples["train"] + examples["validation"]
    by_type = Counter(e["metadata"]["question_type"] for e in every if e["metadata"]["cot"] == "none")
    for question_type, row in report["per_type"].items():
        assert row["accepted"] == by_type[question_type]
        assert row["produced"] - sum(row["rejected"].values()) == row["accepted"]
        assert re.search(rf"\| {question_type} \| \w+ \| {row['requested']} \| {row['produced']} "
                         rf"\| {sum(row['rejected'].values())} \| {row['accepted']} \|", card)
    assert "Passed: no question text is in both splits." in card
    assert report["leakage"]["questions_in_both_splits"] == 0
    assert sum(report["grounding_histogram"].values()) == report["qa_pairs"]
    rejected = [json.loads(line) for line in files["rejected"].read_text().splitlines()] \
        if "rejected" in files else []
    assert Counter(r["reason"] for r in rejected) == Counter(report["rejected"])


def test_switches_turn_the_filters_off(capsys, tmp_path, write_docs):
    text = "# A\nRiders must be at least 16 years old.\n\n# B\nRiders must be at least 16 years old.\n"
    docs = write_docs({"twice.md": text})
    files, _ = run_cli(capsys, "--no-llm", "--input-dir", docs, "--output-dir", tmp_path / "a")
    filtered = json.loads(files["run"].read_text())
    files, _ = run_cli(capsys, "--no-llm", "--keep-duplicates", "--min-grounding", 0,
                       "--input-dir", docs, "--output-dir", tmp_path / "b")
    raw = json.loads(files["run"].read_text())
    assert filtered["rejected"].get("duplicate", 0) + filtered["rejected"].get("near_duplicate", 0) > 0
    assert "duplicate" not in raw["rejected"] and "near_duplicate" not in raw["rejected"]
    assert raw["qa_pairs"] > filtered["qa_pairs"]
    assert raw["leakage"]["questions_in_both_splits"] == 0
