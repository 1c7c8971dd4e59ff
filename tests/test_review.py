"""The review (pure): grounding, question form, duplicates, the leakage check."""

import pytest

import generate_synthetic_data as gsd

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


def stripped(pairs):
    """The store's stripped_question for these pairs, by index."""
    return lambda index: gsd.stripped_question(pairs[index])


def keys_of(pairs):
    """The PairKeys a run's store would hold for these pairs, with their grounding."""
    return [gsd.PairKey.of(n, qa, gsd.grounding(qa.answer, qa.section.body, qa.question).score)
            for n, qa in enumerate(pairs)]


def test_dedup_removes_exactly_the_duplicates_and_keeps_the_best_grounded():
    pairs = make_pairs([
        ("What must riders be?", "Riders must be at least 16 years old."),          # 0 kept
        ("What must a rider under 18 wear?", "A helmet and gloves."),               # 1 grounded less
        ("what must a  Rider under 18 wear?", "A rider under 18 must wear a helmet."),  # 2 best
        ("What must a rider under 18 wear ?", "A helmet, says the text."),          # 3
        ("How much are the fines?", "Fines are 75 CAD."),                           # 4 kept
        ("How much are fines in Riverbend?", "75 CAD, doubled in school zones."),   # 5 kept
    ])
    result = gsd.deduplicate(keys_of(pairs), False, stripped(pairs))
    assert [k.index for k in result.kept] == [0, 2, 4, 5]
    assert sorted(d.index for d, _, _ in result.dropped) == [1, 3]
    assert {reason for _, reason, _ in result.dropped} == {"duplicate"}
    assert {kept.index for _, _, kept in result.dropped} == {2}
    assert result.linked == []


def test_kept_near_duplicates_never_straddle_the_split():
    rows = [(f"What is the fine for riding on a sidewalk in zone {n}?", "Fines are 75 CAD.")
            for n in range(10)]
    rows += [(f"What is the fine for riding on sidewalks in zone {n}?", "Fines are 75 CAD.")
             for n in range(10)]
    pairs = make_pairs(rows)
    result = gsd.deduplicate(keys_of(pairs), True, stripped(pairs))
    kept, linked = result.kept, result.linked
    assert len(kept) == 20 and linked and not result.dropped
    for seed in range(20):
        train, validation = gsd.split_pairs(kept, 0.5, "qa", seed, linked)
        sides = {k.qa_id: "train" for k in train} | {k.qa_id: "validation" for k in validation}
        for members in linked:
            assert len({sides[kept[n].qa_id] for n in members}) == 1


def test_leakage_check_catches_a_planted_leak():
    pairs = keys_of(make_pairs([("What must riders be?", "Riders must be at least 16 years old."),
                                ("How much are the fines?", "Fines are 75 CAD.")]))
    planted = keys_of(make_pairs([("What must riders  be?", "At least 16 years old.")]))
    questions = {0: "What must riders  be?", 1: "How much are the fines?"}.get  # by store index
    assert gsd.leaked_questions(pairs, pairs[1:], questions) == ["how much are the fines"]
    assert gsd.leaked_questions(pairs[:1], planted, questions) == ["what must riders be"]
    assert gsd.leaked_questions(pairs[:1], pairs[1:], questions) == []


@pytest.mark.parametrize("question, answer, reason", [
    ("What must riders be?", "Riders must be at least 16 years old.", None),
    ("What must riders be?", "Riders must be at least 17 years old.", "ungrounded"),
    ("Riders.", "Riders must be at least 16 years old.", "not_a_question"),
    ("", "Riders must be at least 16 years old.", "empty"),
], ids=["good", "wrong-number", "statement", "empty"])
def test_check_pair_names_the_first_problem(question, answer, reason):
    qa = make_pairs([(question, answer)])[0]
    score, rejected = gsd.check_pair(qa, qa.section.body, gsd.DEFAULT_MIN_GROUNDING)
    assert (rejected.reason if rejected else None) == reason
    assert 0 <= score <= 1


def test_grounding_off_keeps_an_ungrounded_answer():
    qa = make_pairs([("What must riders be?", "Riders must be at least 17 years old.")])[0]
    assert gsd.check_pair(qa, qa.section.body, 0.0)[1] is None


def test_heuristic_answers_pass_grounding_by_construction(sample_pairs):
    ungrounded = []
    for qa in sample_pairs:
        sources = " ".join(s.body for s in qa.sources)
        score, rejected = gsd.check_pair(qa, sources, gsd.DEFAULT_MIN_GROUNDING)
        if rejected and rejected.reason == "ungrounded":
            ungrounded.append(rejected.record())
    assert not ungrounded
