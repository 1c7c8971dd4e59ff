"""The --no-llm generators: quotas, patterns, and answers that stay true to the text."""

import re
from collections import Counter

import pytest

import generate_synthetic_data as gsd
from conftest import parse


def corpus_of(*texts):
    docs = [parse(t, f"doc{n}.md") for n, t in enumerate(texts)]
    return docs, gsd.Corpus(docs)


def section_with(text):
    docs, corpus = corpus_of(text)
    return docs[0].sections[0], corpus


@pytest.mark.parametrize("n_facts, total", [(0, 0), (1, 1), (10, 9), (20, 19), (100, 93)])
def test_plan_counts_follows_the_seed_shares_by_largest_remainder(n_facts, total):
    counts, _ = gsd.plan_counts(n_facts)
    assert sum(counts.values()) == total
    assert set(counts) == set(gsd.type_percent())


def test_plan_counts_exact_at_100_facts():
    counts, _ = gsd.plan_counts(100)
    assert counts == gsd.type_percent()


def test_one_fact_section_is_not_padded_with_every_type():
    counts, _ = gsd.plan_counts(1)
    assert sum(counts.values()) == 1 and counts["factual_recall"] == 1


def test_carry_gives_every_type_its_share_over_many_small_sections():
    carry, totals = None, Counter()
    for _ in range(20):  # twenty five-fact sections = 100 facts
        counts, carry = gsd.plan_counts(5, carry)
        totals.update(counts)
    assert dict(totals) == gsd.type_percent()


GENERATOR_CASES = [
    ("fill/true/false", "true_false_fill_blank", "# S\nRiders must be at least 16 years old.\n",
     lambda d: d.answer == "16" and "___" in d.question),
    ("process", "process_workflow", "# S\nTo record a baseline:\n\n1. Switch it on.\n2. Fill the cuvette.\n3. Press start.\n",
     lambda d: d.answer.startswith("1. Switch it on.") or d.answer == "Fill the cuvette."),
    ("cause", "cause_effect", "# S\nNever use acetone, because acetone dissolves the coating.\n",
     lambda d: d.answer == "Because acetone dissolves the coating."),
    ("result", "cause_effect", "# S\nAn early baseline drifts, which results in absorbance errors.\n",
     lambda d: "absorbance errors" in d.answer),
    ("hypothetical", "hypothetical", "# S\nIf a lamp fails during a trip, the rider must stop at once.\n",
     lambda d: d.question.startswith("Suppose a lamp fails") and d.answer == "The rider must stop at once."),
    ("critical", "critical_analysis", "# S\nRiding on sidewalks is prohibited, except when walking the scooter.\n",
     lambda d: "except" in d.answer),
    ("definition", "technical_explanation", "# S\n- **Slow zone** means an area with a speed cap.\n",
     lambda d: '"Slow zone"' in d.question and d.answer.startswith("Slow zone means")),
    ("code", "technical_explanation", "# S\nTo run a scan, save these lines:\n\n```\nwavelength 340\n```\n",
     lambda d: "wavelength 340" in d.answer),
    ("table recall", "factual_recall", "# S\n| Offence | Fine |\n|---|---|\n| Passenger | 60 CAD |\n",
     lambda d: d.answer == "60 CAD" and "Passenger" in d.question),
    ("number recall", "factual_recall", "# S\nThe lamp lasts about 2000 hours in use.\n",
     lambda d: d.answer == "2000 hours" and "how many hours" in d.question),
    ("limit", "inference", "# S\nThe speed of a scooter must not exceed 20 km/h.\n",
     lambda d: "40 km/h" in d.question and d.answer.startswith("No.")),
    ("anaphora", "contextual_ambiguity", "# S\nThe speed is capped at 10 km/h. This cap is enforced by software.\n",
     lambda d: '"This cap"' in d.question and "capped at 10 km/h" in d.answer),
    ("summary list", "summarization", "# S\nBring these items:\n\n- A helmet.\n- A lamp.\n- A bell.\n",
     lambda d: d.answer == "A helmet; A lamp; A bell."),
    ("application", "application", "# S\nA rider under 18 must wear a helmet at all times.\n",
     lambda d: "a rider under 18" in d.question and d.answer.startswith("A rider under 18")),
]


@pytest.mark.parametrize("name, question_type, text, check", GENERATOR_CASES,
                         ids=[c[0] for c in GENERATOR_CASES])
def test_generator_uses_the_pattern_of_the_text(name, question_type, text, check):
    section, corpus = section_with(text)
    drafts = gsd.QUESTION_TYPES[question_type](section, corpus)
    assert drafts, f"{question_type} found no candidate"
    assert any(check(d) for d in drafts), [d.answer for d in drafts]


@pytest.mark.parametrize("question_type", ["cause_effect", "hypothetical", "process_workflow",
                                           "inference", "technical_explanation",
                                           "contextual_ambiguity", "critical_analysis"])
def test_no_pattern_means_no_question(question_type):
    section, corpus = section_with("# S\nThe lamp is blue and round.\n")
    assert gsd.QUESTION_TYPES[question_type](section, corpus) == []


def test_false_statement_changes_one_detail_and_answer_quotes_original():
    section, corpus = section_with("# S\nA. Scooters must not block bus stops.\n\n"
                                   "Riders must be 16 years old.\n\nLamps must be on at night.\n")
    drafts = gsd.gen_true_false_fill_blank(section, corpus)
    false = [d for d in drafts if d.answer.startswith("False")]
    assert false
    for draft in false:
        original = re.search(r'"(.*)"', draft.answer).group(1)
        statement = draft.question.split(": ", 1)[1]
        assert statement != original
        assert original in section.body


def test_multi_hop_joins_facts_of_two_sections_sharing_a_term():
    docs, corpus = corpus_of("# A\n## One\nThe hydrant rule applies in zone one.\n"
                             "## Two\nKeep away from the hydrant by two metres.\n"
                             "## Three\nNothing else matters much here.\n")
    drafts = gsd.gen_multi_hop(docs[0].sections[0], corpus)
    assert drafts and '"hydrant"' in drafts[0].question
    assert "zone one" in drafts[0].answer and "two metres" in drafts[0].answer
    assert drafts[0].related[0].heading == "Two"


def test_comparative_uses_sibling_sections():
    docs, corpus = corpus_of("# A\n## One\nThe first rule is strict.\n## Two\nThe second rule is loose.\n")
    drafts = gsd.gen_comparative(docs[0].sections[0], corpus)
    assert drafts and "strict" in drafts[0].answer and "loose" in drafts[0].answer


def words(text):
    return re.findall(r"[^\W_]+", text.lower())


def test_every_heuristic_answer_comes_from_its_sections(sample_pairs):
    assert len(sample_pairs) > 50
    glue = set("no is more less than the limit text sets it results in because so that for "
               "step due to leads true false says stands refers back sentence before".split())
    for qa in sample_pairs:
        source = " ".join(s.body for s in (qa.section, *qa.related)).lower()
        vocabulary = set(words(source))
        missing = [w for w in words(qa.answer) if w not in vocabulary and w not in glue
                   and not w.isdigit()]
        assert not missing, (qa.question_type, qa.answer, missing)


def test_every_type_is_produced_on_the_sample_documents(sample_pairs, sample_library):
    produced = Counter(qa.question_type for qa in sample_pairs)
    requested = gsd.requested_counts(sample_library.documents)
    assert set(produced) == set(gsd.QUESTION_TYPES)
    assert all(produced[t] <= requested[t] for t in gsd.QUESTION_TYPES)


def test_reasoning_steps_name_the_heading_path_and_quote_support(sample_pairs):
    for qa in sample_pairs:
        assert len(qa.reasoning_steps) >= 3
        assert " > ".join(qa.section.heading_path) in qa.reasoning_steps[0]


def test_one_fact_based_per_fact_and_one_summary_per_section(sample_pairs, sample_library):
    sections = [s for d in sample_library.documents for s in d.sections if s.facts]
    counts = Counter(qa.question_type for qa in sample_pairs)
    assert counts["fact_based"] == sum(len(s.facts) for s in sections)
    assert counts["section_summary"] == len(sections)


def test_the_type_table_is_complete():
    for row in gsd.QUESTION_TYPES.values():
        assert row.difficulty in ("easy", "medium", "hard")
        assert row.share in ("fact", "section") or 0 < row.share <= 100
        assert row.variants and all(v.instruction for v in row.variants)
        assert callable(row.generate)
