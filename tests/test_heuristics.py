"""The --no-llm generators: quotas, question shapes a person would ask, grammar-safe
transforms, the document's language, and answers that stay true to the text."""

import re
from collections import Counter

import pytest

import generate_synthetic_data as gsd
from conftest import SAMPLE_DOCS, parse


def corpus_of(*texts):
    docs = [parse(t, f"doc{n}.md") for n, t in enumerate(texts)]
    return docs, gsd.Corpus(docs)


def fact_texts(text):
    """The sentence facts of a one-section document, as text."""
    docs, corpus = corpus_of(text)
    return [f.text for f in gsd._sentence_facts(docs[0].sections[0], corpus)]


def drafts_of(question_type, text, section=0):
    docs, corpus = corpus_of(text)
    return gsd.QUESTION_TYPES[question_type](docs[0].sections[section], corpus)


def drafts_under(question_type, text, heading):
    """The drafts of the section with that heading."""
    docs, corpus = corpus_of(text)
    section = next(s for s in docs[0].sections if s.heading == heading)
    return gsd.QUESTION_TYPES[question_type](section, corpus)


def units(text):
    """Content words, crudely singular; character pairs for CJK text."""
    cjk = "".join(gsd.CJK_RE.findall(text))
    if len(cjk) >= len(text) / 4:
        return {cjk[i:i + 2] for i in range(len(cjk) - 1)}
    return {w[:-1] if w.endswith("s") and len(w) > 3 else w for w in gsd.content_words(text)}


def leaks(question, answer):
    answer_units = units(answer)
    return bool(answer_units) and len(answer_units & units(question)) * 2 >= len(answer_units)


# --- quotas --------------------------------------------------------------------


@pytest.mark.parametrize("n_facts, total", [(0, 0), (1, 1), (10, 9), (20, 19), (100, 93)])
def test_plan_counts_follows_the_seed_shares_by_largest_remainder(n_facts, total):
    counts, _ = gsd.plan_counts(n_facts)
    assert sum(counts.values()) == total
    assert set(counts) == set(gsd.type_percent())


def test_plan_counts_exact_at_100_facts():
    counts, _ = gsd.plan_counts(100)
    assert counts == gsd.type_percent()


def test_carry_gives_every_type_its_share_over_many_small_sections():
    carry, totals = None, Counter()
    for _ in range(20):  # twenty five-fact sections = 100 facts
        counts, carry = gsd.plan_counts(5, carry)
        totals.update(counts)
    assert dict(totals) == gsd.type_percent()


# --- each type from the pattern that makes it honest ---------------------------

CASES = [
    ("rule", "fact_based", "# Helmets\nA rider under 18 must wear a helmet at all times.\n",
     "what must a rider under 18 do", "They must wear a helmet at all times."),
    ("api does", "fact_based", "# `fs.readFile(path, callback)`\nAsynchronously reads the "
     "entire contents of a file.\n", "what does `fs.readFile()` do?",
     "It asynchronously reads the entire contents of a file."),
    ("api returns", "fact_based", "# `buf.toJSON()`\nReturns a JSON representation of `buf`.\n",
     "what does `buf.toJSON()` return?", "A JSON representation of `buf`."),
    ("definition", "fact_based", "# Terms\n- **Slow zone** means an area where speed is capped.\n",
     'what does "Slow zone" mean?', "It means an area where speed is capped."),
    ("copula", "fact_based", "# Intro\nThe Lumora UV-2 is a benchtop spectrophotometer for "
     "liquids.\n", "what is the Lumora UV-2?", "It is a benchtop spectrophotometer for liquids."),
    ("question heading", "fact_based", "# Lamp\n## How do I reset the lamp counter?\nHold the "
     "reset key for five seconds. The counter then shows zero.\n", "how do I reset the lamp "
     "counter?", "Hold the reset key for five seconds. The counter then shows zero."),
    ("amount", "factual_recall", "# Lamp\nThe deuterium lamp lasts about 2000 hours.\n",
     "how many hours does the deuterium lamp last?", "About 2000."),
    ("table cell", "factual_recall", "# Fines\n| Offence | Fine |\n|---|---|\n| Passenger | 60 "
     "CAD |\n| Sidewalk | 75 CAD |\n",
     'what is the fine for "Passenger" in the "Fines" table?', "60 CAD."),
    ("application", "application", "# Trips\nIf a lamp fails during a trip, the rider must end "
     "the trip at the nearest corral.\n", "suppose a lamp fails during a trip. What must the rider do?",
     "They must end the trip at the nearest corral."),
    ("hypothetical", "hypothetical", "# Lid\nIf the lid opens during a scan, the lamp stops at "
     "once.\n", "what happens if the lid opens during a scan?", "The lamp stops at once."),
    ("because", "cause_effect", "# Care\nNever clean the optics with acetone, because acetone "
     "dissolves the coating.\n", "why should you never clean the optics with acetone?",
     "Because acetone dissolves the coating."),
    ("results in", "cause_effect", "# Drift\nAn early baseline drifts, which results in "
     "absorbance errors.\n", "what does it lead to when an early baseline drifts?",
     "It results in absorbance errors."),
    ("except", "critical_analysis", "# Sidewalks\nRiding on sidewalks is prohibited, except when "
     "a rider walks the scooter.\n", "is it always true that riding on sidewalks is prohibited?",
     "No. Riding on sidewalks is prohibited, except when a rider walks the scooter."),
    ("only if", "critical_analysis", "# Data\nThe operator may share trip data only if the rider "
     "agrees in writing.\n", "under what condition may the operator share trip data?",
     "Only if the rider agrees in writing."),
    ("command", "technical_explanation", "# Kinetics scans\nTo run a kinetics scan, save these lines:\n"
     "\n```\nwavelength 340\n```\n", "how do you run a kinetics scan?",
     "To run a kinetics scan, save these lines:\n```\nwavelength 340\n```"),
    ("procedure", "process_workflow", "# Baseline\nTo record a baseline:\n\n1. Switch on the "
     "lamp.\n2. Fill a cuvette with solvent.\n3. Press start.\n",
     "what are the steps, in order, to record a baseline?",
     "1. Switch on the lamp.\n2. Fill a cuvette with solvent.\n3. Press start."),
    ("list", "summarization", "# Kit\nBring these items to every ride:\n\n- A helmet.\n- A lamp."
     "\n- A bell.\n", 'What does the opening of "Kit" list?',
     "Bring these items to every ride: A helmet; A lamp; A bell."),
    ("anaphor", "contextual_ambiguity", "# Plans\nOperators must offer a low-income plan. This "
     "plan costs 1 CAD per ride.\n", 'what does "This plan" refer to',
     'It refers to the low-income plan, from the sentence before: "Operators must offer a '
     'low-income plan."'),
    ("zh rule", "fact_based", "# 同步规则\n## 冲突副本\n冲突副本必须在 30 天内由用户处理。\n",
     "对冲突副本有什么要求？", "必须在 30 天内由用户处理。"),
    ("zh definition", "fact_based", "# 概念\n同步文件夹是指客户端监视的本地文件夹。\n",
     "什么是同步文件夹？", "指客户端监视的本地文件夹。"),
    ("zh amount", "factual_recall", "# 所有权\nRust 的所有权有三条规则，编译器会检查它们。\n",
     "Rust 的所有权有几条规则？", "三条。"),
    ("zh condition", "hypothetical", "# 账号与密码\n如果连续五次输错密码，账号会被锁定半小时。\n",
     "如果连续五次输错密码，会怎样？", "账号会被锁定半小时。"),
    ("zh cause", "cause_effect", "# 同步\n客户端不会同步临时文件，因为这些文件通常在写入过程中不断变化。\n",
     "为什么客户端不会同步临时文件？", "因为这些文件通常在写入过程中不断变化。"),
]


@pytest.mark.parametrize("name, question_type, text, asked, answer", CASES,
                         ids=[c[0] for c in CASES])
def test_each_type_asks_what_its_pattern_supports(name, question_type, text, asked, answer):
    drafts = drafts_of(question_type, text)
    assert any(asked in d.question and d.answer == answer for d in drafts), \
        [(d.question, d.answer) for d in drafts]


@pytest.mark.parametrize("question_type", [t for t in gsd.QUESTION_TYPES if t not in (
    "section_summary", "true_false_fill_blank")])
def test_a_sentence_with_no_pattern_gets_no_question(question_type):
    assert drafts_of(question_type, "# Colours\nThe lamp housing looks blue and round.\n") == []


def test_multi_hop_asks_about_a_defined_term_so_both_sections_are_needed():
    docs, corpus = corpus_of("# Bylaw\n## Definitions\n- **Shared e-scooter** means a scooter "
                             "offered for rent through an app.\n## Parking\nShared e-scooters "
                             "must be parked upright.\n")
    drafts = gsd.gen_multi_hop_reasoning(docs[0].sections[1], corpus)
    assert drafts, "no multi-hop question"
    question, answer = drafts[0].question, drafts[0].answer
    assert "a scooter offered for rent through an app" in question
    assert "e-scooter" not in question  # the term is the hop the reader must make
    assert "parked upright" in answer and drafts[0].related[0].heading == "Definitions"


def test_multi_hop_joins_an_answer_to_the_api_another_section_describes():
    docs, corpus = corpus_of("# fs\n## `fs.stat(path)`\nReturns a `fs.Stats` object for the "
                             "path.\n## Class: `fs.Stats`\nProvides information about a file.\n")
    drafts = gsd.gen_multi_hop_reasoning(docs[0].sections[0], corpus)
    assert drafts and "and what is `fs.Stats`?" in drafts[0].question
    assert "`fs.Stats` provides information about a file." in drafts[0].answer


def test_comparative_compares_only_the_cells_that_differ():
    drafts = drafts_of("comparative_analysis", "# Plans\n| Plan | Price | Support |\n|---|---|---|"
                       "\n| Basic | 5 EUR | email |\n| Pro | 9 EUR | email |\n")
    assert drafts and drafts[0].answer == 'For "Price", "Basic" has 5 EUR and "Pro" has 9 EUR.'
    assert "email" not in drafts[0].answer  # the cell both rows share is no difference


def test_comparative_sets_parallel_api_sections_side_by_side():
    docs, corpus = corpus_of("# fs\n## `fs.readFile(path)`\nAsynchronously reads a whole file.\n"
                             "## `fs.readFileSync(path)`\nSynchronously reads a whole file and "
                             "blocks the event loop.\n")
    drafts = gsd.gen_comparative_analysis(docs[0].sections[0], corpus)
    assert drafts and drafts[0].answer == ("`fs.readFile()` asynchronously reads a whole file, "
                                           "while `fs.readFileSync()` synchronously reads a whole "
                                           "file and blocks the event loop.")


def test_acronym_is_asked_where_it_is_used_and_answered_from_where_it_is_defined():
    docs, corpus = corpus_of("# Bylaw\nIt is run by the Riverbend Transport Authority (RTA).\n"
                             "## Fines\nThe RTA issues every fine.\n## Review\nThe RTA reviews "
                             "the bylaw.\n")
    first = gsd.gen_contextual_ambiguity(docs[0].sections[1], corpus)
    assert [d.answer for d in first] == ["Riverbend Transport Authority."]
    assert gsd.gen_contextual_ambiguity(docs[0].sections[2], corpus) == []  # asked once


# --- grammar-safe transforms -----------------------------------------------------


@pytest.mark.parametrize("text", [
    "Versions are kept even if you delete the tap.",
    "The tap is updated only if it is trusted.",
    "Run the tests again if needed.",
    "It stops if the lid opens.",
])
def test_conditions_are_cut_only_at_a_real_clause_boundary(text):
    assert drafts_of("hypothetical", f"# S\n{text}\n") == []


@pytest.mark.parametrize("text", [
    "Read Listing 15-1 and chapter 2 for the whole example of it.",
    "Use `rename(2)` on UTF-8 names under rule §2.101 only.",
])
def test_numbers_in_references_are_not_amounts(text):
    assert drafts_of("factual_recall", f"# S\n{text}\n") == []
    blanks = [d for d in drafts_of("true_false_fill_blank", f"# S\n{text}\n") if d.key]
    assert all(not re.fullmatch(r"\d+.*", d.answer) for d in blanks)


@pytest.mark.parametrize("text, falsified", [
    ("Riders must wear a helmet.", "Riders must not wear a helmet."),
    ("The UV-2 is a benchtop photometer.", "The UV-2 is not a benchtop photometer."),
    ("The lamp warms up in 30 minutes.", "The lamp warms up in 60 minutes."),
    ("Riders may ride in bicycle lanes.", None),  # may/can are never negated
    ("Riders must not ride on sidewalks.", None),  # no double negatives
    ("Riders cannot carry a passenger.", None),
])
def test_false_statements_come_from_one_safe_change(text, falsified):
    changed = gsd.LANGUAGES["en"].falsified(text)
    assert (changed[0] if changed else None) == falsified


def test_true_and_false_are_balanced():
    names = ("amber basin cedar delta ember fjord garnet harbor indigo juniper kestrel lagoon "
             "meadow nectar orchid pepper quartz raven saffron timber umber violet walnut "
             "yarrow zephyr").split()
    sentences = [f"The {name} tank must hold {n + 3} litres of water." for n, name in
                 enumerate(names)] + [f"The {name} valve is a brass fitting for hoses." for name
                                      in names]
    drafts = drafts_of("true_false_fill_blank", "# Units\n" + " ".join(sentences) + "\n")
    verdicts = Counter(d.answer.split(".")[0] for d in drafts if not d.key)
    share = verdicts["True"] / max(1, verdicts["True"] + verdicts["False"])
    assert sum(verdicts.values()) >= 15 and 0.35 <= share <= 0.65, verdicts


def test_true_and_false_take_turns_over_a_documents_statements():
    subjects = ("riders operators owners drivers renters tourists students couriers visitors "
                "cyclists inspectors mechanics dispatchers cashiers guards pilots tenants "
                "farmers bakers tailors").split()
    text = "# Rules\n" + " ".join(f"The {who} must sign the yellow form." for who in subjects) + "\n"
    verdicts = Counter(d.answer.split(".")[0] for d in drafts_of("true_false_fill_blank", text)
                       if not d.key)
    assert sum(verdicts.values()) == 20 and verdicts["True"] == 10, verdicts


def test_true_and_false_are_balanced_over_many_short_documents():
    names = "amber basin cedar delta ember fjord garnet harbor indigo juniper kestrel lagoon".split()
    texts = [f"# {name.title()} valve\nThe {name} valve is a brass fitting for garden hoses.\n"
             for name in names]
    docs, corpus = corpus_of(*texts)
    verdicts = Counter(d.answer.split(".")[0] for doc in docs for s in doc.sections
                       for d in gsd.gen_true_false_fill_blank(s, corpus) if not d.key)
    assert sum(verdicts.values()) >= 8 and 3 <= verdicts["True"] <= sum(verdicts.values()) - 3, \
        verdicts  # each document's one statement was always true


def test_a_blank_is_a_key_term_never_a_filler_or_a_word_seen_elsewhere():
    text = ("# Cuvettes\nQuartz cuvettes are necessarily required below 340 nm. The "
            "`reference` holder takes the `reference` cuvette only.\n")
    drafts = [d for d in drafts_of("true_false_fill_blank", text) if d.key]
    answers = [d.answer for d in drafts]
    assert "necessarily" not in answers and "`reference`" not in answers
    for draft in drafts:
        assert draft.answer.lower() not in draft.question.lower()


# --- questions that stand alone, in the document's language ----------------------


def test_no_question_holds_its_answer(sample_pairs):
    asked = [qa for qa in sample_pairs if not (
        qa.question_type == "true_false_fill_blank" and not qa.key)]
    leaking = [(qa.question, qa.answer) for qa in asked if leaks(qa.question, qa.answer)]
    assert len(leaking) <= 0.05 * len(asked), leaking


def test_no_answer_ends_in_a_dangling_word(sample_pairs):
    dangling = re.compile(r"\b(?:the|a|an|and|or|but|of|even|if|because|than|such as)[.]$")
    assert not [qa.answer for qa in sample_pairs if dangling.search(qa.answer)
                or qa.answer.rstrip().endswith((":", "："))]


def test_chinese_sections_get_chinese_questions_and_reasoning(sample_pairs):
    chinese = [qa for qa in sample_pairs if qa.section.language == "zh"]
    assert len(chinese) >= 15
    for qa in chinese:
        source = qa.section.body + qa.section.doc_title
        for text in (qa.question, *qa.reasoning_steps):
            foreign = [w for w in re.findall(r"[A-Za-z]{2,}", text) if w not in source]
            assert not foreign, (text, foreign)


def test_a_language_without_a_table_gets_no_heuristic_pairs():
    docs, corpus = corpus_of("# Regeln\nFahrer müssen einen Helm tragen, wenn sie unter 18 "
                             "sind. Die Stadt prüft die Regeln jedes Jahr.\n")
    section = docs[0].sections[0]
    assert section.language == ""
    assert all(row(section, corpus) == [] for row in gsd.QUESTION_TYPES.values())


def test_reasoning_names_the_place_quotes_the_support_and_says_why(sample_pairs):
    for qa in sample_pairs:
        steps = qa.reasoning_steps
        assert len(steps) >= 3, qa
        assert any(" > ".join(s.heading_path) in steps[0] for s in qa.sources)
        assert any(f.text in " ".join(steps) for s in qa.sources for f in s.facts) or \
            qa.question_type in ("summarization", "process_workflow", "technical_explanation")
        assert sum(qa.answer in step for step in steps) <= 1  # never the answer three times
        assert not re.search(r"\(s\)|The words \"\w+\" introduce", " ".join(steps)), steps
        # "in 1 paragraph(s)", 'The words "because" introduce': a template showing


def test_every_answer_is_the_documents_own_words(sample_pairs):
    for qa in sample_pairs:
        sources = " ".join(s.body for s in qa.sources)
        score, rejected = gsd.check_pair(qa, sources, gsd.DEFAULT_MIN_GROUNDING)
        assert rejected is None, (qa.question_type, qa.question, qa.answer, rejected)


# --- the type table --------------------------------------------------------------


def test_the_type_table_has_the_seeds_fifteen_names_in_order():
    assert list(gsd.QUESTION_TYPES) == [
        "fact_based", "section_summary", "factual_recall", "inference", "multi_hop_reasoning",
        "application", "comparative_analysis", "cause_effect", "summarization", "hypothetical",
        "critical_analysis", "technical_explanation", "process_workflow",
        "true_false_fill_blank", "contextual_ambiguity"]
    for row in gsd.QUESTION_TYPES.values():
        assert row.difficulty in ("easy", "medium", "hard")
        assert row.share in ("fact", "section") or 0 < row.share <= 100
        assert row.variants and all(v.instruction for v in row.variants)


def test_a_new_type_is_a_decorated_generator_and_a_row(monkeypatch, sample_library):
    @gsd.question_type("definition_check", "easy", 5, "Ask what a defined term means.")
    def gen_definition_check(section, corpus):
        return [gsd.Draft(f'What is "{section.heading}"?', section.facts[0].text,
                          ("a", "b", "c"))]

    monkeypatch.setitem(gsd.QUESTION_TYPES, "definition_check", gen_definition_check)
    documents = sample_library.documents
    pairs = [qa for d in documents for qa in gsd.heuristic_qa_pairs(d, gsd.Corpus([d]), 1)]
    assert any(qa.question_type == "definition_check" for qa in pairs)
    requests = gsd.plan_requests(documents, gsd.Corpus(documents))
    assert any(r.question_type == "definition_check" for r in requests)


def test_every_type_is_produced_on_the_sample_documents(sample_pairs, sample_library):
    produced = Counter(qa.question_type for qa in sample_pairs)
    requested = gsd.requested_counts(sample_library.documents)
    assert len(produced) >= 13, produced
    assert all(produced[t] <= requested[t] for t in gsd.QUESTION_TYPES)


# --- the shapes blind readers marked wrong (grading rounds 4 and 5) ----------------


@pytest.mark.parametrize("text", [
    "# Lamp saver\nEnabled by default if `$LAMP_SAVER` is set.",  # the consequence has no subject
    "# Event alcohol\nIf alcohol is served at the event, you are at least 21 years old.",
    "# Old lamps\nIf the lamp is old, a new lamp is recommended by the vendor.",  # advice
])
def test_hypothetical_asks_only_what_happens_not_what_to_do(text):
    assert drafts_of("hypothetical", f"{text}\n") == []


@pytest.mark.parametrize("text", [
    "如果用的 `bash`，可以将 `export LAMP=1` 添加到 `.bashrc` 中。",  # an option, no subject
    "当提供同步数据时，建议尽可能把修改都保留在客户端里。",  # a recommendation
])
def test_chinese_hypothetical_asks_only_what_happens(text):
    assert drafts_of("hypothetical", f"# 同步数据\n{text}\n") == []


def test_a_chinese_when_condition_is_said_whole_in_question_and_reasoning():
    drafts = drafts_of("hypothetical", "# 文件冲突\n当两台设备同时修改同一个文件时，客户端会保留"
                                       "两个副本。\n")
    assert [d.question.split("，", 1)[-1] for d in drafts] == ["当两台设备同时修改同一个文件时，会怎样？"]
    assert "条件“当两台设备同时修改同一个文件时”" in drafts[0].steps[-1]
    assert "…" not in "".join(drafts[0].steps)


def test_rows_of_a_long_table_are_not_compared_unless_the_heading_compares():
    rows = "".join(f"| `{m}` | {d} |\n" for m, d in [
        ("version", "Sets the version"), ("homepage", "Sets the homepage"),
        ("license", "Sets the license"), ("depends_on", "Adds a dependency")])
    table = f"| Method | Effect |\n|---|---|\n{rows}"
    assert drafts_of("comparative_analysis", f"# Formula methods\n{table}") == []
    compared = drafts_of("comparative_analysis", f"# Formula methods compared\n{table}")
    assert compared and "`version`" in compared[0].question


def test_a_question_heading_is_answered_only_by_its_whole_body():
    leading = ("# FAQ\n## Why does the lamp need a warm-up period?\nThe lamp is a deuterium "
               "arc lamp.\n\nIts light drifts in these cases:\n\n- the room is cold\n- the lamp "
               "is new\n")
    heading = "Why does the lamp need a warm-up period?"
    assert not [d for d in drafts_under("fact_based", leading, heading) if "warm-up" in d.question]
    whole = ("# FAQ\n## Why does the lamp need a warm-up period?\nThe arc drifts until the "
             "lamp reaches its working temperature. This takes about 30 minutes.\n")
    assert [d.answer for d in drafts_under("fact_based", whole, heading) if "warm-up" in d.question] == [
        "The arc drifts until the lamp reaches its working temperature. This takes about 30 "
        "minutes."]


def test_a_how_to_heading_is_the_goal_only_of_a_list_or_code_that_serves_it():
    setup = ("# Sending jobs to a worker\nWe send the job once the worker is set up in this "
             "way:\n\n1. Define a `Worker` struct.\n2. Store the workers in a vector.\n")
    assert drafts_of("process_workflow", setup) == []
    steps = ("# Installing the lamp\nFollow these steps:\n\n1. Switch off the unit.\n2. Open "
             "the lamp cover.\n3. Insert the lamp.\n")
    assert drafts_of("process_workflow", steps)
    fallback = ("# How to submit a notice\nThe web form is the fastest way to reach us. If you "
                "still wish to mail the notice, our address is:\n\n```\nLamp Works\n1 Main St"
                "\n```\n")
    assert not [d for d in drafts_of("technical_explanation", fallback) if "submit" in d.question]


@pytest.mark.parametrize("question", [
    "suppose a tool supports selecting its JDK that way. What should you do?",
    "Which of the latter does the tool use?",
    "what can you return if you do that?",  # FastAPI's RedirectResponse
    "suppose you have installed both. What will Hugo do?",  # both of which? (css.Sass)
    "what will Rust do if you uncomment the last `println!`?",  # the listing's (rustbook)
    "suppose you want to dive deeper into the differences. What should you do?",  # Pinia
    "suppose upstream provides that form. What should you do?",  # brew, "Stable releases"
])
def test_questions_pointing_at_unseen_text_are_not_self_contained(question):
    docs, _ = corpus_of("# Java\nSet `JAVA_HOME` for a shell.\n")
    assert not gsd.self_contained(question, docs[0].sections[0])


def test_a_plural_reference_is_not_resolved_to_one_thing():
    english = gsd.LANGUAGES["en"]
    previous = "A package may ship only when its homepage and the root page of its domain are safe."
    assert english.anaphor("Those pages must not show graphic images.", previous) is None
    assert english.anaphor("This page must not show graphic images.", previous) == (
        "This page", "the root page")


def test_an_example_sentence_gives_no_amount_to_recall():
    text = "# 等值比较\n例如，当使用 `assert_eq!` 宏时，需要比较一个类型的两个实例是否相等。\n"
    assert drafts_of("factual_recall", text) == []
    assert drafts_of("factual_recall", "# Lamps\nFor example, the kit holds 3 spare lamps.\n") == []


def test_chinese_rules_ask_what_the_subject_needs_and_keep_an_added_clause():
    statement = gsd.LANGUAGES["zh"].statement("Rust 需要知道每个类型的大小，同时该类型的所有值都必须"
                                             "占用相同大小的内存。", "", str.lower)
    assert statement and statement.question == "Rust需要做什么？"
    assert statement.answer.endswith("同时该类型的所有值都必须占用相同大小的内存。")
    # fact_based no longer asks 需要 rules: graders found most of them garbled
    assert drafts_of("fact_based", "# 类型大小\nRust 需要知道每个类型的大小。\n") == []


def test_a_sole_condition_must_name_the_sections_own_case():
    text = ("# 响应式\n## 解包细节\n### 作为对象的属性\n只有当嵌套在一个深层响应式对象内时，才会"
            "发生 ref 解包。\n")
    assert drafts_under("critical_analysis", text, "作为对象的属性") == []
    own = "# 响应式\n## ref 解包\n只有当嵌套在一个深层响应式对象内时，才会发生 ref 解包。\n"
    assert drafts_under("critical_analysis", own, "ref 解包")


def test_multi_hop_skips_a_term_whose_section_states_several_rules():
    docs, corpus = corpus_of("# Bylaw\n## Definitions\n- **Operator** means a company that "
                             "holds a scooter licence.\n## Operator duties\nEach operator must "
                             "keep trip records for 24 months. Each operator must remove a badly "
                             "parked scooter within 2 hours.\n")
    assert not [d for d in gsd.gen_multi_hop_reasoning(docs[0].sections[1], corpus)
                if "licence" in d.question]


def test_no_true_false_or_blank_is_made_of_a_question_sentence():
    drafts = drafts_of("true_false_fill_blank", "# 字符串类型\nRust 为什么不区分字符串类型，而是统一使用 "
                                                "`String` 类型？\n")
    assert drafts == []


def test_a_chinese_situation_with_a_third_party_rule_asks_what_that_party_must_do():
    """"应该怎么做？" asks the reader; the rule binds Vue."""
    drafts = drafts_of("application", "# 模板解析\n如果你想在页面中直接书写模板，Vue 则必须从页面中"
                                      "获取模板字符串。\n")
    assert drafts and drafts[0].question.endswith("Vue 必须怎么做？")  # not "应该怎么做？"
    assert drafts[0].answer == "必须从页面中获取模板字符串。"


# --- the shapes blind readers marked wrong (grading round 6) ----------------------


@pytest.mark.parametrize("text", [
    "# `stream.pipeline(streams, callback)`\nA module method to pipe streams and provide a "
    "callback when the pipeline is complete.",  # the condition binds the last part only
    "# `rl.setPrompt(prompt)`\nThe `rl.setPrompt()` method sets the prompt that will be "
    "written to `output` whenever `rl.prompt()` is called.",  # binds a relative clause
    "# `path.isAbsolute(path)`\nThe `path.isAbsolute()` method determines if `path` is "
    "absolute.",  # "if" means whether
    "# Asynchronous iteration\nIf the loop ends with `break`, `throw`, or `return`, "
    "`rl.close()` will be called.",  # cut inside a list
    "# Maintainer guide\nWhen upstream removes a feature, revisit existing dependencies.",
])
def test_hypothetical_needs_a_consequence_that_the_condition_governs(text):
    assert drafts_of("hypothetical", f"{text}\n") == []


@pytest.mark.parametrize("text", [
    "# 生命周期消除\n若一个输出生命周期被消除了，必定因为有一个输入生命周期与之对应。",  # an explanation
    "# 相关函数\n当函数`a`调用了函数`b`，`b`就是`a`的相关函数。",  # a listing's names, a definition
    "# 稀疏注册协议\n当完全切换到稀疏注册协议后，或许你想要清理旧的依赖项。",  # a suggestion
])
def test_chinese_hypothetical_needs_an_event(text):
    assert drafts_of("hypothetical", f"{text}\n") == []


def test_dang_ran_opens_no_condition():
    assert gsd.LANGUAGES["zh"].condition("当然你可以通过 `mut` 关键字让变量可变，设计会更灵活。") is None


def test_a_chinese_rule_of_a_subsection_names_the_subsection():
    text = ("# 插槽\n## 作用域插槽\n### 具名作用域插槽\n如果你同时使用了具名插槽与默认插槽，则需要为默认"
            "插槽使用显式的 `<template>` 标签。\n")
    drafts = drafts_under("application", text, "具名作用域插槽")
    assert drafts and "在《插槽》的“具名作用域插槽”一节中，如果你同时使用了具名插槽与默认插槽" in drafts[0].question


def test_code_is_the_answer_only_when_its_lead_in_points_at_it():
    counter = ("# 线程与 move 闭包\n为了在新线程中使用主线程的数据，需要让新线程的闭包获取它需要的值。\n\n"
               "```\nlet handle = thread::spawn(|| println!(\"{:?}\", v));\n```\n")
    assert drafts_of("technical_explanation", counter) == []
    pointed = ("# 线程与 move 闭包\n要在新线程中使用主线程的数据，可以像下面这样使用 `move` 闭包：\n\n"
               "```\nlet handle = thread::spawn(move || println!(\"{:?}\", v));\n```\n")
    assert drafts_of("technical_explanation", pointed)


def test_a_definition_cut_before_its_qualifying_clause_is_not_asked():
    text = ("# PhantomData\nPhantomData 是给编译器提供一个额外示例字段的方法，这个字段在概念上存在于"
            "类型中，但实际上并不存储。\n")
    assert not [d for d in drafts_of("fact_based", text) if "什么是PhantomData" in d.question]


def test_an_imagined_example_gives_no_amount():
    assert drafts_of("factual_recall", "# 组件抽象\n想象一下一个有 100 项的列表，每项都包含许多子组件。\n") == []


@pytest.mark.parametrize("text", [
    "# `os.availableParallelism()`\nAlways returns a value greater than zero.",
    "# 2. Use rights\nGitHub grants you a limited right to use the software for testing.",
])
def test_fact_based_never_asks_an_adverb_or_starts_the_answer_at_the_indirect_object(text):
    for draft in drafts_of("fact_based", f"{text}\n"):
        assert "does always" not in draft.question and not draft.answer.startswith("You a ")


def test_no_exception_is_asked_of_an_instruction():
    text = ("# Compiler flags\nUse `CPPFLAGS` for C preprocessor include paths unless upstream "
            "documents `CFLAGS`.\n")
    assert not [d for d in drafts_of("critical_analysis", text) if "statement that use" in d.question]


def test_a_list_of_operations_is_no_procedure():
    text = "# 如何编写测试\n测试函数体通常执行如下三种操作：\n\n1. 设置所需的数据\n2. 运行需要测试的代码\n3. 断言结果\n"
    assert drafts_of("process_workflow", text) == []


def test_the_plain_list_question_is_not_asked_where_a_section_has_two_lists():
    lead = ("Members of the project community are expected to show the following behaviours at "
            "every meeting, event and online space that the project runs")
    text = (f"# Code of conduct\n{lead}:\n\n- be kind\n- be patient\n- be welcoming\n\nExamples of "
            f"behaviour we do not accept include the following ones:\n\n- insults\n- trolling\n"
            f"- harassment\n")
    questions = [d.question for d in drafts_of("summarization", text)]
    assert questions and all("Members" in q or "Examples" in q for q in questions), questions


def test_a_manpage_command_heading_names_its_command():
    assert gsd.heading_entity("`gist-logs` [`--new-issue`] [`--private`] `formula`") == "`gist-logs`"


def test_the_chinese_why_question_drops_zhi_suo_yi():
    drafts = drafts_of("cause_effect", "# unsafe 特征\n之所以会有 `unsafe` 特征，是因为该特征至少有一个方法"
                                       "包含编译器无法验证的内容。\n")
    assert drafts and drafts[0].question.endswith("为什么会有 `unsafe` 特征？")


def test_sibling_apis_are_compared_with_their_whole_opening_paragraph():
    docs, corpus = corpus_of("# url\n## `url.host`\nGets and sets the host portion of the URL.\n"
                             "## `url.hostname`\nGets and sets the host name portion of the URL. "
                             "Unlike `url.host`, it does not include the port.\n")
    drafts = gsd.gen_comparative_analysis(docs[0].sections[0], corpus)
    assert drafts and drafts[0].answer.endswith("Unlike `url.host`, it does not include the port.")


def test_an_empty_cell_is_no_difference():
    drafts = drafts_of("comparative_analysis", "# Encodings\n| Encoding | Aliases | Width |\n|---|---|"
                       "---|\n| `utf-16le` | `utf-16` | 2 |\n| `utf-16be` | | 2 |\n")
    assert drafts == []


# --- the shapes blind readers marked wrong (grading round 7, and my own reading) -----


@pytest.mark.parametrize("text", [
    "# 3.1 Endpoint performance\nIf Partner fails to cure, GitHub may suspend endpoint traffic.",
    "# Updating for a release\nWhen Apple publishes a new Xcode release: Confirm the version, "
    "build number and supported macOS versions.",
])
def test_a_situation_is_a_whole_clause(text):
    assert drafts_of("application", f"{text}\n") == []


def test_a_negated_claim_is_no_event():
    text = "# Domain errors\nDomain error handlers are not a substitute for closing a process when an error occurs.\n"
    assert drafts_of("hypothetical", text) == []


@pytest.mark.parametrize("text, previous", [
    ("These options are mutually exclusive.", "The error is thrown if the TLS options include "
     "both `ALPNProtocols` and `ALPNCallback`."),  # the two just listed, not the TLS options
    ("This can be omitted for default bottles.", "A value of `:any` means that the bottle can "
     "be installed anywhere."),  # "can" is no noun
    ("This type declaration asks for an unsigned integer.", "We used one integer type before, "
     "the `u32` type."),  # which type?
    ("This closure is only an example.", "The listing shows a short closure that returns "
     "its parameter."),  # "the short closure" says no more than "this closure"
])
def test_an_unclear_reference_is_not_resolved(text, previous):
    assert gsd.LANGUAGES["en"].anaphor(text, previous) is None


def test_a_reference_resolves_to_the_name_the_previous_sentence_gives():
    found = gsd.LANGUAGES["en"].anaphor("This crate might include a `Button` type.",
                                        "We create a library crate called `gui` for the GUI.")
    assert found == ("This crate", "the library crate called `gui`")


def test_this_function_in_an_api_section_is_the_api_itself():
    text = ("# `context.skip([message])`\nCalling `skip()` does not end the test function at "
            "once. This function does not return a value.\n")
    assert not [d for d in drafts_of("contextual_ambiguity", text) if "This function" in d.question]


def test_a_heading_word_in_the_answer_is_not_added_as_scope():
    text = "# 服务端渲染\n## 激活不匹配\n如果服务端渲染的内容与客户端不一致，页面会出现激活不匹配。\n"
    for draft in drafts_under("hypothetical", text, "激活不匹配"):
        assert "关于“激活不匹配”" not in draft.question


def test_a_version_badge_is_no_chinese_fact_question():
    assert drafts_of("fact_based", "# 同名简写\n仅支持 3.4 版本及以上。\n") == []


@pytest.mark.parametrize("text", [
    "# Guessing game\nThe compiler can do many kinds of checks on your code.",  # "can ... do"
    "# Strings\nRust has chosen to make correct handling of strings the default.",  # has chosen
    "# Mismatches\nA persistent mismatch usually means the cask is outdated.",
    "# Loops\nThe program will now ask for another guess forever.",  # where the tutorial is
    "# Cookies\nSince the number of cookies may change, the table may be updated.",
    "# Manual\nSummarise Homebrew's build environment as a plain list.",
])
def test_fact_based_skips_sentences_whose_question_would_be_garbled_or_broad(text):
    assert drafts_of("fact_based", f"{text}\n") == []


# --- the shapes blind readers marked wrong (grading round 8, two samples) ----------


def test_a_why_question_needs_what_zhi_suo_yi_explains():
    assert drafts_of("cause_effect", "# 指针混叠\n之所以说指针，是因为指针这个概念更方便跟规则关联。\n") == []


@pytest.mark.parametrize("text", [
    "# 宏和函数\n由于这样的间接性，宏定义通常要比函数定义更难阅读。",  # leans on the sentence before
    "# try_recv\n`try_recv`会尝试立即读取一次消息，因为消息没有发出，此次读取最终会报错。",
    "# 注意事项\n由于浏览器的解析限制，有一些需要注意的事项。",  # existential: why "有"?
])
def test_chinese_causes_that_explain_something_else_are_not_asked(text):
    assert drafts_of("cause_effect", f"{text}\n") == []


@pytest.mark.parametrize("text", [
    "# 消除规则\n若编译器发现三条规则都不适用时，就会报错。",  # the amount sits in a condition
    "# 组合式函数\n文档建议重新阅读响应性基础和生命周期钩子两个章节。",  # the items it counts are named
])
def test_chinese_amounts_in_conditions_or_of_named_items_are_not_asked(text):
    assert drafts_of("factual_recall", f"{text}\n") == []


def test_a_reflective_condition_is_no_situation():
    text = "# 切片类型\n如果你回想第 4 章的切片部分，切片数据结构会储存开始位置和长度。\n"
    assert drafts_of("hypothetical", text) == []


def test_a_cost_is_no_instruction():
    text = ("# unwrap 与 expect\n如果在多处使用 `unwrap`，则需要花更多的时间来分析是哪一个 `unwrap` "
            "造成了 panic。\n")
    assert drafts_of("application", text) == []


@pytest.mark.parametrize("text", ["4.4 End-User Takedowns.", "10 days before the AGM."])
def test_no_true_false_is_made_of_a_heading_or_a_fragment(text):
    assert not [d for d in drafts_of("true_false_fill_blank", f"# Takedowns\n{text}\n") if not d.key]


def test_no_summary_of_a_title_and_a_table_of_contents():
    text = "# Notice for Candidates\nNotice for Candidates. Table of Contents.\n"
    assert drafts_of("section_summary", text) == []


def test_what_the_documents_own_name_may_do_is_not_asked():
    text = "# 4. Takedowns\nGitHub may review or test your Listing for compliance with this Agreement.\n"
    docs, corpus = corpus_of(text)
    section = docs[0].sections[0]
    section = gsd.dataclasses.replace(section, doc_title="GitHub Marketplace Developer Agreement")
    assert [d for d in gsd.gen_fact_based(section, corpus) if "what may GitHub do" in d.question] == []


def test_an_exception_cut_inside_brackets_is_not_asked():
    text = ("# Installing casks\nWhen installing casks, overwrite existing files (binaries are excluded, "
            "unless originally from the same cask).\n")
    assert drafts_of("critical_analysis", text) == []


def test_an_object_with_a_second_predicate_is_no_answer():
    text = "# The `brew tap` command\nHomebrew deletes the local repositories and no longer loads their contents.\n"
    assert not [d for d in drafts_of("fact_based", text) if "delete" in d.question]


@pytest.mark.parametrize("text", [
    # an object relative clause ("the data [that] GitHub processes"), then the real verb
    "# GitHub General Privacy Statement\n## Personal Data We Collect\nThe Personal Data GitHub "
    "processes when you use the Services depends on how you interact with our Services and the "
    "features you use.",
    "# Lumora Scanner Guide\n## Scans\nThe Scan Data Lumora keeps when you scan a page "
    "depends on the scan mode and the paper size you choose.",
])
def test_a_verb_followed_by_a_subordinate_clause_has_no_object_to_ask(text):
    # "what does the Personal Data GitHub process?" -> "When you use the Services depends on ..."
    # (round 27): a verb with a when-clause after it has no object a "what" can ask for
    assert not [d for d in drafts_of("fact_based", f"{text}\n") if d.answer.startswith("When")]


def test_a_heading_word_inside_a_code_span_is_not_blanked():
    text = ("# Manual\n## `fetch` `formula`\nDownload the source packages for `formula`e and "
            "the binaries for every cask listed.\n")
    assert not [d for d in drafts_of("true_false_fill_blank", text) if "`___`" in d.question]


@pytest.mark.parametrize("text", [
    "# Defining `Post`\nThe `state` field holds a boxed `State` value. You’ll see why the "
    "`Option<T>` is necessary in a bit.",
    "# 延迟解析\n目标元素的挂载时机很重要。稍后我们会看到为什么 `defer` 属性能解决这个问题。",
])
def test_a_sentence_that_promises_a_later_explanation_is_no_fact(text):
    section = parse(f"{text}\n").sections[0]
    kept = [f.text for f in gsd._sentence_facts(section, gsd.Corpus([parse(f"{text}\n")]))]
    assert kept and not [t for t in kept if "Option" in t or "defer" in t], kept


def test_a_plain_html_element_of_the_example_is_not_blanked():
    text = ("# Teleport\n## 延迟解析的 Teleport\n请注意，目标元素必须与 Teleport 在同一个挂载/更新周期内渲染，"
            "即如果 `<div>` 在一秒后才挂载，Teleport 仍然会报错。\n\n```\n<div id=\"container\"></div>\n```\n")
    assert not [d for d in drafts_of("true_false_fill_blank", text) if d.answer == "`<div>`"]


def test_a_chinese_term_the_writer_sets_in_bold_is_blanked_with_its_english_name():
    text = "# 不安全 Rust\n## 访问静态变量\n全局变量在 Rust 中被称为 **静态**（*static*）变量。\n"
    blanks = [d for d in drafts_of("true_false_fill_blank", text) if "___" in d.question]
    assert [(d.answer, "static" in d.question) for d in blanks] == [("静态（static）", False)]
    assert "加粗" in " ".join(blanks[0].steps)  # the step says why it is the term, not "关键词"


def test_a_false_year_is_a_near_year_not_a_doubled_one():
    # "VSCode 是微软 4030 年推出的…" (round 27 reading): a false statement no one would believe
    text = "Visual Studio Code 是微软 2015 年推出的一个轻量的源代码编辑器。"
    assert gsd._number_swapped(text, gsd.NUMBER_RE.search(text))[2] == "2017"


def test_a_table_statement_is_answered_with_a_sentence_not_the_raw_row():
    # "False. method: `launch_only_once`; default: `false`; macOS: yes; ..." (round 27)
    text = ("# Service block methods\n| method | default | description |\n|---|---|---|\n"
            "| `run_type` | `:immediate` | when the service runs |\n"
            "| `launch_only_once` | `false` | whether the command runs once |\n"
            "| `keep_alive` | `true` | whether the service is kept alive |\n")
    rows = [d for d in drafts_of("true_false_fill_blank", text) if " table, " in d.question]
    assert rows and all("; " not in d.answer and ", the default for `" in d.answer for d in rows)


@pytest.mark.parametrize("header, row, asked", [
    ("| Encoding | Aliases |", "| `'latin1'` | `'l1'` |", "what are the aliases for `'latin1'` in"),
    ("| Symbol | Status |", "| `!` | stable |", "what is the status for `!` in"),
    ("| Type | `records` contains |", "| `'A'` | IPv4 addresses |", 'what is the "`records` contains" for'),
    ("| 长度 | 有符号类型 |", "| 8 位 | `i8` |", "“8 位”对应的有符号类型是什么？"),
])
def test_a_table_cell_is_asked_for_by_its_column_as_a_noun(header, row, asked):
    # 'what does the "Aliases" column of the table in "X" give for …?' read as a template to
    # the readers of every round 33-38
    title = "数据类型\n整数类型分为有符号和无符号两类，长度各不相同。" if "位" in row else "Tables"
    text = f"# {title}\n{header}\n|---|---|\n{row}\n| `x` | y z |\n"
    questions = [d.question for d in drafts_of("factual_recall", text)]
    assert any(asked in q for q in questions), questions


def test_a_quoted_row_label_is_not_quoted_twice():
    text = ("# `url.port`\n| protocol | port |\n|---|---|\n| \"ftp\" | 21 |\n| \"wss\" | 443 |\n")
    questions = [d.question for d in drafts_of("factual_recall", text)]
    assert questions and not [q for q in questions if '""' in q], questions


@pytest.mark.parametrize("text", [
    "# 1. Definitions\nThe Payment means the net of one hundred percent (100%) of gross monthly "
    "payments received from Sponsorships.",
    "# Sizes\nThe default block size is four kilobytes (4 KB) on most of the supported systems.",
])
def test_a_bracket_that_restates_its_neighbour_is_not_blanked(text):
    # "one hundred percent (___)" -> "100%" gives itself away (round 28)
    assert not [d for d in drafts_of("true_false_fill_blank", f"{text}\n") if "(___)" in d.question]


@pytest.mark.parametrize("text", [
    "# Security\n## Compatibility\nWhen the two conflict, Homebrew prioritises security over "
    "backwards compatibility.",
    "# Command-line API\n## `--allow-wasi`\nFor security reasons, the call will throw an "
    "`ERR_ACCESS_DENIED` unless the user explicitly passes the flag `--allow-wasi`.",
])
def test_the_two_or_the_call_with_nothing_named_is_not_asked(text):
    # "what happens when the two conflict?", "… the call will throw …?" (round 28)
    questions = [d.question for t in ("hypothetical", "critical_analysis", "true_false_fill_blank")
                 for d in drafts_of(t, f"{text}\n") if gsd.self_contained(d.question, parse(
                     f"{text}\n").sections[-1])]
    assert not [q for q in questions if "the two" in q or "the call" in q], questions


@pytest.mark.parametrize("term, kind", [
    ("`Rc<T>`", "blank_code"), ("`--allow-wasi`", "blank_code"), ("`//`", "blank_snippet"),
    ("`'exit'`", "blank_snippet"), ("30 minutes", "blank_amount"), ("lamp", "blank_heading"),
    ("`cargo run`", "blank_command"),  # "标识符" for `cargo run` (round 37)
])
def test_the_step_of_a_blank_names_what_the_term_is(term, kind):
    # "空缺处是这句话中的标识符" for `//` (round 28): an operator is no identifier
    section = parse("# Lamp\nThe lamp needs 30 minutes to warm up.\n").sections[0]
    assert gsd._blank_kind(term, "The lamp needs 30 minutes.", section, frozenset()) == kind


def test_the_step_of_a_heading_word_blank_names_the_heading_not_a_trick():
    # "The blank stands where the sentence names a word of the section's heading" read as
    # a guessing trick to readers (rounds 33-38)
    text = "# Billing\n## Metered billing\nSome products use metered billing for every account.\n"
    blanks = [d for d in drafts_under("true_false_fill_blank", text, "Metered billing") if d.key]
    assert blanks and blanks[0].steps[-1] == ('The blank names the section\'s subject: its heading '
                                             'is "Metered billing".'), blanks


@pytest.mark.parametrize("text", [
    "A cookie can later be read when your browser connects to the server that set it.",
    "When `cipher.final()` has been called, the `Cipher` object can no longer be used to encrypt data.",
    "If the scope URL ends in a node_modules path segment, return null.",
])
def test_no_application_asks_what_a_thing_can_do_of_what_is_done_to_it_or_an_algorithm_step(text):
    # "what can a cookie do?" / "It can later be read", "what should you do?" / "Return null."
    # (rounds 33-38)
    assert drafts_of("application", f"# Cookie, cipher and scope resolution\n{text}\n") == []


def test_no_question_from_what_a_listings_compiler_error_says():
    # "错误表明为了保证 ___ 中的 `result` 是有效的…" (round 39)
    assert fact_texts("# 生命周期\n错误表明为了保证 `println!` 中的 `result` 是有效的，`string2` 需要一直有效。\n") == []
    assert fact_texts("# Lifetimes\nThe error says that `result` must be valid for the `println!`.\n") == []


def test_no_hypothetical_whose_condition_runs_into_the_next_sentence():
    text = ("# `zlib.createDeflateRaw()`\nAn upgrade of zlib from 1.2.8 to 1.2.11 changed behavior when "
            "`windowBits` is set to 8 for raw deflate streams. zlib would automatically set "
            "`windowBits` to 9 if was initially set to 8.\n")
    assert not [d for d in drafts_of("hypothetical", text) if ". zlib" in d.question]  # round 39


def test_what_a_thing_will_likely_not_do_is_not_asked_as_what_it_will_do():
    text = ("# Timers\n## `setTimeout(callback[, delay])`\nSchedules a one-time `callback`.\n\n"
            "The `callback` will likely not be invoked in precisely `delay` milliseconds.\n")
    drafts = drafts_under("fact_based", text, "`setTimeout(callback[, delay])`")
    assert not [d for d in drafts if "do?" in d.question]  # round 39


def test_a_blank_of_a_listing_variable_is_refused_in_every_part_of_a_cut_section():
    # the listing in the part before: "`string1` 更长，因此 ___ 会包含指向 `string1` 的引用" (round 39)
    text = ("# 生命周期\n## 函数签名中的生命周期标注\n下面的代码会编译失败。\n\n```rust\nlet result = "
            "longest(string1.as_str(), string2.as_str());\n```\n\n借用检查器会检查引用是否有效。\n\n"
            "`string1` 更长，因此 `result` 会包含指向 `string1` 的引用。\n")
    document = parse(text, "a.md", budget=40)
    cut = [s for s in document.sections if "`result` 会包含" in s.body]
    assert cut and not cut[0].codes, "the sentence must stand in a part without the listing"
    corpus = gsd.Corpus([document])
    blanks = [d for d in gsd.gen_true_false_fill_blank(cut[0], corpus)
              if d.key and gsd._askable(d, cut[0], "true_false_fill_blank")]
    assert not [d for d in blanks if d.answer == "`result`"], blanks


@pytest.mark.parametrize("text", [
    "在早期版本（pre-1.0）的 Rust 中，这的确是不能编译的。每一个引用都必须有明确的生命周期。",
    "In early versions of Rust, this code did not compile. Every reference needed an explicit lifetime.",
])
def test_a_sentence_after_one_set_in_the_past_is_no_fact_of_today(text):
    # "对每一个引用有什么要求？" / "必须有明确的生命周期" taught a pre-1.0 rule as current (rounds 34, 39)
    assert not [t for t in fact_texts(f"# 生命周期省略\n{text}\n") if t.startswith(("每一个", "Every"))]


def test_an_english_situation_of_a_subsection_names_the_subsection():
    # "suppose the failure is reproducible only with Homebrew. What should you do?": which
    # failure? (rounds 38-39)
    text = ("# Common Issues\n## Git checkout or network failures\nIf the failure is reproducible "
            "only with Homebrew, open an issue with the full output.\n")
    asked = [d.question for d in drafts_under("application", text, "Git checkout or network failures")]
    assert asked == ['In "Common Issues", under "Git checkout or network failures", suppose the '
                     'failure is reproducible only with Homebrew. What should you do?'], asked


def test_round_40_shapes_make_no_pairs():
    # a lead-in without its colon is no sentence: "To count as complete, a ___ must"
    assert fact_texts("# Requests\nTo count as complete, a request must\n\n- come from an agency\n"
                      "- identify illegal content\n") == []
    # "既然是分析，就有可能遗漏": since what is an analysis?
    assert fact_texts("# 测试栈借用\n既然是分析，就有可能遗漏，也可能误杀友军。\n") == []
    # where a word comes from is not what the thing is
    assert drafts_under("fact_based", "# Advanced Traits\n## Implementing External Traits with the "
                        "Newtype Pattern\nNewtype is a term that originates from the Haskell "
                        "programming language.\n", "Implementing External Traits with the Newtype Pattern") == []
    # a placeholder of a manual page's synopsis is no blank
    text = ("# brew(1)\n## `search` [`text`|`/``text``/`]\nPerform a substring search of cask tokens "
            "and formula names for `text`.\n")
    blanks = [d for d in drafts_under("true_false_fill_blank", text, "`search` [`text`|`/``text``/`]")
              if d.key]
    assert not [d for d in blanks if d.answer == "`text`"], blanks
    # nor a span run into its neighbours: "`tap``/Formula/``formula`___`version``.rb`"
    text = ("# brew(1)\n## `extract` [`options`] `formula` `tap`\nSpecifically, the command will "
            "create the new formula file at `tap``/Formula/``formula``@``version``.rb`.\n")
    assert not [d for d in drafts_under("true_false_fill_blank", text, "`extract` [`options`] `formula` `tap`")
                if d.key and d.answer == "`@`"]


def test_a_framed_list_answer_drops_the_lead_ins_clause_letter():
    text = ("# Sponsors\n## Direct Relationship with Stripe\n(b) All Sponsorship funds contributed by "
            "Sponsors are held in the Stripe Connected Accounts established and maintained by Stripe "
            "pursuant to Stripe's terms and conditions, including:\n\n- The Stripe Connected Account "
            "Agreement\n- The Stripe Services Agreement\n- The Stripe Terms of Service\n")
    drafts = drafts_under("summarization", text, "Direct Relationship with Stripe")
    assert drafts and drafts[0].answer.startswith("All Sponsorship funds contributed by Sponsors"), drafts


def test_a_noun_before_an_adverb_and_a_verb_is_no_verb():
    # "what does import map?" / "Only work on `import` …" (round 41)
    text = ("# Permissions\n## Import maps\nAdditionally, import maps only work on `import` so it "
            "may be desirable to add an `\"import\"` condition to all dependency mappings.\n")
    assert not [d for d in drafts_under("fact_based", text, "Import maps") if "import map?" in d.question]
    text = "# Packages\n## Imports\nPackage imports permit mapping to external packages.\n"
    assert not [d for d in drafts_under("fact_based", text, "Imports") if "package import?" in d.question]


def test_an_acronym_question_is_framed_by_the_section_that_spells_it_out():
    # "In "DNS", for `dns.Resolver`, what does DNS stand for?" (round 41)
    docs, corpus = corpus_of("# DNS\n## Overview\nThe Domain Name System (DNS) resolves host names to "
                             "addresses.\n## `dns.Resolver`\nAn independent resolver for DNS requests.\n")
    drafts = [d for s in docs[0].sections for d in gsd.gen_contextual_ambiguity(s, corpus)]
    assert drafts and all("`dns.Resolver`" not in d.question + " ".join(d.steps) for d in drafts), drafts


def test_round_42_shapes_make_no_pairs():
    # "what can Homebrew not do?" / one of the many things it cannot
    text = "# Formula Cookbook\n## Versions\nHomebrew cannot automatically detect every compatibility break.\n"
    assert not [d for d in drafts_under("fact_based", text, "Versions") if "not do?" in d.question]
    # exercises on a listing: "Remove the async block from around either or both of the loops"
    text = ("# Async\n## Tasks\nTry some of these variations on awaiting the futures and see what they "
            "do:\n\n- Remove the async block from around either or both of the loops\n- Await each "
            "async block immediately after defining it\n- Wrap only the first loop in an async block\n")
    assert drafts_under("summarization", text, "Tasks") == []


def test_round_43_shapes_make_no_pairs():
    # "Run the ___ command again.": after what?
    assert fact_texts("# Publishing\nRun the `cargo publish` command again.\n") == []
    # "what does `test-bot` do?" / "It only supports GitHub Actions as a CI provider."
    text = "# brew(1)\n## `test-bot` [`options`]\nOnly supports GitHub Actions as a CI provider.\n"
    assert not [d for d in drafts_under("fact_based", text, "`test-bot` [`options`]") if "do?" in d.question]
    # "“Cargo”对应的关键字是什么？" / "KWCG": a site's index code
    text = "# 快速查询入口\n## 索引列表\n| 名称 | 关键字 |\n|---|---|\n| Cargo | KWCG |\n| 模块 | KWMD |\n"
    assert drafts_under("factual_recall", text, "索引列表") == []
    # a list that explains the listing: "这里我们想去匹配 `dire` …，有以下几点值得注意："
    text = ("# match 和 if let\n这里我们想去匹配 `dire` 对应的枚举类型，有以下几点值得注意：\n\n"
            "- `match` 的匹配必须要穷举出所有可能\n- `match` 的每一个分支都必须是一个表达式\n"
            "- X | Y，类似逻辑运算符 `或`，代表该分支可以匹配 `X` 也可以匹配 `Y`\n")
    assert drafts_of("summarization", text) == []


def test_round_44_shapes():
    # "后者会在运行 `cargo test` 时…": the latter of what?
    assert fact_texts("# 集成测试\n后者会在运行 `cargo test` 时，对 `tests` 目录中的每个文件都进行编译运行。\n") == []
    # a list that is part of its section is not asked as all the section says
    text = ("# Sponsors\n## 1A.2 Direct Relationship with Stripe\n(a) Sponsored Developers have a direct "
            "relationship with Stripe for payment processing.\n\n(b) All Sponsorship funds contributed by "
            "Sponsors are held in the Stripe Connected Accounts established and maintained by Stripe "
            "pursuant to Stripe's terms and conditions, including:\n\n- The Stripe Connected Account Agreement\n"
            "- The Stripe Services Agreement\n- The Stripe Terms of Service\n")
    asked = [d.question for d in drafts_under("summarization", text, "1A.2 Direct Relationship with Stripe")]
    assert asked and not [q for q in asked if " say about " in q], asked


@pytest.mark.parametrize("text, asked", [
    ("You must never pay a bribe to a government official.", "what must you never do?"),
    ("Tokens must never be shared.", None),  # not "what must be done with tokens?"
])
def test_a_rule_that_says_never_is_asked_what_is_never_done(text, asked):
    # "what must you do regarding company policies?" / "must never pay …" (round 45)
    statement = gsd.LANGUAGES["en"].statement(text, "", lambda s: s[:1].lower() + s[1:])
    assert (statement and statement.question) == asked


@pytest.mark.parametrize("text, asked", [
    # rustbook's "Calling `Config::build`": no pair from 15 facts, since "::" ended the subject
    ("The `process::exit` function will stop the program immediately.",
     "what will the `process::exit` function do?"),
    ("The `cipher.setAAD()` method must be called before `cipher.update()`.",  # node's Crypto
     "what must be done with the `cipher.setAAD()` method?"),
    ("`Hello, world!` should print to the terminal.", None),  # a literal, no subject
])
def test_a_subject_may_be_code_with_colons_or_parentheses(text, asked):
    statement = gsd.LANGUAGES["en"].statement(text, "", lambda s: s[:1].lower() + s[1:])
    assert (statement and statement.question) == asked


@pytest.mark.parametrize("text", [
    "The `util.types.isWebAssemblyCompiledModule` API has been removed.",  # "what does … have?"
    "The `all_of` key should be used when the user must use all licences.",  # "It should be used."
    "Using `crypto.createCipher` must be avoided.",  # "what must be done with using …?"
])
def test_a_predicate_that_tells_nothing_or_a_gerund_subject_is_not_asked(text):
    statement = gsd.LANGUAGES["en"].statement(text, "", lambda s: s[:1].lower() + s[1:])
    assert statement is None or statement.kind == "copula", statement


def test_a_reason_after_a_when_clause_is_the_clauses_own():
    # "why is `sha256 :no_check` used …?" / "Due to the upstream configuration" (brew)
    assert gsd.LANGUAGES["en"].cause("The value `:no_check` is used whenever checksumming is "
                                     "impractical due to the upstream configuration.") is None
    assert gsd.LANGUAGES["en"].cause("The method is deprecated because it leaks memory.")


def test_a_condition_on_what_you_do_is_asked():
    # "If you want to run all tests …, you can run …" made no pair: "you" counted as a pronoun
    # that points back (rustbook: 161 sections of five facts and more gave none)
    text = ("# Running Tests\nIf you want to run every ignored test, you can run "
            "`cargo test -- --ignored`.\n")
    asked = [d.question for d in drafts_of("fact_based", text)]
    assert [q.split('", ', 1)[1] for q in asked] == [
        "what can you do if you want to run every ignored test?"]
    split = gsd.LANGUAGES["en"].condition("If it fails, the rider must stop.")
    assert split is None or split.clause != "it fails"  # "it" still points back


@pytest.mark.parametrize("text, asked", [
    # rustbook's "Parameters": 15 facts, no pair; the phrase before the subject ended it
    ("In function signatures, you must declare the type of each parameter.",
     "what must you do in function signatures?"),
    ("By default, `deps` shows all required dependencies.", "what does `deps` show by default?"),
    ("In other words, `require()` should be preferred over `process.dlopen()`.",
     "what should be done with `require()`?"),  # a link to the text before, no scope
    ("No further events should be emitted after `'error'`.", None),
])
def test_a_phrase_before_the_subject_is_asked_at_the_end(text, asked):
    statement = gsd.LANGUAGES["en"].statement(text, "", lambda s: s[:1].lower() + s[1:])
    assert (statement and statement.question) == asked


@pytest.mark.parametrize("text, asked", [
    # legal's forks section: after "does not" any word is a verb, and a "when" is no exception
    ("GitHub does not conduct any independent investigation into forks.",
     "what does GitHub not conduct?"),
    ("GitHub will not disable forks when a user disables a parent repository.",
     "what will GitHub not do when a user disables a parent repository?"),
    ("You will not violate this if the law requires it.", None),  # an exception, no rule
    ("The socket does not necessarily close at once.", None),  # an adverb, no verb
])
def test_a_negative_rule_or_action_is_asked(text, asked):
    statement = gsd.LANGUAGES["en"].statement(text, "", lambda s: s)
    assert (statement and statement.question) == asked


@pytest.mark.parametrize("text, asked", [
    ("You will need to use a trait object for them.", "what will you need to do?"),
    ("You might end up accumulating several tags.", None),  # no act, what may befall you
    ("You will be able to authenticate with the acquired credentials.",
     "what will you be able to do?"),  # not "what will you do?" (FastAPI)
])
def test_what_you_will_need_to_do_is_asked_as_such(text, asked):
    statement = gsd.LANGUAGES["en"].statement(text, "", lambda s: s[:1].lower() + s[1:])
    assert (statement and statement.question) == asked


@pytest.mark.parametrize("answer, question_type, unseen", [
    ("You can instead give this unofficial plugin a try.", "fact_based", True),  # Pinia, Vue CLI
    ("You can read more about it in the advanced guide.", "fact_based", True),  # a pointer
    ("You will be able to see many of those processes running.", "fact_based", True),
    ("You can use the CLI option to trust those proxy headers.", "fact_based", True),
    # a word inside code names nothing (FastAPI, About HTTPS)
    ("You can use the option `--forwarded-allow-ips` to trust those forwarded headers.",
     "fact_based", True),
    ("You can use any name you like.", "application", True),  # Hugo's modules: a name for what?
    ("Undefined execution order of imports, see this comment.", "summarization", True),  # js.Batch
    ("It decodes a string into bytes, and encodes those bytes into text.", "fact_based", False),
    ("It takes a raw pointer and must trust that this pointer is valid.", "fact_based", False),
    ("You must accept this Agreement before you use it.", "fact_based", False),  # the document
])
def test_an_answer_pointing_at_what_the_reader_never_saw_is_not_asked(answer, question_type, unseen):
    docs, _ = corpus_of("# Getting Started\nPlugins are optional.\n")
    draft = gsd.Draft("what can you do if you use the Vue CLI?", answer, ("a", "b", "c"))
    assert gsd._askable(draft, docs[0].sections[0], question_type) is not unseen


def test_a_name_the_heading_uses_only_before_a_noun_is_no_topic():
    # "what does Rust require?" under "The Anatomy of a Rust Program" (round 44)
    text = ("# Hello, World!\n## The Anatomy of a Rust Program\nRust requires curly brackets around "
            "all function bodies.\n## Next\nPrograms written in Rust start at `main`.\n")
    assert not [d for d in drafts_under("fact_based", text, "The Anatomy of a Rust Program")
                if "rust require" in d.question.lower()]
    installing = parse("# Rust\n## Installing Rust\nThe installer downloads the whole toolchain.\n")
    assert gsd._in_headings("Rust", installing.sections[-1])  # the heading's own topic


def test_node_js_is_one_thing():
    assert gsd._en_pronoun("Node.js") == "It"  # "What will Node.js do?" / "They will …"


def test_a_likeness_with_an_exception_is_not_asked_whether_it_always_holds():
    # "is it always true that X is similar to Y?" / "No. …" denies the likeness (round 29)
    text = ("# Deprecated APIs\nA runtime deprecation for all code is similar to the runtime "
            "deprecation for non-`node_modules` code, except that it also emits a warning for code "
            "loaded from `node_modules`.\n")
    assert drafts_of("critical_analysis", text) == []


def test_a_how_to_does_not_name_the_command_that_answers_it():
    # "for `brew bundle edit`, how do you open your `Brewfile`?" -> `brew bundle edit` (round 29)
    text = ("# Bundle\n## `brew bundle edit`\nTo open your `Brewfile` in your text editor, run:\n\n"
            "```\n$ brew bundle edit\n```\n")
    drafts = drafts_under("technical_explanation", text, "`brew bundle edit`")
    assert drafts and not [d for d in drafts if "brew bundle edit" in d.question], drafts


def test_a_statement_of_the_listing_is_no_blank():
    text = ("# 解构结构体\n因为变量名匹配字段名是常见的，同时因为 `let Point { x: x, y: y } = p;` 包含了很多重复，"
            "所以对于匹配结构体字段的模式存在简写。\n")
    assert not [d for d in drafts_of("true_false_fill_blank", text) if d.answer.startswith("`let")]


def test_a_section_with_a_smiley_gets_no_summary():
    # "…他还提供了标准库的实现:) 如果大家想要学习，看标准库吧 :D" summed up an aside (round 29)
    text = ("# 双向链表\n作者没有写完这一篇，只提供了标准库的实现:) 如果大家想要学习，可以看看标准库的代码 :D。"
            "标准库的实现也需要一些辅助材料才能看懂。\n")
    assert drafts_of("section_summary", text) == []


def test_a_list_about_the_variables_of_an_unseen_listing_is_not_summarized():
    text = ("# 循环中的生命周期错误\n编译器报了三个错误，梳理一下原因如下：\n\n"
            "- `arr.len()`报错，原因是它借用了不可变引用\n- `&mut arr[i]`报错，因为上一次循环已经借用过\n"
            "- `tile`的生命周期跟`arr`不一致\n\n```\nfor i in 0..arr.len() { let tile = &mut arr[i]; }\n```\n")
    assert drafts_of("summarization", text) == []


def test_a_consequence_that_explains_the_listing_is_not_asked():
    # "为什么提示文本揭示了…？" / "因为 Rust 并不知道将要返回的引用是指向 `x` 或 `y`" (round 29)
    text = ("# 生命周期\n## 函数中的泛型生命周期\n提示文本揭示了返回值需要一个泛型生命周期参数，因为 Rust 并不知道将要"
            "返回的引用是指向 `x` 或 `y`。\n\n```\nfn longest(x: &str, y: &str) -> &str { x }\n```\n")
    docs, corpus = corpus_of(text)
    section = docs[0].sections[-1]
    assert not [d for d in gsd.gen_cause_effect(section, corpus)
                if gsd._askable(d, section, "cause_effect")]


def test_a_defined_term_leaves_its_list_label_and_quotes_behind():
    # 'what does "(c) “Processing" mean?' (round 30)
    text = ("# Data Protection Addendum\n(c) “Processing” means any operation performed on Personal "
            "Data, whether by manual or automatic means.\n")
    questions = [d.question for d in drafts_of("fact_based", text)]
    assert len(questions) == 1 and questions[0].endswith('what does "Processing" mean?'), questions


def test_a_table_whose_columns_share_one_name_is_not_asked():
    # "“Cargo”一行的“NN”一栏是什么？" (round 30): columns a question cannot tell apart
    text = "# 索引\n| NN | NN | NN |\n|---|---|---|\n| A | Attribute | Async |\n| C | Cargo | Closure |\n"
    assert drafts_of("factual_recall", text) == []
    assert not [d for d in drafts_of("true_false_fill_blank", text) if "NN" in d.question]


@pytest.mark.parametrize("text", [
    "# 避免不必要的组件抽象\n想象一下一个有 100 项的列表，每项的组件都包含许多子组件。\n",
    "# 使用 `for` 遍历集合\n数组中的 5 个元素全部都如期被打印出来。\n\n```\nlet a = [1, 2, 3, 4, 5];\n"
    "for x in a { println!(\"{x}\"); }\n```\n",
])
def test_an_amount_of_an_imagined_example_or_of_the_listing_is_not_asked(text):
    # "想象一下一个有 ___的列表" (100 项), "数组中的 10 个元素…" for the listing's 5 (round 30)
    assert not [d for d in drafts_of("true_false_fill_blank", text)
                if "___" in d.question and re.search(r"\d", d.answer) or re.search(r"\d+ 个元素", d.question)
                and d.verdict is not None]


def test_an_event_section_asks_no_hypothetical_its_frame_answers():
    # "for the `'session'` event, what happens when …?" / "The `'session'` event is emitted."
    text = ("# HTTP/2\n## Event: `'session'`\nThe `'session'` event is emitted when a new "
            "`Http2Session` is created by the `Http2Server`.\n")
    assert drafts_under("hypothetical", text, "Event: `'session'`") == []


def test_what_any_other_thing_does_is_not_asked():
    section = parse("# Post\nA post starts as a draft before it is reviewed.\n").sections[0]
    assert not gsd.self_contained('In "Post", what should any other changes attempted on a post have?',
                                  section)
    assert gsd.self_contained('True or false: GitHub does not accept any other means of recovery.',
                              section)


def test_a_list_that_ends_a_condition_is_not_summarized():
    # "If GitHub … determines … that a Listing or your Brand Features:" + what they do (round 30)
    text = ("# Takedowns\nIf GitHub is notified by you and determines, in its sole discretion, that a "
            "Listing or your Brand Features:\n\n- violate the terms of this Agreement\n- impact the "
            "integrity of GitHub servers\n- add undue risk to End Users\n\nGitHub may remove the Listing.\n")
    assert drafts_of("summarization", text) == []


def test_a_condition_without_a_subject_is_no_situation():
    # "suppose simply pulled from the stream as `Buffer` objects. What will …?" (round 31)
    text = ("# Stream\n## `readable.setEncoding(encoding)`\nThe `Readable` stream will properly handle "
            "multi-byte characters that would otherwise become improperly decoded if simply pulled "
            "from the stream as `Buffer` objects.\n")
    assert not [d for d in drafts_under("application", text, "`readable.setEncoding(encoding)`")
                if "simply pulled" in d.question]


def test_an_amount_in_the_subject_of_another_statement_is_not_asked():
    # "每几周发布一版的一个好处是下一班火车即将到来？" (round 31)
    assert drafts_of("factual_recall", "# 发布通道\n每 6 周发布一版的一个好处是下一班火车即将到来。\n") == []


def test_a_chinese_sentence_that_opens_on_they_does_not_stand_alone():
    section = parse("# 如何编写测试\n测试函数体通常执行三种操作。\n").sections[0]
    assert not gsd.self_contained("填空（《如何编写测试》）：将他们放进 src/lib.rs 并使用 ___ 宏编写一些测试。", section)
    assert gsd.self_contained("判断正误：根据《Vue》，用户应该导入他们需要的类型定义文件。", section)


def test_the_one_of_a_kind_a_heading_names_in_the_plural_points_back():
    # "what must the service do?" after "a new or recurring paid service", under "Services"
    text = ("# Expense Policy\n## Services and project property\nThe Lead Maintainers must approve a "
            "new or recurring paid service. The service must use a Homebrew-controlled account and "
            "payment method.\n")
    assert not [d for d in drafts_under("fact_based", text, "Services and project property")
                if "the service" in d.question]


def test_two_conditions_run_together_are_no_situation():
    # "suppose evidence shows that … or when the developer steers users …" (round 32)
    text = ("# Cask policy\n## Malware\nMaintainers must remove the cask if evidence shows that "
            "the application is malicious or when the developer steers users towards a malicious "
            "variant.\n")
    assert not [d for d in drafts_under("application", text, "Malware") if "or when" in d.question]


def test_a_chinese_question_is_not_scoped_by_a_heading_that_holds_its_answer():
    # "关于“特征对象的动态分发”，当使用特征对象时，Rust 必须怎么做？" / "必须使用动态分发" (round 32)
    text = "# 特征对象\n## 特征对象的动态分发\n当使用特征对象时，Rust 必须使用动态分发。\n"
    drafts = drafts_under("application", text, "特征对象的动态分发")
    assert drafts and not [d for d in drafts if "动态分发" in d.question], drafts


def test_the_chinese_authors_i_and_a_sentence_that_trails_off_are_not_asked():
    text = ("# 节约成本\n我可以很轻松的列出一个列表：C 语言。。。\n\n又有读者要问了，我还可以手动为变量标注 `'static` 啊。\n")
    assert [d for d in drafts_of("true_false_fill_blank", text)
            if gsd.self_contained(d.question, parse(text).sections[0])] == []


def test_a_chinese_heading_word_is_not_blanked_cut_short():
    # "___数不仅是为了复用" / "抽取组合式函" for 抽取组合式函数 (round 33)
    text = "# 组合式函数\n## 抽取组合式函数\n抽取组合式函数不仅是为了复用，也是为了代码组织。\n"
    assert not [d for d in drafts_under("true_false_fill_blank", text, "抽取组合式函数")
                if d.answer == "抽取组合式函"]


def test_the_writers_aim_is_no_how_to():
    # "如何帮助大家更直观的感受下应答格式第一行长什么样？" (round 33)
    assert gsd.LANGUAGES["zh"].goal("为了帮助大家更直观的感受下应答格式第一行长什么样，下面给出一个例子：") is None
    assert gsd.LANGUAGES["zh"].goal("要安装 Rust，请运行以下命令：") == "安装 Rust"


def test_a_why_of_a_clause_that_opens_on_an_adverb_is_not_asked():
    # "why will sometimes during testing a programmer use a type …?" (round 33)
    assert gsd.LANGUAGES["en"].why_question(
        "Sometimes during testing a programmer will use a type in place of another type", str) is None


def test_an_example_url_is_no_blank():
    text = ("# 安全\n如果用户控制的页面 `https://user-controlled-website.com/` 专门仿造了你应用的登录页，"
            "就有可能捕获用户的真实登录信息。\n")
    assert not [d for d in drafts_of("true_false_fill_blank", text) if "://" in d.answer]


def test_a_list_whose_items_hold_lists_is_not_summarized():
    # "`BROTLI_PARAM_MODE` `BROTLI_MODE_GENERIC` (default) `BROTLI_MODE_TEXT` …" (round 34)
    text = ("# Compressor options\nThe most important options are:\n\n- `MODE`\n  - `GENERIC` (default)\n"
            "  - `TEXT`, for UTF-8 text\n- `QUALITY` ranges from `MIN` to `MAX`\n- `SIZE_HINT` is the "
            "expected input size\n")
    assert drafts_of("summarization", text) == []


@pytest.mark.parametrize("question_type, text", [
    ("fact_based", "# 使用 Box\n## 堆上的数据\n留在栈上的则是指向堆数据的指针。\n"),
    ("fact_based", "# `brew livecheck`\n## `Git` strategy\nA `strategy` block for `Git` is a bit "
                   "different, as the block receives an array of tag strings.\n"),
    ("hypothetical", "# 错误处理\n## 匹配不同的错误\n当文件不能被打开，会打印出一个不同的错误信息。\n"),
])
def test_a_contrast_with_what_came_before_is_not_asked(question_type, text):
    # "什么是留在栈上的则？", "It is a bit different, as …", "会打印出一个不同的错误信息" (round 34)
    docs, corpus = corpus_of(text)
    section = docs[0].sections[-1]
    assert not [d for d in gsd.QUESTION_TYPES[question_type](section, corpus)
                if gsd._askable(d, section, question_type)]


def test_a_chinese_requirement_is_answered_without_the_subjects_adverb():
    # "对每一个引用有什么要求？" / "都必须有明确的生命周期" read as a fragment (rounds 34, 35)
    statement = gsd.LANGUAGES["zh"].statement("每一个引用都必须有明确的生命周期。", "", str.lower)
    assert statement and statement.answer == "必须有明确的生命周期。", statement


def test_what_one_thing_of_the_listing_means_is_no_definition():
    # 'what does "The assertion" mean?' (round 36)
    text = ("# Unsafe Rust\n## Safe abstractions\nThe assertion means that if we pass an index that is "
            "greater than the length, the function will panic before it uses that index.\n")
    assert not [d for d in drafts_under("fact_based", text, "Safe abstractions") if "mean?" in d.question]


def test_a_condition_with_its_exception_is_no_situation():
    # "what happens when the `'error'` event is emitted unless the `autoDestroy` option …?" (round 37)
    text = ("# Stream\n## Event: `'error'`\nWhen the `'error'` event is emitted unless the "
            "`autoDestroy` option was set to `false`, the stream is closed.\n")
    assert not [d for d in drafts_under("hypothetical", text, "Event: `'error'`") if "unless" in d.question]


def test_a_chinese_boast_is_no_statement_to_judge():
    # "判断正误：…连续 8 年最受欢迎的语言当然不是浪得虚名" (round 37)
    text = "# Rust 发展历程\n## 总结\n连续 8 年最受欢迎的语言当然不是浪得虚名。\n"
    assert drafts_under("true_false_fill_blank", text, "总结") == []


def test_a_year_is_no_amount_to_blank():
    # "Rust 1.58（___ 1 月 13 日发布）" (2022 年) is trivia the step called "数量" (round 27)
    text = "# 入门\n## 安装\n本书的版本假定你使用 Rust 1.58（2022 年 1 月 13 日发布）或更高版本。\n"
    assert not [d for d in drafts_of("true_false_fill_blank", text) if d.answer == "2022 年"]


@pytest.mark.parametrize("text", [
    "# 稳定性\n作为一个语言，Rust **十分** 注重代码的稳定性，升级版本不会破坏现有的代码。\n",  # stress
    "# 借用\n通过 **引用** 访问数据时不会转移所有权。第 15 章会更深入的讨论解引用强制转换的细节。\n",
])
def test_a_stressed_word_or_the_same_word_elsewhere_is_not_blanked(text):
    # "Rust ___注重代码的稳定性" (十分) blanks an adverb; "解___强制转换" (引用) blanks the
    # bold word where it is part of another word
    assert not [d for d in drafts_of("true_false_fill_blank", text)
                if "解___" in d.question or d.answer == "十分"]


def test_a_first_step_is_no_answer_to_the_whole_how():
    text = ("# 依赖覆盖\n为了修复 `uuid` 的问题，首先需要将 `uuid` 的源码克隆到本地，如下所示：\n\n```\ngit clone "
            "https://example.com/uuid\n```\n")
    assert drafts_of("technical_explanation", text) == []


def test_a_repeated_lead_in_is_asked_with_its_section():
    text = ("# Tiers\n## Tier 2\nThe following conditions typically apply:\n\n- builds may fail\n"
            "- tests may be skipped\n- support is best effort\n")
    questions = [d.question for d in drafts_under("summarization", text, "Tier 2")]
    assert questions and all('"Tier 2"' in q for q in questions)


def test_a_list_of_labels_is_not_summed_up_without_its_lead_in():
    text = "# 注入 HTML\n在你知道 HTML 安全的情况下，你还是可以显式地渲染 HTML 内容。\n\n- 使用模板\n- 使用渲染函数\n- 使用 JSX\n"
    assert drafts_of("summarization", text) == []


def test_a_situation_built_on_a_listings_variable_is_not_asked():
    text = ("# Using `?` with `Option`\nIf `text` is not the empty string, `next` will return the "
            "first line.\n\n```rust\nfn last_char(text: &str) -> Option<char> {\n    text.lines()."
            "next()?.chars().last()\n}\n```\n")
    docs, corpus = corpus_of(text)
    pairs = gsd._chosen(docs[0].sections[0], "hypothetical", 5, corpus, 1, set())
    assert pairs == []
    assert gsd._leans_on_listing("what happens if `text` is not the empty string?", docs[0].sections[0])


# --- the shapes blind readers marked wrong (grading round 9, two samples) ----------


def test_an_api_argument_is_asked_by_its_type_or_default():
    text = ("# `fs.readFile(path[, options], callback)`\n- `path` {string|Buffer|URL} filename\n"
            "- `options` {Object}\n  - `encoding` {string|null} **Default:** `null`\n"
            "- `callback` {Function}\n")
    asked = {re.sub(r"^.*?, (?=what)", "", d.question): d.answer for d in drafts_of("fact_based", text)}
    assert asked.get("what type is the `path` argument of `fs.readFile()`?") == \
        "`string`, `Buffer` or `URL`.", asked
    assert asked.get("what is the default of `encoding` in the `options` argument of "
                     "`fs.readFile()`?") == "`null`.", asked
    assert not [q for q in asked if "`callback`" in q]  # "a `Function`" teaches nothing


def test_a_property_item_is_no_argument():
    text = "# `fs.stat(path)`\n- `mode` {integer} the file mode\n"
    assert not [d for d in drafts_of("fact_based", text) if "`mode`" in d.question]


def test_a_question_never_cuts_a_code_span_open():
    draft = gsd.Draft("why will the info message be `<cask> is deprecated?", "Because.", ("a", "b", "c"))
    docs, _ = corpus_of("# Casks\nA cask may be deprecated.\n")
    assert not gsd._askable(draft, docs[0].sections[0], "cause_effect")


def test_a_rhetorical_question_is_no_fact():
    texts = fact_texts("# Futures\nWhat should we do when the future is still `Pending`? "
                      "The runtime polls it again later.\n")
    assert texts == ["The runtime polls it again later."]


def test_a_condition_cut_inside_a_list_of_values_is_no_event():
    text = "# Matching ranges\nIf the number is `1`, `2`, `3`, `4`, or `5`, the first arm will match.\n"
    assert drafts_of("hypothetical", text) == []


def test_code_the_document_marks_wrong_is_no_answer():
    text = ("# 同时看书和听歌\n要同时看书和听歌，可以这样写：\n\n```rust\n// WRONG -- 别这么做\nread_book().await;"
            "\nlisten().await;\n```\n")
    assert drafts_of("technical_explanation", text) == []


def test_a_chinese_verb_followed_by_hou_takes_no_object():
    assert drafts_of("fact_based", "# 预渲染\n预渲染的页面生成后作为静态 HTML 文件被服务器托管。\n") == []


def test_an_option_description_is_no_instruction():
    text = "# `info` [`options`]\nIf `--json` is passed, print a JSON representation of the formula.\n"
    docs, corpus = corpus_of(text)
    assert not [d for d in gsd.gen_application(docs[0].sections[-1], corpus)
                if "What should you do" in d.question]


def test_an_instruction_with_so_that_is_no_reason():
    text = "# Writing the API\nWrite the API of the code so that it is structured the way you want to call it.\n"
    assert drafts_of("cause_effect", text) == []


def test_a_consequence_whose_subject_the_question_never_names_is_not_asked():
    text = "# Futures and async\nOnce the future completes, `block_on` returns the value it produced.\n"
    assert drafts_of("hypothetical", text) == []


def test_except_inside_a_phrase_is_no_exception():
    text = ("# `writable.destroy()`\nOnce `destroy()` has been called any further calls will be a "
            "no-op and no further errors except from `_destroy()` may be emitted.\n")
    assert drafts_of("critical_analysis", text) == []


@pytest.mark.parametrize("text", [
    "# 原子类型\n毕竟正确的值是`3`，因为两个线程各加了一次。",  # filler 毕竟
    "# 性能\n作者足足花了 4 个小时，才找到这个问题。",
])
def test_chinese_filler_and_author_anecdotes_are_not_asked(text):
    assert drafts_of("cause_effect", f"{text}\n") == [] and drafts_of("factual_recall", f"{text}\n") == []


def test_a_chinese_chapter_number_is_no_amount_and_hours_keep_their_unit():
    zh = gsd.LANGUAGES["zh"]
    assert zh.quantity("本书在第 12 章构建了一个命令行工具。", str.lower) is None
    found = zh.quantity("这次构建大约需要 4 个小时才能完成。", str.lower)
    assert found is None or found[0] == "4 个小时"


def test_a_list_item_keeps_no_trailing_conjunction():
    text = "# Platforms\nBottles are built for these platforms:\n\n- Apple Silicon,\n- Intel, and\n- Linux\n"
    drafts = drafts_of("summarization", text)
    assert drafts and drafts[0].answer == "Bottles are built for these platforms: Apple Silicon; Intel; Linux."


@pytest.mark.parametrize("text", [
    "Consider the program in Listing 4-8 that uses the `first_word` function.",
    "Then the loop calls `break` to stop.",
    "接着你的代码可以有处理 `Some` 或 `None` 的逻辑。",
])
def test_sentences_that_lean_on_a_listing_or_on_what_came_before_are_no_facts(text):
    assert fact_texts(f"# Loops\n{text}\n") == []


# --- the shapes blind readers marked wrong (grading round 10, two samples) ---------


def test_a_list_item_joined_to_its_lead_in_is_no_sentence_fact():
    text = ("# Forks\nA new package cannot replace a project with a fork unless it meets one of "
            "these conditions:\n\n- The original author has named the fork as the successor.\n"
            "- Two other major distributions use the fork instead.\n")
    texts = fact_texts(text)
    assert not [t for t in texts if "conditions:" in t]
    assert drafts_of("critical_analysis", text) == []


def test_so_that_after_is_says_how_not_why():
    text = ("# Reference cycles\nAnother solution for avoiding cycles is reorganizing your data "
            "structures so that some references express ownership.\n")
    assert drafts_of("cause_effect", text) == []


def test_what_is_no_subject():
    assert drafts_of("fact_based", "# Methods\nWhat should be highlighted is the `&self` receiver.\n") == []


@pytest.mark.parametrize("text", [
    "# 函数\n函数中需要先声明参数的类型。",  # a place, not a subject
    "# 依赖\n一个依赖可以提供多个特性。",  # 一个 is an article
])
def test_chinese_places_and_articles_are_no_subjects(text):
    assert drafts_of("fact_based", f"{text}\n") == []


def test_the_shi_of_danshi_is_not_negated():
    assert gsd.LANGUAGES["zh"].falsified("但是你应该先阅读这一章的内容。") is None


def test_a_blank_never_takes_the_word_the_title_shows():
    docs, corpus = corpus_of("# 哈希 map 储存键值对\n哈希 map 可以用任何类型作为键来查找数据，而不是用索引。\n")
    drafts = [d for d in gsd.gen_true_false_fill_blank(docs[0].sections[0], corpus) if d.key]
    assert all(d.answer not in "哈希 map 储存键值对" for d in drafts), [d.answer for d in drafts]


def test_a_blank_of_a_listing_name_is_not_asked():
    text = ("# 处理错误\n函数体以 `File::open` 函数开头，并处理它返回的结果。\n\n```rust\nlet f = File::open"
            "(\"hello.txt\");\n```\n")
    docs, _ = corpus_of(text)
    draft = gsd.Draft("填空（《处理错误》）：函数体以 ___ 函数开头。", "`File::open`", ("a", "b", "c"),
                      key=("`File::open`",))
    assert not gsd._askable(draft, docs[0].sections[0], "true_false_fill_blank")


def test_labels_of_code_blocks_are_no_list_to_sum_up():
    text = ("# 注入 HTML\n渲染 HTML 内容有几种方式\n\n- 使用模板里的指令\n- 使用渲染函数的属性\n- 以 JSX 形式"
            "使用渲染函数\n\n```\nA\n```\n\n```\nB\n```\n\n```\nC\n```\n")
    assert drafts_of("summarization", text) == []


def test_an_evaluation_is_no_event():
    assert drafts_of("hypothetical", "# 结构体字段\n如果结构体有更多字段，重复每个名称就更加烦人了。\n") == []


def test_a_chinese_amount_outside_the_first_clause_is_not_asked():
    assert gsd.LANGUAGES["zh"].quantity("在一些语言和测试框架中，断言两个值相等的函数的参数叫做 "
                                        "`expected` 和 `actual`。", str.lower) is None


# --- the shapes blind readers marked wrong (grading round 11, two samples) ---------


def test_an_included_listing_counts_as_unseen_code():
    text = ("# Where the `?` operator can be used\nIf `text` is not the empty string, `next` will "
            "return the first line.\n\n```rust\n{{#rustdoc_include ../listings/ch09/main.rs}}\n```\n")
    docs, _ = corpus_of(text)
    assert gsd._leans_on_listing("what happens if `text` is not the empty string?", docs[0].sections[0])


def test_a_periphrastic_rule_makes_a_grammatical_why_question():
    english = gsd.LANGUAGES["en"]
    assert english.why_question("the return type of the function has to be a `Result`", str.lower) == \
        "why does the return type of the function have to be a `Result`?"


@pytest.mark.parametrize("text", [
    "# 借用规则\n借用检查器会保证以上规则在编译期被遵守。",  # 检查 inside 检查器 is no verb
    "# 析构函数\n析构函数 对应创建实例的构造函数。",  # a subject with a verb in it
])
def test_chinese_nouns_are_not_split_into_a_verb(text):
    assert drafts_of("fact_based", f"{text}\n") == []


def test_a_numbered_clause_is_no_value_to_change():
    text = "# 3. Restrictions\n3.3 Developer will not engage in any activity that violates the Terms of Service.\n"
    assert not [d for d in drafts_of("true_false_fill_blank", text) if not d.key]


def test_a_question_heading_that_points_elsewhere_is_no_pair():
    text = "# 简介\nVue 是一个框架。\n## 还有其他问题？\n请查看我们的 FAQ 页面来寻找答案。\n"
    assert drafts_under("fact_based", text, "还有其他问题？") == []


def test_no_amount_is_asked_of_a_how_sentence():
    assert gsd.LANGUAGES["zh"].quantity("侦听器是如何两次使用 `todoId` 的？", str.lower) is None


def test_an_error_case_is_not_what_a_call_does():
    docs, corpus = corpus_of("# Buffer\n## `buf.swap32()`\nThrows `ERR_INVALID_BUFFER_SIZE` if "
                             "`buf.length` is not a multiple of 4.\n## `buf.length`\nReturns the "
                             "number of bytes in `buf`.\n")
    assert gsd.gen_multi_hop_reasoning(docs[0].sections[0], corpus) == []


def test_an_answer_with_a_bare_these_is_not_asked():
    docs, _ = corpus_of("# Closures\nClosures capture values.\n")
    draft = gsd.Draft("what will the closure do?", "It will decide which of these to use.", ("a", "b", "c"))
    assert not gsd._askable(draft, docs[0].sections[0], "fact_based")


def test_a_yes_no_cell_is_no_recall_answer():
    text = "# Requirements\n| Key | macOS | Linux |\n|---|---|---|\n| `require_root` | Yes | No |\n"
    assert drafts_of("factual_recall", text) == []


def test_a_teaser_is_no_summary():
    assert drafts_of("section_summary", "# 谁会使用 Rust\nRust 适合很多不同背景的开发者。让我们看下几个最重要的群体。\n") == []


def test_a_chinese_definition_must_come_from_the_section_about_it():
    text = "# 异步原理\n## Notify\n`Waker` 是 Rust 异步编程的基石。\n"
    assert not [d for d in drafts_under("fact_based", text, "Notify") if "Waker" in d.question]


@pytest.mark.parametrize("text", [
    "# Refutability\nRust allows us to use an irrefutable pattern in a `match` with one arm.",
    "# Terms\nUpon Customer’s request for Professional Services, GitHub will provide an SOW.",
    "# Symbols\nTable B-9 shows the contexts in which curly brackets are used.",
    "# Cleanup helpers\n`remove` ignores missing paths and may additionally be restricted further.",
])
def test_fact_based_skips_objects_starting_at_a_pronoun_prepositional_subjects_and_tables(text):
    assert drafts_of("fact_based", f"{text}\n") == []


def test_an_answer_telling_the_tutorials_story_is_not_asked():
    docs, _ = corpus_of("# Enums\nThe `<T>` syntax is a feature.\n")
    draft = gsd.Draft("what is the `<T>` syntax?", "It is a feature of Rust we haven’t talked about yet.",
                      ("a", "b", "c"))
    assert not gsd._askable(draft, docs[0].sections[0], "fact_based")
    assert gsd._askable(draft, docs[0].sections[0], "section_summary")


def test_a_preface_to_subsections_is_no_summary():
    text = ("# Performance\n## Page load\nPage load time is important for every visitor of a site. "
            "Three techniques can reduce the load time.\n### Bundle size\nShip less code to the browser.\n")
    assert drafts_under("section_summary", text, "Page load") == []


def test_an_answer_pointing_at_this_code_is_not_asked():
    docs, _ = corpus_of("# Results\nThe function returns a `Result`.\n")
    draft = gsd.Draft("why does `parse()` return a `Result`?", "So that it is compatible with this `return`.",
                      ("a", "b", "c"))
    assert not gsd._askable(draft, docs[0].sections[0], "cause_effect")


# --- the shapes blind readers marked wrong (grading round 13, two samples) ---------


def test_an_overloaded_api_name_gets_no_entity_question():
    text = ("# Buffer\n## Static method: `Buffer.from(buffer)`\nCopies the passed buffer data onto a "
            "new `Buffer` instance.\n## Static method: `Buffer.from(arrayBuffer)`\nCreates a view of "
            "the `ArrayBuffer` without copying the underlying memory.\n")
    docs, corpus = corpus_of(text)
    assert corpus.overloaded(docs[0].sections[0])
    assert not [d for d in gsd.gen_fact_based(docs[0].sections[0], corpus) if "`Buffer.from()`" in d.question]


def test_what_a_named_subject_does_is_asked_only_where_the_headings_name_it():
    assert drafts_of("fact_based", "# Data Types\nRust has two primitive compound types.\n") == []
    assert drafts_under("fact_based", "# Collections\n## Vectors\nVectors can store many values "
                        "next to each other in memory.\n", "Vectors")


def test_a_chinese_rule_stated_in_passing_is_not_asked():
    text = "# 可选依赖\n启用一个 feature 应该遵循 SemVer 的规则。\n"
    assert drafts_of("fact_based", text) == []


def test_a_table_token_keeps_its_case_and_a_cell_that_repeats_its_row_is_not_asked():
    text = ("# Cask tokens\n| App name | Token |\n|---|---|\n| Audio Hijack Pro | audio-hijack-pro |\n"
            "| `opt_include` | `#{opt_prefix}/include` |\n")
    answers = [d.answer for d in drafts_of("factual_recall", text)]
    assert "audio-hijack-pro" in answers and not [a for a in answers if "opt_prefix" in a]


def test_ru_shang_points_at_unseen_text():
    docs, _ = corpus_of("# 特征约束\n特征约束是一种写法。\n")
    assert not gsd.self_contained("填空：真正的完整书写形式如上所述，形如 ___ 被称为特征约束", docs[0].sections[0])


def test_using_a_crate_in_a_project_is_too_broad_a_goal():
    assert gsd.LANGUAGES["zh"].goal("为了在项目中使用 `rand`，需要修改 Cargo.toml 文件：") is None


# --- the shapes blind readers marked wrong (grading round 14, two samples) ---------


@pytest.mark.parametrize("question", [
    "what happens if attempts to do so are made?",
    "suppose its choices work for you. What should you do?",
    "suppose the checksum still differs. What should you do?",
])
def test_do_so_its_and_still_point_at_unseen_text(question):
    docs, _ = corpus_of("# Checksums\nA checksum is verified.\n")
    assert not gsd.self_contained(question, docs[0].sections[0])


@pytest.mark.parametrize("text", [
    "# Nulls\nNull is a value that means there is no value there.",
    "# Formula options\nIf no option is given, the default means the stable version is built.",
    "# The DMCA framework\nThe DMCA framework is a bit like passing notes in class.",
])
def test_definitions_need_a_term_and_a_copula_a_literal_complement(text):
    for draft in drafts_of("fact_based", f"{text}\n"):
        assert not re.search(r'"(?:Null is|If no)|a bit like', f"{draft.question} {draft.answer}"), draft


def test_a_chunk_of_a_long_section_gets_no_summary():
    long = " ".join(f"Derived trait number {n} adds behaviour to a struct." for n in range(60))
    docs, corpus = corpus_of(f"# Derived traits\n{long}\n\nThe derive attribute is short. It is easy to use.\n")
    chunks = [s for s in docs[0].sections if s.heading == "Derived traits"]
    if len(chunks) > 1:  # the budget cut the section
        assert all(gsd.gen_section_summary(s, corpus) == [] for s in chunks)
    assert gsd._a_chunk(chunks[0], corpus) == (len(chunks) > 1)


def test_a_rhetorical_chinese_heading_is_no_question():
    docs, _ = corpus_of("# unsafe 简介\n## 谈虎色变？\n很多人一听到 unsafe 就害怕。\n")
    section = next(s for s in docs[0].sections if s.heading == "谈虎色变？")
    assert gsd._question_heading(section, gsd.LANGUAGES["zh"]) == []


def test_printed_output_is_no_code_answer():
    text = "# try_lock\n要演示 `try_lock` 的作用，运行后的输出如下：\n\n```\nlocked\n```\n"
    assert drafts_of("technical_explanation", text) == []


def test_a_link_label_of_nested_items_is_kept():
    doc = gsd.parse_document("# POUR\n- [Perceivable](https://example.com/p)\n  - Users can perceive "
                             "the content.\n- [Operable](https://example.com/o)\n  - Controls can be "
                             "operated.\n", "p.md", 1500)
    items = doc.sections[0].lists[0].items
    assert items[0].startswith("Perceivable") and "Users can perceive" in items[0]


# --- grading round 15 ----------------------------------------------------------------------


@pytest.mark.parametrize("text, qualified", [
    ("The return value can be discarded for top level tests. However, the return value from "
     "subtests should be used to keep the parent test running.", "The return value can be"),
    ("Homebrew looks up the formula in the core tap. If not, it searches every other tap you "
     "have added.", "Homebrew looks up"),
    ("在可能的时候都将显示默认插槽中的节点。否则将显示后备插槽中的节点。", "在可能的时候"),
])
def test_a_sentence_the_next_one_qualifies_is_no_fact_on_its_own(text, qualified):
    texts = fact_texts(f"# Slots\n{text}\n\nThe tap list lives in `Taps.md`. 插槽由父组件提供。\n")
    assert texts and not [t for t in texts if t.startswith(qualified)]


@pytest.mark.parametrize("heading, table", [
    ("Non-operator symbols", "| Context | Explanation |\n|---|---|\n| `{...}` | Block expression |\n"
                             "| `Type {...}` | Struct literal |\n"),  # a lookup table
    ("Cask token examples", "| Token | Channel | Cask |\n|---|---|---|\n| `vlc` | nightly | "
                            "`vlc@nightly` |\n| `firefox` | beta | `firefox@beta` |\n"),
    ("async 和线程的对比", "| 操作 | async | 线程 |\n|---|---|---|\n| 创建 | 0.3 微秒 | 17 微秒 |\n"
                          "| 切换 | 0.2 微秒 | 1.7 微秒 |\n"),  # the columns are compared, not the rows
])
def test_rows_of_a_lookup_or_example_table_are_not_compared(heading, table):
    assert drafts_of("comparative_analysis", f"# {heading}\n{table}") == []


@pytest.mark.parametrize("text", [
    "闭包不要求像 `fn` 函数那样标注参数和返回值的类型。",  # 不要求: does not require
    "借用检查器不得不拒绝这段看似正确的代码。",  # 不得不: has to
])
def test_a_longer_chinese_word_is_not_read_as_a_prohibition(text):
    docs, corpus = corpus_of(f"# 闭包\n{text}\n")
    statement = gsd.LANGUAGES["zh"].statement(text, "", corpus.lower(docs[0].sections[0]))
    assert not (statement and statement.rule and statement.rule.modal in ("不要", "不得"))


@pytest.mark.parametrize("text, leaning", [
    ("Rust reads the `edition` key in `Cargo.toml`. If the key doesn't exist, Rust uses 2015 as "
     "the edition.", "If the key"),
    ("Log TLS key material to a file. The material is in NSS format and can decrypt traffic.",
     "The material"),
    ("Homebrew provides helpers for Cargo and CMake. Pass the helper directly to the build "
     "command, because defaults change.", "Pass the helper"),
    ("A pull request needs one approval from a maintainer.\n\nThe prior approval may be on a pull "
     "request from a fork, because it only shows review activity.", "The prior approval"),
    ("The method creates a new `PerformanceMeasure` entry in the timeline. When the observation "
     "is performed, the entries should be cleared manually.", "When the observation"),  # entr-ies/y
])
def test_a_sentence_opening_on_a_noun_the_one_before_introduced_is_no_fact(text, leaning):
    texts = fact_texts(f"# Settings\n{text}\n\nThe settings file is read at start-up.\n")
    assert texts and not [t for t in texts if t.startswith(leaning)]


def test_a_noun_the_headings_name_is_no_reference_back():
    texts = fact_texts("# Lamp care\nThe UV-2 has two lamps. The lamp must cool for 10 "
                      "minutes before you touch it.\n")
    assert [t for t in texts if t.startswith("The lamp must")]


def test_an_api_is_not_explained_by_what_it_returns():
    sections = "".join(f"## `napi_get_value_{n}`\nReturns `napi_ok` if the API succeeded. If a "
                       f"non-`{n}` value is passed in it returns `napi_{n}_expected`.\n\n"
                       for n in ("string", "bool", "double"))
    docs, corpus = corpus_of(f"# Node-API\n{sections}")
    assert not [d for s in docs[0].sections for d in gsd.gen_technical_explanation(s, corpus)
                if "what is" in d.question]


def test_a_question_heading_is_not_answered_by_one_of_its_sentences():
    text = ("# 组合式 API 常见问答\n## 什么是组合式 API？\n组合式 API 是 Vue 3 的内置功能。它让我们"
            "用函数而不是声明选项的方式书写组件。它包括响应式 API、生命周期钩子和依赖注入。\n")
    docs, corpus = corpus_of(text)
    drafts = [d for d in gsd.gen_fact_based(docs[0].sections[-1], corpus) if "什么是" in d.question]
    assert drafts and all("用函数" in d.answer for d in drafts)  # the whole body, not one sentence


@pytest.mark.parametrize("lead_in", [
    "为了更清楚的理解 `let` 的模式匹配方面的内容，考虑示例 18-4 中使用 `let` 和模式解构一个元组：",
    "To understand how `let` destructures a tuple, look at the following code:",
])
def test_a_listing_to_study_is_no_answer_to_how(lead_in):
    text = f"# `let` 语句\n{lead_in}\n\n```rust\nlet (x, y, z) = (1, 2, 3);\n```\n"
    assert drafts_of("technical_explanation", text) == []


@pytest.mark.parametrize("lead_in", [
    "上面代码，有几个非常重要的点：",
    "In the code above, note three things:",
    "The example above does three things:",
])
def test_a_list_about_the_code_above_is_not_summarized(lead_in):
    text = (f"# Trait objects\n```rust\nfn draw1(x: Box<dyn Draw>) {{}}\n```\n\n{lead_in}\n\n"
            "- `draw1` takes a boxed trait object built with `Box::new(x)`\n"
            "- `draw2` takes a reference to a trait object built with `&x`\n"
            "- `dyn` marks the trait object type in both signatures\n")
    assert drafts_of("summarization", text) == []


def test_a_code_subject_is_it_even_when_its_name_is_a_person_word():
    assert gsd._en_pronoun("`operator`") == "It"
    assert gsd._en_pronoun("the operator") == "They"  # a person: the bylaw's scooter operator


def test_reasoning_never_says_the_question_is_about_you():
    docs, corpus = corpus_of("# Testing\nYou can run a subset of tests by passing a name.\n")
    lang = gsd.LANGUAGES["en"]
    steps = lang.steps(docs[0].sections[0], "you", "You can run a subset of tests.", "why")
    assert not steps[0].startswith("The question is about you")
    assert steps[0].startswith("The answer is in")


def test_is_it_always_true_has_a_dummy_it_but_other_its_point_back():
    docs, _ = corpus_of("# Sidewalks\nRiding on sidewalks is prohibited.\n")
    section = docs[0].sections[0]
    assert gsd.self_contained("Is it always true that riding on sidewalks is prohibited?", section)
    assert not gsd.self_contained("Why is it prohibited?", section)


def test_a_chinese_definition_of_a_name_in_code_is_asked_whole():
    text = ("# TransitionGroup\n`<TransitionGroup>` 是一个内置组件，用于对 `v-for` 列表中的元素的插入和"
            "移除添加动画效果。\n")
    drafts = drafts_of("fact_based", text)
    assert [d.question.split("，", 1)[-1] for d in drafts] == ["什么是`<TransitionGroup>`？"]
    assert drafts[0].answer.endswith("添加动画效果。")  # not cut at "，用于"


@pytest.mark.parametrize("text", [
    "区别在于两个类型对内存的处理上。",  # "the two types", already counted
    "除了默认的四种 profile，我们还可以定义自己的。",
    "数组中的所有五个元素都如期被打印出来。",
])
def test_a_chinese_amount_that_names_counted_things_is_no_count_question(text):
    assert drafts_of("factual_recall", f"# 所有权\n{text}\n") == []


def test_a_chinese_amount_a_verb_gives_is_asked():
    drafts = drafts_of("factual_recall", "# provide\n`provide()` 函数接收两个参数。\n")
    assert [d.question.split("，", 1)[-1] for d in drafts] == ["`provide()` 函数接收几个参数？"]


# --- grading round 16 ----------------------------------------------------------------------


def test_when_to_after_a_verb_of_telling_is_no_condition():
    text = ("# Repeating code with `loop`\nYou can place the `break` keyword within the loop to "
            "tell the program when to stop executing the loop.\n")
    assert drafts_of("application", text) == [] and drafts_of("hypothetical", text) == []


def test_a_noun_phrase_opening_is_no_instruction_to_the_reader():
    text = ("# Diagnostic report\n## Usage\nWhen a report is written, start and end messages are issued to stderr and "
            "the filename of the report is returned to the caller.\n")
    docs, corpus = corpus_of(text)
    assert not [d for d in gsd.gen_application(docs[0].sections[-1], corpus)
                if "What should you do" in d.question]


def test_a_plural_noun_that_looks_like_a_verb_describes_no_api():
    text = ("# brew(1)\n## `services` [`subcommand`]\nChanges take effect on the next "
            "`brew services restart` and persist across upgrades.\n")
    docs, corpus = corpus_of(text)
    assert not [d for d in gsd.gen_fact_based(docs[0].sections[-1], corpus)
                if d.answer.startswith("It changes")]


def test_a_question_cut_inside_brackets_is_not_asked():
    text = ("# Detecting support\nTo verify that ICU is enabled at all (`system-icu`, `small-icu`, "
            "or `full-icu`), simply checking the existence of `Intl` should suffice:\n\n"
            "```js\nconst hasICU = typeof Intl === 'object';\n```\n")
    docs, corpus = corpus_of(text)
    section = docs[0].sections[0]
    drafts = gsd.gen_technical_explanation(section, corpus)
    assert not [d for d in drafts if gsd._askable(d, section, "technical_explanation")]


def test_a_blank_of_a_borrowed_listing_variable_is_not_asked():
    text = ("# Concatenating with `+`\n```rust\nlet s3 = s1 + &s2;\n```\n\nThe type of `&s2` is "
            "`&String`, not `&str`, as the second parameter to `add` specifies.\n")
    docs, corpus = corpus_of(text)
    section = docs[0].sections[0]
    assert not [d for d in gsd.gen_true_false_fill_blank(section, corpus)
                if d.key and "`&s2`" in d.answer and gsd._askable(d, section, "true_false_fill_blank")]


@pytest.mark.parametrize("lead_in, asked", [
    ("The following groups are supported:", "which groups are supported?"),
    ("When enabled, the following permissions are restricted:",
     "when enabled, which permissions are restricted?"),
    ("The value may be one of:", "what may the value be?"),
    ("There are three release channels for Rust:", "what are the three release channels for Rust?"),
    ("有害状态大概分为：", "有害状态大概分为哪些？"),
    ("The resolver can throw the following errors:", "which errors can the resolver throw?"),
    ("The default resolver has the following properties:",
     "which properties does the default resolver have?"),
    ("Some examples of GitHub products are:", "what are some examples of GitHub products?"),
    ("An approved group budget may include:", "what may an approved group budget include?"),
    ("The established standard for group names is:", "what is the established standard for group names?"),
    ("Some common groups that OpenSSL comes with:", "what are some common groups that OpenSSL comes with?"),
    ("GitHub now also requires its suppliers to:", "what does GitHub require its suppliers to do?"),
])
def test_a_list_lead_in_that_says_what_it_lists_is_asked_as_a_question(lead_in, asked):
    text = f"# Groups\n{lead_in}\n\n- `modp14` of 2048 bits\n- `modp15` of 3072 bits\n- `modp16` of 4096 bits\n"
    drafts = drafts_of("summarization", text)
    assert drafts and drafts[0].question.endswith(asked), drafts


def test_a_footnote_mark_is_no_part_of_the_text():
    docs, _ = corpus_of("# Algorithms\nThe `'X448'` algorithm[^1] is experimental.\n")
    assert [f.text for f in docs[0].sections[0].facts] == ["The `'X448'` algorithm is experimental."]


def test_a_placeholder_cell_is_no_value_of_a_true_false_statement():
    table = ("| Method | Default | Description |\n|---|---|---|\n| `require_root` | - | Whether "
             "root is needed |\n| `keep_alive` | `false` | Whether to restart |\n")
    drafts = drafts_of("true_false_fill_blank", f"# Service block methods\n{table}")
    assert not [d for d in drafts if re.search(r'of -|"-"', d.question + " ".join(d.steps))]


def test_a_code_fragment_with_an_open_brace_is_no_answer():
    text = ("# 在函数定义中使用泛型\n为了定义泛型版本的 `largest` 函数，类型参数声明位于函数名称与参数列表"
            "中间的尖括号 `<>` 中，像这样：\n\n```rust\nfn largest<T>(list: &[T]) -> T {\n```\n")
    assert drafts_of("technical_explanation", text) == []


def test_two_types_never_give_one_section_the_same_answer_twice():
    text = ("# Suspension\nIf Partner cures the non-compliance within 15 days, GitHub shall "
            "reinstate Partner's participation.\n")
    docs, corpus = corpus_of(text)
    section, taken = docs[0].sections[0], set()
    asked = gsd._chosen(section, "fact_based", 1, corpus, 1, taken)
    assert asked and asked[0].answer == "It shall reinstate Partner's participation."
    assert gsd._chosen(section, "application", 1, corpus, 1, set())  # asked alone, it is asked
    assert gsd._chosen(section, "application", 1, corpus, 1, taken) == []


def test_a_true_false_statement_reads_on_from_its_frame():
    docs, corpus = corpus_of("# Buffer\nThe `Buffer` class is a subclass of the `Uint8Array` class.\n"
                             "Homebrew must not run as root.\n")
    section, lang = docs[0].sections[0], gsd.LANGUAGES["en"]
    questions = [gsd._statement(section, f.text, lang, truth).question
                 for f in section.facts for truth in (True, False) if gsd._statement(section, f.text, lang, truth)]
    assert questions and all(", The " not in q for q in questions)
    assert any(', the `Buffer` class' in q for q in questions)
    assert all(", Homebrew" in q for q in questions if "Homebrew" in q)  # a name keeps its capital


@pytest.mark.parametrize("text", [
    "The `Buffer` class is a subclass of the `Uint8Array` class and extends it with methods.",
    "Care must also be taken that such methods be very efficient.",
])
def test_a_negation_that_would_reach_only_half_the_sentence_is_not_made(text):
    assert gsd.LANGUAGES["en"].falsified(text) is None


@pytest.mark.parametrize("text", [
    "Vue 是一个框架，也是一个生态。",  # "Vue 不是一个框架，也是一个生态" (Vue guide)
    "FastAPI 是一个开源的框架，并基于标准。",  # FastAPI docs: "FastAPI 不是开源的，并基于标准"
    "响应性语法糖曾经是一个实验性功能，且已在最新的 3.4 版本中被移除。",
])
def test_a_chinese_negation_that_would_reach_only_the_first_claim_is_not_made(text):
    assert gsd.LANGUAGES["zh"].falsified(text) is None
    assert gsd.LANGUAGES["zh"].falsified(text.split("，")[0] + "。")  # the first claim alone is


def test_a_plain_is_statement_is_still_negated():
    changed = gsd.LANGUAGES["en"].falsified("The cask is a file of cakes and pies.")
    assert changed and changed[0] == "The cask is not a file of cakes and pies."


# --- grading round 17 ----------------------------------------------------------------------


def test_a_list_under_a_negated_lead_in_is_not_summarized_without_it():
    text = ("# Personal data\nTo the extent the Application stores Personal Data, neither Developer "
            "nor the Application will, without prior user consent,\n\n- modify the Personal Data\n"
            "- disclose the Personal Data to any third party\n- use the Personal Data for other ends\n")
    assert drafts_of("summarization", text) == []


def test_a_cause_inside_what_a_flag_says_is_no_reason():
    text = ("# Event: `'close'`\nThe argument `hadError` is a boolean which says if the socket was "
            "closed due to a transmission error.\n")
    assert drafts_of("cause_effect", text) == []


def test_only_if_is_not_read_backwards_as_what_you_can_do():
    text = ("# Defining Shared Behavior with Traits\n## Returning Types That Implement Traits\n"
            "You can only use `impl Trait` if you’re returning a single type.\n")
    docs, corpus = corpus_of(text)
    assert not [d for d in gsd.gen_fact_based(docs[0].sections[-1], corpus)
                if "what can you do" in d.question]


def test_the_subject_after_a_leading_condition_may_point_back_too():
    text = ("# Sending data between two tasks\nThe `rx.recv` method produces a future we await. "
            "Once a message arrives, the future will resolve to `Some(message)`.\n\n"
            "Async blocks run on a runtime.\n")
    texts = fact_texts(text)
    assert texts and not [t for t in texts if t.startswith("Once a message")]


def test_chinese_praise_is_no_definition():
    text = "# 单文件组件\n单文件组件是 Vue 的标志性功能。\n"
    assert not [d for d in drafts_of("fact_based", text) if "什么是" in d.question]


def test_a_conditional_rule_is_asked_as_an_application_before_fact_based_takes_it():
    plain = " ".join(f"The {c} lamp lasts {n} hours." for c, n in zip(
        "red blue green amber white black violet orange pink grey cyan gold".split(), range(100, 1300, 100)))
    text = ("# Suspension\nIf Partner cures the non-compliance within 15 days, GitHub shall "
            f"reinstate Partner's participation.\n\n{plain}\n")
    docs, corpus = corpus_of(text)
    pairs = [qa for qa in gsd.heuristic_qa_pairs(docs[0], corpus, 1) if "reinstate" in qa.answer]
    assert [qa.question_type for qa in pairs] == ["application"], [(q.question_type, q.question) for q in pairs]


@pytest.mark.parametrize("text, asked", [
    ("Rust 必须在运行时使用动态分发。", "Rust 必须怎么做？"),  # an agent
    ("方法的第一个参数必须是 `self`。", "对方法的第一个参数有什么要求？"),  # a thing
])
def test_a_chinese_rule_asks_an_agent_what_to_do_and_a_thing_what_is_required(text, asked):
    statement = gsd.LANGUAGES["zh"].statement(text, "", lambda x: x)
    assert statement and statement.question.endswith(asked), statement


# --- grading round 18 ----------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "Do not leave a formula under both names, unless the old name is an alias.",
    "The method generates a new key pair, unless the `key` option is given and returns the public key.",
])
def test_an_exception_is_asked_only_of_a_statement_with_a_subject(text):
    assert drafts_of("critical_analysis", f"# Key pairs and formula names\n{text}\n") == []


def test_a_question_heading_answered_by_a_teaser_is_no_pair():
    text = ("# 下载依赖很慢或卡住？\n在国内下载依赖经常会很慢，甚至卡住不动，这是网络的原因，下面我们一起来看看。\n"
            "## 更换镜像\n把默认的源换成国内镜像即可解决。\n")
    docs, corpus = corpus_of(text)
    assert gsd._question_heading(docs[0].sections[0], gsd.LANGUAGES["zh"]) == []


def test_this_example_in_chinese_points_at_unseen_text():
    docs, _ = corpus_of("# 运行时\n本例子中使用了 `multi_thread` 运行时。\n")
    assert not gsd.self_contained("填空：本例子中使用了 ___ 运行时。", docs[0].sections[0])


def test_a_chinese_prohibition_counts_nothing():
    assert drafts_of("factual_recall", "# 模块\n同一个模块中不能拥有两个相同名称的项。\n") == []


def test_an_answer_about_where_the_document_lists_something_is_no_consequence():
    text = ("# Appendix B: Operators and Symbols\n## Operators\nIf an operator is overloadable, "
            "the relevant trait to use to overload that operator is listed.\n")
    docs, corpus = corpus_of(text)
    section = docs[0].sections[-1]
    assert not [d for d in gsd.gen_hypothetical(section, corpus)
                if gsd._askable(d, section, "hypothetical")]


@pytest.mark.parametrize("lead_in, asked", [
    ("泛型组件支持两种使用方式：", "泛型组件支持哪两种使用方式？"),
    ("在 Rust 中，所有的类型可以分为两类：", "在 Rust 中，所有的类型可以分为哪两类？"),
    ("Rust 有两个发布通道（release channel）：", "Rust 有哪两个发布通道？"),
    ("要让一个泛型组件正常工作往往需要做到 2 点：", "要让一个泛型组件正常工作往往需要做到哪 2 点？"),
])
def test_a_chinese_lead_in_that_counts_two_items_is_asked_for_them(lead_in, asked):
    text = f"# 泛型组件\n{lead_in}\n\n- 在单文件组件中使用 `generic` 属性\n- 在渲染函数中使用 `defineComponent()`\n"
    drafts = drafts_of("summarization", text)
    assert drafts and drafts[0].question.endswith(asked), drafts


@pytest.mark.parametrize("lead_in, asked", [
    ("一个结构体由几部分组成：", "一个结构体由哪几部分组成？"),
    ("`opt-level` 支持的选项包括：", "`opt-level` 支持哪些选项？"),
])
def test_a_chinese_lead_in_that_names_its_items_is_asked_for_them(lead_in, asked):
    # "请概括…“一个结构体由几部分组成”之后列出的内容" was a template (round 27)
    text = f"# 结构体\n{lead_in}\n\n- 关键字 `struct`\n- 一个清晰明确的名称\n- 几个有名字的字段\n"
    drafts = drafts_of("summarization", text)
    assert drafts and drafts[0].question.endswith(asked), drafts


def test_a_list_whose_lead_in_asks_nothing_is_asked_by_its_section_with_the_lead_in_answering():
    # "请概括…“内存顺序…的影响”之后列出的内容" quoted the lead-in: a template (rounds 27-38)
    text = ("# 原子类型\n## 内存顺序\n内存顺序是指 CPU 在访问内存时的顺序，该顺序可能受以下因素的影响：\n\n"
            "- 代码中的先后顺序\n- 编译器优化导致在编译阶段发生改变\n- 运行阶段因 CPU 的缓存机制导致顺序被打乱\n")
    drafts = drafts_under("summarization", text, "内存顺序")
    assert [d.question for d in drafts] == ["《原子类型》的“内存顺序”一节列出了哪些内容？"]
    assert drafts[0].answer.startswith("内存顺序是指 CPU 在访问内存时的顺序，该顺序可能受以下因素的影响：代码中的先后顺序；")


def test_a_lead_in_that_points_back_stays_out_of_the_list_answer():
    text = ("# Unsafe Rust\n## Superpowers\nYou can take five actions in unsafe Rust, called unsafe "
            "superpowers. Those superpowers include the ability to:\n\n- Dereference a raw pointer\n"
            "- Call an unsafe function or method\n- Implement an unsafe trait\n")
    drafts = drafts_under("summarization", text, "Superpowers")
    assert [(d.question, d.answer) for d in drafts] == [(
        'What does the "Superpowers" section of "Unsafe Rust" list?',
        "Dereference a raw pointer; Call an unsafe function or method; Implement an unsafe trait.")]


def test_list_items_that_point_at_the_text_before_them_are_no_list_answer():
    text = ("# Cell\n## 缓存\n`Rc` 的开销如下：\n\n- 从表面来看，它们带来的内存和 CPU 损耗都不大\n"
            "- 间接取值在少数场景下可能会造成性能上的显著损失\n- CPU 缓存可能也不够亲和\n")
    assert drafts_under("summarization", text, "缓存") == []


def test_a_command_heading_with_an_alias_is_named_by_its_command_in_the_list_question():
    text = ("# brew(1)\n## `update`, `up` [`options`]\nFetch the newest version of Homebrew.\n\n"
            "- `--auto-update`: Run on auto-updates\n- `-f`, `--force`: Always do a full update check\n"
            "- `-v`, `--verbose`: Print the directories checked\n")
    drafts = drafts_under("summarization", text, "`update`, `up` [`options`]")
    assert [d.question for d in drafts] == ['What does "brew(1)" list for `update`?']


def test_a_summary_opening_on_two_things_it_never_names_is_no_summary():
    # "如果两个放在一起会报错，那就分开它们。": two of what? (round 38)
    text = "# 自引用\n## 终极大法\n如果两个放在一起会报错，那就分开它们。终极大法的思路很简单，但是实现上并不简单。\n"
    assert drafts_under("section_summary", text, "终极大法") == []
    assert not gsd.self_contained("如果两个放在一起会报错，应该怎么做？", parse(text, "a.md").sections[0])


def test_a_chinese_instruction_under_a_condition_is_asked_what_to_do_not_what_happens():
    text = "# 发布\n## 发布新版本\n当你修改了 crate 并准备好发布新版本时，改变 Cargo.toml 中 `version` 所指定的值。\n"
    assert drafts_under("hypothetical", text, "发布新版本") == []  # "…时，会怎样？" (round 38)
    asked = [d.question for d in drafts_under("application", text, "发布新版本")]
    assert asked and asked[0].endswith("当你修改了 crate 并准备好发布新版本时，应该怎么做？"), asked


def test_a_chinese_scope_naming_the_answers_code_is_left_out():
    text = "# 错误处理\n## anyhow\n如果你只想要简单，使用 `anyhow`，例如在自己的应用服务中。\n"
    asked = [d.question for d in drafts_under("application", text, "anyhow")]
    assert asked and "关于" not in asked[0], asked  # "关于“anyhow”，…" / "使用 `anyhow`"


def test_true_and_false_take_turns_over_the_sentences_asked_as_statements():
    # half of these sentences are asked as blanks of their `X_size`, by a hash bit: turns
    # over all twelve left the statements 6 true to 4 false
    names = "cache queue index buffer socket stream worker timer router parser logger mailer"
    body = "\n\n".join(f"## The {n} option\nThe `{n}_size` value must be set before the server "
                       "starts." for n in names.split())
    docs, corpus = corpus_of(f"# Options\nSettings of the server.\n\n{body}")
    verdicts = [d.answer.split(".")[0] for s in docs[0].sections
                for d in gsd.gen_true_false_fill_blank(s, corpus) if not d.key]
    assert len(verdicts) >= 6 and abs(verdicts.count("True") - verdicts.count("False")) <= 1, verdicts


def test_a_list_of_other_length_than_its_lead_in_counts_is_not_summarized():
    text = ("# Groups\nThere are two release channels for Rust:\n\n- `modp14` of 2048 bits\n"
            "- `modp15` of 3072 bits\n- `modp16` of 4096 bits\n")
    assert drafts_of("summarization", text) == []


def test_two_items_after_a_lead_in_that_asks_nothing_are_no_list():
    # a guard for the two-item lists above: a count alone ("有两个解释") does not make one
    text = "# 测试内部可变性\n现在有两个解释：\n\n- Miri 并不完美，它依然会有所遗漏\n- 我们的简化模型貌似过于简化了\n"
    assert drafts_of("summarization", text) == []


@pytest.mark.parametrize("text, falsified", [
    ("`Vec` 不会自动排序其中的元素。", "`Vec` 会自动排序其中的元素。"),
    ("Rust 并不允许我们主动调用 `drop` 方法。", "Rust 允许我们主动调用 `drop` 方法。"),
    ("借用检查器不必知道生命周期。", "借用检查器必须知道生命周期。"),
    ("生命周期标注不是一个类型，而是一个约束。", None),  # the rest answers the denial
    ("标准库的线程实现并没有包含这么做的方法。", None),  # "有包含" is no Chinese
    ("错误信息表明不允许显式调用 `drop`。", None),  # the subject is a clause
    ("若编译器发现三条规则都不适用时，就会报错。", None),
    ("编译器不会检查 `unsafe` 块，也不会报错。", None),  # a second negation would stay
    ("幸运的是，还有另一个可用的方案。", None),  # "幸运的不是" negates no claim
])
def test_a_chinese_denial_is_made_false_by_dropping_its_one_negation(text, falsified):
    changed = gsd.LANGUAGES["zh"].falsified(text)
    assert (changed[0] if changed else None) == falsified


def test_a_sentence_on_the_prior_one_points_back_even_under_a_heading_that_names_it():
    texts = fact_texts("# Automatic approvals\nA maintainer approves the pull request.\n\nThe prior "
                       "approval may be on a pull request from a fork, because it only shows review "
                       "activity.\n")
    assert texts and not [t for t in texts if t.startswith("The prior")], texts
    # a guard: "the same X as Y" says what it is the same as
    assert fact_texts("# Child process\nThe function spawns a shell. The same options as "
                      "`child_process.exec()` are supported.\n")[1].startswith("The same options")


def test_a_contracted_subject_gets_no_rule_question():
    text = ("# Unrecoverable errors\nWhen your code panics in the future, you’ll need to figure out "
            "what action the code is taking.\n")
    drafts = drafts_of("application", text) + drafts_of("fact_based", text)
    assert not [d for d in drafts if re.search(r"you[’']ll|It need", d.question + d.answer)], drafts
    assert not gsd._plain_subject("runtimes don’t")  # "what do runtimes don’t have to do?"


def test_a_situation_on_a_one_letter_code_name_is_not_asked():
    text = "# Cloning to increase the count\nWhen `c` goes out of scope, the count goes down by 1.\n"
    docs, corpus = corpus_of(text)
    section = docs[0].sections[0]
    drafts = gsd.gen_hypothetical(section, corpus)
    assert drafts and not [d for d in drafts if gsd._askable(d, section, "hypothetical")]


def test_a_chinese_pointer_to_other_docs_is_no_fact():
    assert gsd.is_junk("关于 `#[instrument]` 详细说明，请参见官方文档。")
    assert not gsd.is_junk("`format!` 的用法与 `print!` 的用法类似，详见格式化输出。")


def test_a_chinese_sentence_equal_to_what_came_before_does_not_stand_alone():
    docs, _ = corpus_of("# 路径\n路径有两种形式。\n")
    assert not gsd.self_contained("填空：与之等价的文件系统路径就是 ___。", docs[0].sections[0])


def test_a_section_summary_leaves_out_examples_and_pointers_ahead():
    text = ("# Ownership\nEach value in Rust has an owner. There can only be one owner at a time. "
            "For example, a `String` moves when it is assigned. When the owner goes out of scope, "
            "the value is dropped. In the next chapter, we’ll look at borrowing.\n")
    drafts = drafts_of("section_summary", text)
    assert drafts and "For example" not in drafts[0].answer and "next chapter" not in drafts[0].answer
    assert drafts[0].answer.startswith("Each value") and drafts[0].answer.endswith("is dropped.")


def test_a_summary_section_is_asked_what_it_says():
    # 'Summarize the section "Summary" of "Structs"' read awkwardly (it sums up the chapter,
    # not only the document it ends: no "main points of 'Methods'"), and "Let's move on to
    # Chapter 6" was kept in the answer (round 27)
    text = ("# Using Structs\n## Summary\nA struct keeps related values together in one type. "
            "Methods are functions that are defined within the context of a struct. Let’s move on "
            "to Chapter 6 now.\n")
    drafts = drafts_under("section_summary", text, "Summary")
    assert [d.question for d in drafts] == ['What does the "Summary" section of "Using Structs" say?']
    assert "move on" not in drafts[0].answer


def test_a_section_summary_asks_what_the_section_says():
    # its answer is the section's own sentences: "Summarize …" answered by them read as a copy
    # to readers in every round 27-35
    text = ("# Bylaw\n## Parking\nScooters must be parked upright in a marked zone. A scooter "
            "parked outside a zone is fined 75 CAD.\n")
    assert [d.question for d in drafts_under("section_summary", text, "Parking")] == [
        'What does the "Parking" section of "Bylaw" say?']
    zh = "# 同步客户端\n## 冲突\n客户端会保留两个版本的文件。用户必须在三十天内处理冲突副本。\n"
    assert [d.question for d in drafts_under("section_summary", zh, "冲突")] == ["《同步客户端》的“冲突”一节讲了什么？"]


def test_a_chinese_section_summary_joins_its_sentences_without_spaces():
    drafts = drafts_of("section_summary", "# 所有权\nRust 中的每个值都有一个所有者。值在任一时刻只能有一个所有者。\n")
    assert drafts and drafts[0].answer == "Rust 中的每个值都有一个所有者。值在任一时刻只能有一个所有者。"


def test_a_section_summary_ends_each_sentence():
    drafts = drafts_of("section_summary", "# DEP0115\nType: Documentation-only (supports "
                       "`--pending-deprecation`)\n\nThe `crypto.prng()` alias is deprecated.\n")
    assert drafts and drafts[0].answer.startswith("Type: Documentation-only (supports "
                                                  "`--pending-deprecation`). The"), drafts


def test_a_section_that_points_at_what_the_reader_lacks_gets_no_summary():
    text = ("# Unsafe Rust\nUnsafe Rust exists because static analysis is conservative. The five "
            "superpowers just discussed do not turn off the borrow checker.\n")
    assert drafts_of("section_summary", text) == []


def test_a_plural_term_is_asked_what_it_is_in_the_plural():
    text = ("# Keywords\nSome words are reserved.\n\n## Raw Identifiers\nRaw identifiers are the syntax "
            "that lets you use keywords as names. You use a raw identifier by prefixing a keyword "
            "with `r#`.\n")
    drafts = drafts_of("technical_explanation", text, section=1)
    assert drafts and drafts[0].question.endswith("what are Raw Identifiers?"), drafts


def test_a_chinese_explanation_joins_its_sentences_without_spaces():
    text = "# 函数式组件\n函数式组件是一种没有任何状态的组件。它们很像纯函数：接收 props，返回 vnodes。\n"
    drafts = drafts_of("technical_explanation", text)
    assert drafts and "。它们" in drafts[0].answer, drafts


def test_a_rule_that_adds_to_others_is_not_asked_as_what_its_subject_must_do():
    text = ("# Maintainer hackathons\nHackathons are held twice a year. Organisers should also budget "
            "for group meals for lunches and dinners.\n")
    assert not [d for d in drafts_of("fact_based", text) if "also budget" in d.answer]


def test_true_and_false_stay_balanced_over_many_small_documents():
    # documents with room for one statement each: each alone would follow its own first turn
    names = "cache queue index buffer socket stream worker timer router parser".split()
    verdicts, answers = Counter(), []
    for name in names:
        body = " ".join(f"The {name} {part} size is a power of two." for part in names)
        docs, corpus = corpus_of(f"# The {name}\n{body}\n")
        answers += [p.answer for p in gsd.heuristic_qa_pairs(docs[0], corpus, 1, verdicts)
                    if p.question_type == "true_false_fill_blank" and not p.key]
    truths = sum(a.startswith("True") for a in answers)
    assert len(answers) >= 6 and abs(2 * truths - len(answers)) <= 1, answers


def test_when_after_track_is_which_moment_not_a_condition():
    assert gsd.LANGUAGES["en"].condition("The parent cannot track when the socket is destroyed.") is None


def test_a_condition_on_a_bare_none_is_not_asked():
    text = ("# `style`\nIf none are provided, `style` will run style checks on the whole "
            "Homebrew library.\n")
    assert not [d for t in ("application", "hypothetical") for d in drafts_of(t, text)
                if "none are provided" in d.question]


def test_where_a_term_comes_from_is_no_definition():
    assert gsd.LANGUAGES["zh"].statement("Newtype 是一个源自 Haskell 编程语言的概念。", "",
                                          str.lower) is None


def test_what_a_subject_needs_to_do_is_asked_only_of_the_sections_topic():
    text = ("# Using an enum to store multiple types\nRust needs to know what types will be in the "
            "vector at compile time.\n")
    assert not [d for d in drafts_of("fact_based", text) if "need to do" in d.question]


@pytest.mark.parametrize("text, unseen", [
    ("# Matching ranges\nRust can tell that `'c'` is within the first pattern’s range and "
     "prints `early ASCII letter`.\n", "`'c'`"),  # a literal of the listing
    ("# 使用 `for` 遍历集合\n数组中的 5 个元素全部都如期被打印出来。\n", "5 个"),  # the example's array
])
def test_a_blank_over_a_value_of_an_unseen_example_is_not_asked(text, unseen):
    assert not [d for d in drafts_of("true_false_fill_blank", text) if d.answer == unseen]


def test_the_other_two_do_not_stand_alone():
    docs, _ = corpus_of("# 测试\n测试函数很简单。\n")
    assert not gsd.self_contained("填空：由于 ___ 无需 `flush`，因此另两个方法直接返回即可。",
                                  docs[0].sections[0])


def test_what_a_thing_will_do_is_not_asked_of_its_existing():
    text = ("# `napi_handle_scope`\nWhen a native method is called from JavaScript, a default handle "
            "scope will exist.\n")
    assert not [d for t in ("application", "fact_based", "hypothetical") for d in drafts_of(t, text)
                if "will exist" in d.answer.lower()]


def test_a_chinese_boast_gets_no_count_question():
    assert gsd.LANGUAGES["zh"].quantity("连续 8 年最受欢迎的语言当然不是浪得虚名。", str.lower) is None


def test_a_list_of_in_and_out_parameters_is_asked_as_the_api_parameters():
    text = ("# Node-API\nThe API.\n\n## `napi_throw_error`\n```c\nnapi_status napi_throw_error(napi_env env, "
            "const char* code, const char* msg);\n```\n\n- `[in] env`: The environment that the API is "
            "invoked under.\n- `[in] code`: Optional error code to be set on the error.\n- `[in] msg`: C "
            "string representing the text to be associated with the error.\n")
    drafts = drafts_under("summarization", text, "`napi_throw_error`")
    assert drafts and drafts[0].question.endswith("what are the parameters of `napi_throw_error`?")


def test_a_list_whose_items_lost_their_nested_lists_is_not_summarized():
    text = ("# Implications of ABI stability\nAddons use APIs beyond Node-API:\n\n"
            "- The Node.js C++ APIs available via any of\n- the libuv APIs which are also included with "
            "Node.js and available via\n- the V8 API available via\n")
    assert drafts_of("summarization", text) == []


def test_a_list_without_a_lead_in_is_asked_what_the_document_says_about_its_heading():
    text = ("# Acceptable Formulae\nWhat the core tap accepts.\n\n## Shared and static libraries\n"
            "- Shared libraries are preferred when upstream can build either kind\n- A formula may "
            "install both kinds when dependents need the static ones\n- Static-only builds need a "
            "stated reason in the pull request\n")
    drafts = drafts_under("summarization", text, "Shared and static libraries")
    assert drafts and drafts[0].question == ('What does "Acceptable Formulae" say about shared and '
                                             'static libraries?'), drafts
    # a guard: a heading that names a part of the document is no topic
    summary = drafts_under("summarization", text.replace("Shared and static libraries", "Summary"),
                           "Summary")
    assert summary and "say about" not in summary[0].question


@pytest.mark.parametrize("text", [
    "# `outgoingMessage.write()`\nThe `encoding` argument is only relevant when `chunk` is a string.\n",
    "# Using structs\nIf you’re familiar with an object-oriented language, a struct is like an "
    "object’s data attributes.\n",
])
def test_a_sole_case_or_the_readers_background_is_no_situation(text):
    assert drafts_of("hypothetical", text) == []


@pytest.mark.parametrize("text, example", [
    ("# Case-insensitive search\n```rust\nlet query = \"rUsT\";\n```\n\nThe new test for the "
     "case-insensitive search uses `\"rUsT\"` as its query.\n", '`"rUsT"`'),
    ("# cargo test\n大家还可以尝试修改下测试函数的名称，例如修改为 `exploration`，看看运行结果将如何变化。\n",
     "`exploration`"),
])
def test_a_blank_over_an_example_value_is_not_asked(text, example):
    assert not [d for d in drafts_of("true_false_fill_blank", text) if d.answer == example]


def test_a_sentence_in_brackets_is_no_fact():
    assert "（第 4 章会更全面地解释引用。）" not in fact_texts(
        "# 接收用户输入\n`&` 表示这个参数是一个引用。（第 4 章会更全面地解释引用。）\n")


def test_a_question_ending_on_this_does_not_stand_alone():
    docs, _ = corpus_of("# Ownership\nHeap data is not copied.\n")
    assert not gsd.self_contained("What would happen if Rust did this?", docs[0].sections[0])


def test_a_comparison_without_what_it_compares_to_gets_no_why_question():
    text = ("# Separating Modules into Different Files\nThe process is a bit different because "
            "`hosting` is a child module of `front_of_house`, not of the root module.\n")
    assert not [d for d in drafts_of("cause_effect", text) if "different" in d.question]


def test_the_call_after_an_opening_phrase_points_back_like_the_call_at_the_start():
    texts = fact_texts("# Permissions\nA WASI call needs a flag. For security reasons, the call "
                       "will throw an `ERR_ACCESS_DENIED` unless the flag is passed.\n")
    assert texts and not [t for t in texts if t.startswith("For security reasons")], texts


def test_an_instruction_with_an_exception_is_not_asked_whether_it_always_holds():
    text = ("# Prose style\nPrefer Markdown over other markup formats unless the tool that renders "
            "the page needs another one.\n")
    assert not [d for d in drafts_of("critical_analysis", text) if "always true that prefer" in d.question]


def test_a_situation_that_never_names_what_the_answer_is_about_is_not_asked():
    text = ("# The question mark operator shortcut\nIf an error occurs, the `?` operator will return "
            "early out of the whole function.\n")
    assert drafts_of("hypothetical", text) == []


def test_a_chinese_anniversary_is_no_count_of_weeks():
    assert gsd.LANGUAGES["zh"].quantity("Rust 1.0 十周年🎉", str.lower) is None


def test_a_question_on_the_code_above_does_not_stand_alone():
    docs, _ = corpus_of("# 全模式列表\n模式有很多种。\n")
    assert not gsd.self_contained("填空：上面代码会打印 ___。", docs[0].sections[0])


def test_a_hedged_claim_is_not_asked_whether_it_always_holds():
    # "is it always true that most workflows avoid `actions/checkout`?" / "No. …" (round 46)
    text = ("# Layered infrastructure\nMost workflows avoid `actions/checkout` unless they need a "
            "checkout of the repository.\n")
    assert drafts_of("critical_analysis", text) == []
    plain = text.replace("Most workflows avoid", "The release workflow avoids")
    assert drafts_of("critical_analysis", plain)  # the same claim unhedged is still asked


@pytest.mark.parametrize("text", [
    "因为 `ctx.event_scope` 返回的东东没有任何办法可以访问其中的字段。",  # round 46
    "Because the handle is dropped before the thread ends.",
])
def test_a_reason_without_its_main_clause_leans_on_the_sentence_before(text):
    heading = "# 捕获事件\n" if "因为" in text else "# Threads\n"
    assert fact_texts(f"{heading}{text}\n") == []
    whole = "因为事件没有字段，所以需要自己记录数据。" if "因为" in text else \
        "Because the handle is dropped early, the thread is detached."
    assert fact_texts(f"{heading}{whole}\n") == [whole]


@pytest.mark.parametrize("text, asked", [
    # FastAPI's docs: 'what does "Asynchronous code just" mean?', 'what does "Streaming" data" mean?'
    ("Asynchronous code just means that the program waits for something else to finish.",
     'what does "Asynchronous code" mean?'),
    ('"**Streaming**" data means that your app starts sending items before all are ready.',
     'what does "Streaming data" mean?'),
])
def test_a_defined_term_is_asked_without_its_adverb_or_inner_quotes(text, asked):
    docs, corpus = corpus_of(f"# Concurrency\n{text}\n")
    fact = docs[0].sections[0].facts[0]
    statement = gsd.LANGUAGES["en"].statement(fact.text, "", str.lower)
    assert statement and statement.question == asked, statement
    assert statement.answer.startswith(("It just means", "It means"))


# --- FastAPI's docs, English and Chinese: a corpus none of the rounds before had seen -------


def test_a_code_block_that_only_includes_a_file_answers_no_how_to():
    # "how do you write templates?" / "```{!../../docs_src/templates/item.html!}```"
    text = ("# Templates\n## Writing templates\nThen you can write a template at "
            "`templates/item.html` with, for example:\n\n```jinja\n"
            "{!../../docs_src/templates/templates/item.html!}\n```\n")
    assert drafts_of("technical_explanation", text) == []
    docs, _ = corpus_of(text)
    assert gsd._leans_on_listing("What does `item` hold?", docs[0].sections[0])


def test_an_include_right_after_a_list_item_is_not_the_items_text():
    sections = parse("# 动机\n这个函数做了下面这些事情：\n\n* 接收 `first_name` 和 `last_name`\n"
                     "* 用一个空格将它们拼接起来。\n{* ../../docs_src/python_types/tutorial001.py hl[2] *}\n"
                     ).sections
    assert sections[0].lists[0].items == ("接收 `first_name` 和 `last_name`", "用一个空格将它们拼接起来。")


def test_that_before_a_modal_is_no_noun_phrase():
    # 'what does "That would" refer to …?' / "the DNS servers would"
    assert gsd.LANGUAGES["en"].anaphor(
        "That would be the public IP address used by your server.",
        "The DNS servers would tell the browser to use some specific IP address.") is None


def test_a_lower_bound_is_no_count_to_ask():
    # "响应可以声明为几个或多个类型的 `Union`？" / "两个"
    assert gsd.LANGUAGES["zh"].quantity("响应可以声明为两个或多个类型的 `Union`。", str.lower) is None
    assert gsd.LANGUAGES["zh"].quantity("响应最终会返回两个类型的 `Union` 对象。", str.lower)


@pytest.mark.parametrize("line", [
    "如果你完全了解导入的工作原理，请从下面的下一部分继续。",
    "If you already know how imports work, continue to the next section.",
    "Thanks to Dima Boger for the detailed security report.",
])
def test_navigation_and_thanks_are_not_facts(line):
    heading = "# 相对导入如何工作\n" if "如果" in line else "# Relative imports\n"
    kept = "相对导入以点号开头。" if "如果" in line else "A relative import starts with a dot."
    assert fact_texts(f"{heading}{kept}\n{line}\n") == [kept]


def test_a_subject_with_shi_is_a_clause_not_a_subject():
    # "对关键因素是依赖项有什么要求？"
    assert gsd.LANGUAGES["zh"].rule("关键因素是依赖项应该是可调用对象", str.lower) is None


def test_a_condition_on_behaviour_told_before_is_no_situation():
    # "如果你过去依赖于旧行为，会怎样？": which behaviour?
    assert gsd.LANGUAGES["zh"].condition("如果你过去依赖于旧行为，现在应在后台任务内部自行创建所需资源。") is None
    assert gsd.LANGUAGES["zh"].condition("如果你使用旧版本的 Python，现在应先升级解释器。")


def test_a_heading_every_release_repeats_is_named_with_its_release():
    # 'What does "Release Notes" say about fixes?' named no version (FastAPI's changelog)
    text = ("# Release Notes\n## 0.128.1\n### Fixes\n- Fix the encoding of decimal values in "
            "responses.\n- Fix a crash when a route has no response model.\n- Fix the type of the "
            "`scope` argument.\n## 0.128.0\n### Fixes\n- Fix the order of middleware when routers "
            "are nested.\n- Fix the schema of optional query parameters in the docs.\n- Fix the "
            "default of the `strict` flag.\n")
    docs, corpus = corpus_of(text)
    fixes = [s for s in docs[0].sections if s.heading == "Fixes"]
    questions = [d.question for s in fixes for d in gsd.gen_summarization(s, corpus)]
    assert questions == ['What does the "0.128.1 > Fixes" section of "Release Notes" list?',
                         'What does the "0.128.0 > Fixes" section of "Release Notes" list?']


def test_two_quoted_names_of_one_term_keep_their_quotes():
    statement = gsd.LANGUAGES["en"].statement(
        '"Developer" or "You" means the company or individual who created the application.', "",
        str.lower)
    assert statement and statement.question == 'what does "Developer" or "You" mean?'


def test_a_condition_that_goes_on_past_its_comma_is_not_split_there():
    # "如果你已经读完整个教程，会怎样？" / "又回来想进一步了解类型，…"
    assert gsd.LANGUAGES["zh"].condition(
        "如果你已经读完整个教程，又回来想进一步了解类型，一个不错的资源是 `mypy` 的速查表。") is None


@pytest.mark.parametrize("text", [
    "不是你的路径操作函数的参数，不像所有查询参数和请求体那样。",
    "不像选项式 API 需要依赖上下文对象访问属性，模板可以直接访问这些变量。",
])
def test_a_chinese_sentence_opening_on_a_denial_leans_on_the_one_before(text):
    assert fact_texts(f"# 响应模型\n{text}\n") == []
    assert fact_texts("# 响应模型\n不是所有的参数都来自请求体。\n") == ["不是所有的参数都来自请求体。"]


def test_a_count_in_a_clause_without_subject_is_the_examples():
    # "定义时使用竖线（`|`）把几种类型分开？" / "两种": `|` joins any number
    assert gsd.LANGUAGES["zh"].quantity("定义时使用竖线（`|`）把两种类型分开。", str.lower) is None


def test_any_database_is_no_term_to_blank():
    docs, corpus = corpus_of("# SQL（关系型）数据库\n你可以使用你想用的**任何数据库**，例如 PostgreSQL 或 MySQL。\n")
    section = docs[0].sections[0]
    assert "任何数据库" not in gsd.LANGUAGES["zh"].blank_terms(section.facts[0].text, section, frozenset())


def test_what_stops_working_is_no_instruction():
    # "如果你提供了一个 `lifespan` 参数，应该怎么做？" / "…事件处理器将不再生效。"
    text = ("# 生命周期事件\n## 替代事件\n如果你提供了一个 `lifespan` 参数，启动和关闭事件处理器将不再生效。\n")
    assert not [d for d in drafts_of("application", text) if "应该怎么做" in d.question]


@pytest.mark.parametrize("heading, asked", [
    ("In a hurry?", False),  # FastAPI's docs: 'According to "Security", in a hurry?'
    ("On which countries are sanctions applied?", True),
])
def test_a_heading_asks_only_with_a_question_word(heading, asked):
    docs, _ = corpus_of(f"# Security\n## {heading}\nThe sanctions apply to three regions of the world today.\n")
    assert bool(gsd._question_heading(docs[0].sections[0], gsd.LANGUAGES["en"])) == asked


def test_skipping_to_the_next_chapters_is_navigation():
    assert fact_texts("# Security\nSecurity has many parts.\nIf you just need a login right now, "
                      "skip to the next chapters.\n") == ["Security has many parts."]


def test_a_second_predicate_no_verb_list_knows_ends_the_object():
    head = "# Bigger Applications - Multiple Files\n## The main `FastAPI`\n### Include a path operation\n"
    one = "FastAPI keeps the original routers and path operations active when handling requests.\n"
    two = one.replace(" when", ", and combines the router prefixes when")
    assert [d for d in drafts_of("fact_based", head + one) if "keep" in d.question]
    assert not [d for d in drafts_of("fact_based", head + two) if "keep" in d.question]


def test_what_a_thing_will_receive_is_asked_as_receiving():
    statement = gsd.LANGUAGES["en"].statement("The exception handler will receive a `Request` and "
                                              "the exception.", "", str.lower)
    assert statement.question == "what will the exception handler receive?"


def test_what_a_listing_prints_is_no_fact_of_its_own():
    # "填空：___ 会打印出 `p3.x = 5, p3.y = c`。" / `println!` (round 47)
    text = ("# 方法定义中的泛型\n泛型方法可以混用不同的类型参数。\n\n```rust\nfn main() { let p3 = 1; }\n```\n\n"
            "`println!` 会打印出 `p3.x = 5, p3.y = c`。\n")
    assert fact_texts(text) == ["泛型方法可以混用不同的类型参数。"]
    english = ("# Methods\nGeneric methods may mix type parameters.\n\n```rust\nfn main() {}\n```\n\n"
               "The program prints `p3.x = 5, p3.y = c` when it runs.\n")
    assert fact_texts(english) == ["Generic methods may mix type parameters."]


def test_an_amount_told_in_the_sentence_before_is_a_premise_the_question_lacks():
    # "如果你启动 4 个进程，会怎样？" / "每个进程将消耗 1 GB RAM" holds only for the 1 GB model
    text = ("# 部署概念\n## 复制 - 进程和内存\n多个进程通常**不共享任何内存**。如果你的代码消耗了大量内存，**每个进程**"
            "将消耗等量的内存。\n### 服务器内存\n例如，如果你的代码加载**大小为 1 GB** 的机器学习模型，则当你使用 API "
            "运行一个进程时，它将至少消耗 1 GB RAM。如果你启动 **4 个进程**（4 个工作进程），每个进程将消耗 1 GB "
            "RAM。因此，你的 API 总共将消耗 **4 GB RAM**。\n\n如果你的远程服务器或虚拟机只有 3 GB RAM，尝试加载"
            "超过 4 GB RAM 将导致问题。\n")
    asked = [d.question for d in drafts_of("hypothetical", text, section=1)]
    assert not [q for q in asked if "4 个进程" in q]
    assert [q for q in asked if "3 GB" in q]  # "超过 4 GB RAM 将导致问题" holds on its own


@pytest.mark.parametrize("text", [
    "# 第一步\n## 查看 openapi.json\n如果你对原始的 OpenAPI 模式长什么样子感到好奇，FastAPI 自动生成了包含所有 API 描述的 JSON。\n",
    "# First Steps\n## Check the schema\nIf you are curious about the raw schema, FastAPI generates a JSON file with all of it.\n",
])
def test_a_readers_curiosity_is_no_situation(text):
    assert drafts_of("hypothetical", text) == [] and drafts_of("application", text) == []


def test_a_task_heading_is_no_topic():
    docs, corpus = corpus_of("# Static Files\n## Test the static files\nThe files are served from the folder.\n")
    assert gsd._heading_topic(docs[0].sections[0], corpus) == ""


def test_the_only_new_thing_leans_on_what_came_before():
    # "the only new thing is `callbacks=…`": new compared to what? (FastAPI's docs)
    assert fact_texts("# OpenAPI Callbacks\nThe callback router is a normal router.\nThe only new thing "
                      "is the `callbacks` parameter of the path operation decorator.\n") == [
        "The callback router is a normal router."]
    assert fact_texts("# Events\nThe only difference between `addListener()` and `on()` is the value "
                      "they return.\n")  # says between what


# --- Hugo's docs and Pinia's (English and Chinese): two more corpora no round had seen ------


def test_a_procedure_whose_steps_end_in_code_is_not_given_without_it():
    text = ("# Linux\n## Exherbo\nTo install the extended edition of Hugo on Exherbo:\n\n"
            "1. Add this line to /etc/paludis/options.conf:\n\n   ```text\n   www-apps/hugo extended\n   ```\n\n"
            "2. Install using the Paludis package manager:\n\n   ```sh\n   sudo cave resolve -x repository/heirecka\n   ```\n")
    assert drafts_of("process_workflow", text) == []


@pytest.mark.parametrize("text, refused, kept", [
    ("# Editions\nHugo comes in three editions.\n\n| Feature | extended |\n|---|---|\n"
     "| LibSass support | :heavy_check_mark: |\n| WebP encoding | since 0.90 |\n", "LibSass", "WebP"),
    # "See details.": a link's text (Hugo's "Custom 404 page")
    ("# Custom 404 page\nHosts serve the page in their own ways.\n\n| Host | Capabilities |\n|---|---|\n"
     "| Azure Static Web Apps | See details. |\n| GitHub Pages | Serves `404.html` |\n", "Azure", "GitHub Pages"),
])
def test_a_cell_that_holds_no_value_is_not_asked(text, refused, kept):
    questions = [d.question for d in drafts_of("factual_recall", text)]
    assert not [q for q in questions if refused in q] and [q for q in questions if kept in q]


def test_a_chinese_heading_keeps_its_section_chinese_under_english_text():
    # Pinia's Chinese API pages: "参数" over typedoc's English descriptions
    docs, _ = corpus_of("# 接口：Pinia %{#interface-pinia}%\n每个应用都需要一个 Pinia 实例来保存所有的 store。\n"
                        "## 参数 %{#parameters}%\nThe current state in the store is kept by the plugin "
                        "until the application is unmounted.\n")
    assert [(s.heading, s.language) for s in docs[0].sections] == [("接口：Pinia", "zh"), ("参数", "zh")]


def test_a_typedoc_signature_line_is_no_fact():
    assert fact_texts("# 接口：Pinia\n每个应用都需要一个 Pinia 实例。\n\n▸ hydrate(`storeState`, `initialState`): `void`\n"
                      ) == ["每个应用都需要一个 Pinia 实例。"]


def test_a_table_rendered_from_the_listing_is_no_table_to_ask():
    # 'how does the name "Spot" differ from "Felix" in the table …?' (Hugo's docs)
    text = ("# Data sources\n## Augment existing content\nCreate a shortcode to render a table from a "
            "CSV file.\n\n```csv\n\"name\",\"type\",\"breed\",\"age\"\n\"Spot\",\"dog\",\"Collie\",\"3\"\n"
            "\"Felix\",\"cat\",\"Malicious\",\"7\"\n```\n\nHugo renders this to:\n\n| name | type | breed | age |\n"
            "|---|---|---|---|\n| Spot | dog | Collie | 3 |\n| Felix | cat | Malicious | 7 |\n")
    for kind in ("comparative_analysis", "factual_recall"):
        assert not [d for d in drafts_of(kind, text) if "Spot" in d.question], kind
    assert not [d for d in drafts_of("true_false_fill_blank", text) if "Spot" in d.question]


def test_a_cell_that_repeats_its_row_name_is_not_asked():
    # "`A`对应的类型是什么？" / "`A`" (Pinia's type parameters)
    text = ("# 接口：Store\n每个 store 都有类型参数。\n\n| 名称 | 类型 |\n|---|---|\n| `Id` | extends `string` |\n"
            "| `A` | `A` |\n")
    questions = [d.question for d in drafts_of("factual_recall", text)]
    assert not [q for q in questions if "`A`" in q] and [q for q in questions if "`Id`" in q]


@pytest.mark.parametrize("text", [
    "In Pinia the state is defined as a function that returns the initial state.",
    "By using automated means you agree to these terms of access to the site.",
])
def test_a_phrase_that_opens_on_a_preposition_is_no_defined_term(text):
    assert gsd.LANGUAGES["en"].statement(text, "", str.lower) is None or \
        not gsd.LANGUAGES["en"].statement(text, "", str.lower).question.startswith("what does")


def test_a_default_of_nothing_named_is_not_asked_whether_it_always_holds():
    text = ("# Output formats\n## Default configuration\nDefault is `0`, except for the `html` output "
            "format, which has a default weight of `10`.\n")
    assert drafts_of("critical_analysis", text) == []


def test_a_when_clause_that_holds_its_own_predicate_is_no_condition():
    # "当 mutation 对象…不方便时很有用，会怎样？" / "例如追加到数组中。" (Pinia)
    assert gsd.LANGUAGES["zh"].condition("当 mutation 对象(如 Sets 或数组)或者应用对象补丁不方便时很有用，"
                                         "例如追加到数组中。") is None
    assert gsd.LANGUAGES["zh"].condition("当两台设备同时修改同一个文件时，客户端会保留两个副本。")


def test_a_typedoc_parameter_row_is_no_fact():
    assert fact_texts("# Interface: Store\nThe store keeps its state.\n\n`never` : `F`.\n") == [
        "The store keeps its state."]


def test_a_definition_list_without_a_blank_line_keeps_its_term():
    sections = parse("# YouTube shortcode\n## Privacy\nAdjust the privacy settings here.\n\n"
                     "`privacyEnhanced`\n: (`bool`) Whether to block YouTube from storing information "
                     "unless the user plays the video.\n").sections
    assert sections[0].lists and sections[0].lists[0].items[0].startswith("`privacyEnhanced`:")


def test_a_blank_the_title_names_by_its_stem_is_not_made():
    # 'Fill in the blank ("Configure the HTTP cache"): … HTTP ___ excludes all files.' / "caching"
    text = "# Configure the HTTP cache\n## HTTP caching\nIn its default configuration HTTP caching excludes all files.\n"
    assert not [d for d in drafts_of("true_false_fill_blank", text) if d.answer == "caching"]


def test_a_chinese_label_without_a_predicate_is_no_sentence():
    # "填空：传递给 ___ 的对象" (a typedoc description, Pinia)
    assert fact_texts("# 接口：Patch\n## payload\n补丁对象会被合并到状态中。\n\n传递给 `store.$patch()` 的对象\n") == [
        "补丁对象会被合并到状态中。"]


def test_should_be_easy_is_an_estimate_not_a_duty():
    # "对单独更新组件外的用法有什么要求？" / "应该很简单。"
    assert gsd.LANGUAGES["zh"].rule("单独更新组件外的用法应该很简单", str.lower) is None


def test_a_first_person_heading_question_is_framed_by_its_document():
    # "What syntax should I pick?" alone names neither Pinia nor stores ("I" is no name)
    docs, _ = corpus_of("# Defining a Store\n## What syntax should I pick?\nPick the one that you feel "
                        "the most comfortable with.\n")
    drafts = gsd._question_heading(docs[0].sections[0], gsd.LANGUAGES["en"])
    assert drafts and drafts[0].question in ('According to "Defining a Store", what syntax should I pick?',
                                             'In "Defining a Store", what syntax should I pick?')


@pytest.mark.parametrize("lead, code", [
    ("To create a render hook that does the same thing:", '<img src="{{ .Destination | safeURL }}">'),
    ("To display a YouTube video with this URL:", "https://www.youtube.com/watch?v=0RKpf3rK57I"),
])
def test_a_how_to_that_points_back_leans_on_the_one_before(lead, code):
    # "the same thing" as what? "this URL": which? (Hugo's docs)
    text = f"# Image render hooks\n## Examples\n{lead}\n\n```text\n{code}\n```\n"
    assert drafts_of("technical_explanation", text) == []


def test_a_heading_two_parents_share_is_named_up_to_the_one_that_differs():
    # "类型声明 > 参数" under both `after` and `onError` (Pinia's API pages)
    text = ("# 接口：Actions\n## after\n### 类型声明\n#### 参数\n回调在动作完成后运行。\n"
            "## onError\n### 类型声明\n#### 参数\n回调在动作出错时运行。\n")
    docs, corpus = corpus_of(text)
    assert [corpus.heading_name(s) for s in docs[0].sections] == [
        "after > 类型声明 > 参数", "onError > 类型声明 > 参数"]


def test_an_instruction_under_an_api_heading_names_the_api():
    # "如果你需要使用 TypeScript，应该怎么做？" / "请确保扩展 MapStoresCustomization 接口" holds for
    # setMapStoreSuffix only (Pinia's API pages)
    text = ("# 模块：pinia\n## 函数\n### setMapStoreSuffix\n更改 `mapStores()` 添加的后缀。\n\n"
            "如果你需要使用 TypeScript， 请确保扩展 MapStoresCustomization 接口。\n")
    questions = [d.question for d in drafts_under("application", text, "setMapStoreSuffix")]
    assert questions and all("setMapStoreSuffix" in q for q in questions), questions


# --- readings of main's head (round 50, Hugo and Pinia D) -------------------------------


def test_a_modal_of_a_question_heading_is_no_term_to_blank():
    # "填空：一个 Store ___包含可以在整个应用中访问的数据。" / "应该" (Pinia's "应该在什么时候使用 Store?")
    docs, corpus = corpus_of("# 开始\n## 应该在什么时候使用 Store?\n一个 Store 应该包含可以在整个应用中访问的数据。\n")
    section = docs[0].sections[0]
    assert "应该" not in gsd.LANGUAGES["zh"].blank_terms(section.facts[0].text, section, frozenset())


def test_a_gloss_beside_the_blank_gives_it_away():
    # "___（读作 at）运算符允许为一个字段绑定另外一个变量。" / `@` (round 50)
    text = "# 全模式列表\n## @绑定\n`@`（读作 at）运算符允许为一个字段绑定另外一个变量。\n"
    assert not [d for d in drafts_of("true_false_fill_blank", text) if d.answer == "`@`"]


def test_as_shown_above_leans_on_what_the_reader_does_not_see():
    assert fact_texts("# Config\n## Services\nServices are configured per site.\nYou must capitalize "
                      "each identifier as shown above.\n") == ["Services are configured per site."]


# Readings at 456b8b7 of FastAPI's, Hugo's and Pinia's docs (seeds 10718-11021)

@pytest.mark.parametrize("line", [
    "`void` | `Partial`<`PiniaCustomProperties`<`string`, `StateTree`>>",  # a return type
    "Ƭ _ActionsTree: `Record`<`string`, `_Method`>",  # typedoc's type alias line
])
def test_a_bare_type_expression_is_no_fact(line):
    assert gsd.is_junk(line)
    assert not gsd.is_junk("The `state` option is a function that returns the initial state.")


@pytest.mark.parametrize("sentence", [
    "Not the class itself (which is already a callable), but an instance of that class.",
    "Which is not bad for just doing `pip install --upgrade fastapi pydantic`.",
    "As for example, the `price` key inside a JSON body would be validated.",
])
def test_a_fragment_that_leans_on_the_sentence_before_gets_no_blank(sentence):
    text = f"# Dependencies\nDependencies can be classes or functions.\n{sentence}\n"
    assert not [d for d in drafts_of("true_false_fill_blank", text) if d.question.endswith(
        sentence[-12:])]
    assert gsd._DEPENDENT_START.match(sentence)
    assert not gsd._DEPENDENT_START.match("Not all tests run in parallel.")


def test_a_notes_label_and_an_examples_call_are_not_blanked():
    label = "# 安装\n注意：请确保把 `\"fastapi[standard]\"` 用引号包起来，以保证在所有终端中都能正常工作。\n"
    assert not [d for d in drafts_of("true_false_fill_blank", label) if d.answer == "注意"]
    call = ("# Context Managers\nUnderneath, the `open(\"./somefile.txt\")` creates an object "
            "that is called a context manager.\n\n```python\nwith open(\"./somefile.txt\") as f:\n"
            "    contents = f.read()\n```\n")
    assert not [d for d in drafts_of("true_false_fill_blank", call) if "open(" in d.answer]


def test_both_in_chinese_points_back():
    docs, _ = corpus_of("# 定义 Store\nStore 有两种写法，一种是选项式，另一种是组合式。\n")
    assert not gsd.self_contained("如果你想深入了解两者之间的区别，应该怎么做？", docs[0].sections[0])


def test_a_typo_known_as_is_no_copula():
    # "A section within a section is a known as a nested section" -> "It is a known as …"
    assert gsd.LANGUAGES["en"].statement("A section within a section is a known as a nested "
                                         "section.", "", str.lower) is None


def test_an_examples_output_column_is_not_asked():
    text = ("# Format\n## Examples\nThe layout string gives the result below.\n\n"
            "| Format string | Result |\n|---|---|\n| `Monday` | `Friday` |\n| `Jan 2` | `Jan 27` |\n")
    assert not drafts_under("factual_recall", text, "Examples")
    rule = ("# ReplacePairs\n## Edge cases\nSome inputs fail.\n\n| Case | Result |\n|---|---|\n"
            "| Fewer than two arguments | Error |\n| Empty slice | Returns an empty string |\n")
    assert [d.answer for d in drafts_under("factual_recall", rule, "Edge cases")] == [
        "Error", "Returns an empty string."]


def test_lists_set_side_by_side_are_no_table_rows():
    text = ("# Path\n## Finding pages\nThese find a page.\n\n| Methods | Functions | Shortcodes |\n"
            "|---|---|---|\n| `Page.GetPage` | `urls.RelRef` | `relref` |\n"
            "| `Site.GetPage` | `urls.Ref` | `ref` |\n")
    assert not drafts_under("factual_recall", text, "Finding pages")


def test_a_section_that_says_one_thing_twice_gets_no_summary():
    text = "# 模块\n## _ActionsTree\n行动的对象的类型。仅供内部使用。仅供内部使用\n"  # one without its 。
    assert not drafts_under("section_summary", text, "_ActionsTree")


# Readings at 24cb583 (FastAPI F, Hugo and Pinia F)

def test_a_todo_note_is_no_fact():
    assert gsd.is_junk("TODO: make this options only")


def test_a_blank_in_an_example_or_with_its_sign_named_is_not_asked():
    example = ("# About FastAPI versions\nPin the version you use.\nFor example, let's say you are "
               "using version `0.112.0` in your app.\n")
    assert not drafts_of("true_false_fill_blank", example)
    named = "# Scopes\n是否使用冒号 `:` 等符号，或是不是 URL 并不重要，作用域只是字符串。\n"
    assert not [d for d in drafts_of("true_false_fill_blank", named) if d.answer == "`:`"]


def test_a_short_chinese_sentence_gets_no_blank():
    # "请使用 ___ 代替": too little said to know what fits (Pinia's docs)
    assert not drafts_of("true_false_fill_blank", "# 迁移\n请使用 `createPinia()` 代替。\n")
    assert drafts_of("true_false_fill_blank", "# 表单\n`Form` 是直接继承自 `Body` 的类，用于表单数据。\n")


def test_a_sentence_without_its_subject_is_framed_by_its_api_or_not_blanked():
    api = "# Buffer\n## `buf.fill(value)`\nFills `buf` with the specified `value` completely.\n"
    asked = [d.question for d in drafts_under("true_false_fill_blank", api, "`buf.fill(value)`")
             if "___" in d.question]
    assert asked and all("`buf.fill()`" in q for q in asked)
    plain = ("# Custom Response\n## Available responses\nTakes some data and returns an "
             "`application/json` encoded response.\n")
    assert not [d for d in drafts_under("true_false_fill_blank", plain, "Available responses")
                if "___" in d.question]


def test_a_list_that_is_an_examples_data_is_not_asked():
    text = ("# Multilingual mode\n## Bypassing default linking\nConsidering the following example:\n\n"
            "- `/content/about-us.en.md`\n- `/content/om.nn.md`\n- `/content/a-propos.fr.md`\n")
    assert not drafts_under("summarization", text, "Bypassing default linking")


# Readings at 83bfd77 (round 53, FastAPI G, Hugo and Pinia G)

def test_an_examples_variable_is_not_asked_what_it_is():
    text = ("# Extra Models\n## About `**user_in.model_dump()`\n`user_in` is a Pydantic model of "
            "class `UserIn` with the user's data.\n")
    assert not [d for d in drafts_under("fact_based", text, "About `**user_in.model_dump()`")
                if "`user_in`" in d.question]
    api = "# Settings\n## `max_connections`\n`max_connections` is the largest number of open sockets.\n"
    assert [d for d in drafts_under("fact_based", api, "`max_connections`")
            if "`max_connections`" in d.question]


@pytest.mark.parametrize("sentence", [
    "So, you import `Query`, which is a function.",  # which one? the sentence before says
    "或者说，导入并使用你需要的代码，而不需要它们。",
])
def test_so_and_its_chinese_kin_lean_back(sentence):
    assert gsd._DEPENDENT_START.match(sentence)
    assert not gsd._DEPENDENT_START.match("So far, the parser reads one file.")


def test_an_adjective_of_the_heading_or_a_version_is_no_blank():
    text = ("# Custom Response\n## Available responses\nBut most of the available responses come "
            "directly from the Starlette toolkit.\n")
    assert not [d for d in drafts_under("true_false_fill_blank", text, "Available responses")
                if d.answer == "available"]
    version = "# Release Notes\nPython 3.6 reached the end-of-life and is no longer supported.\n"
    assert not [d for d in drafts_of("true_false_fill_blank", version) if "reached" in d.answer]


def test_a_list_whose_lead_in_says_this_means_is_not_asked():
    text = ("# Templates\n## Lookup order\nA template in a folder that matches a page path "
            "more closely is better. In the Example folder structure below, this means that:\n\n"
            "- `layouts/docs/api/render-link.html` will be used to render links of `/docs/api`.\n"
            "- `layouts/docs/baseof.html` will be used as the base template for `/docs`.\n"
            "- `layouts/tags/term.html` will be used for all terms of the `tags` taxonomy.\n")
    assert not drafts_under("summarization", text, "Lookup order")


def test_a_sentence_with_an_emoji_is_no_true_false_or_blank():
    text = ("# Concurrency\nAs you sit at the table with your crush, you wait for the `burgers` "
            "to be ready 🍔.\nThe cashier gives you the number of your turn 🔢 at once.\n")
    assert not drafts_of("true_false_fill_blank", text)


# Readings at 4e52233 (FastAPI H, Hugo and Pinia H, the pairs new since fc79580)

def test_a_list_about_an_unnamed_function_is_not_asked():
    text = ("# Python 类型提示简介\n## 动机\n这个函数做了下面这些事情：\n\n- 接收 `first_name` 和 `last_name`\n"
            "- 通过 `title()` 将每个参数的第一个字母转换为大写\n- 用一个空格将它们拼接起来\n")
    assert not drafts_under("summarization", text, "动机")


def test_a_row_named_by_an_examples_colour_is_not_asked():
    text = ("# Colors\n## Sorting\nThe palette of the image, sorted by luminance.\n\n"
            "| Color | Relative luminance |\n|---|---|\n| `#768a9a` | `0.2436` |\n| `#90725e` | `0.1877` |\n")
    assert not drafts_under("factual_recall", text, "Sorting")


# Readings at ef82f55 (round 54, FastAPI I, Hugo and Pinia I)

def test_a_second_clause_after_thats_is_no_predicate():
    assert not gsd._whole_predicate("the actual default value, that's more intuitive with Python")


def test_a_consequence_with_its_examples_in_brackets_is_not_asked():
    text = ("# 响应模型\n如果你添加了返回类型注解，工具和编辑器会报错，提示你的函数返回的类型（例如 `dict`）"
            "与声明的类型（例如一个 Pydantic 模型）不同。\n")
    docs, corpus = corpus_of(text)
    section = docs[0].sections[0]
    drafts = gsd.QUESTION_TYPES["hypothetical"](section, corpus)
    assert drafts and not [d for d in drafts if gsd._askable(d, section, "hypothetical")]


def test_a_story_told_to_you_gets_no_blank_of_its_heading_word():
    text = ("# Concurrency\n## Concurrent Burgers\nYou go to the counter, get your burgers and "
            "come back to the table.\n")
    assert not [d for d in drafts_under("true_false_fill_blank", text, "Concurrent Burgers")
                if d.answer == "burgers"]


# Readings at a8f763f (round 55, FastAPI J, Hugo and Pinia J)

def test_a_guess_the_text_corrects_is_no_rule():
    assert gsd.LANGUAGES["en"].statement("If you were asked how long the string is, you might "
                                         "say 12.", "", str.lower) is None


def test_a_currency_column_of_an_example_is_not_asked():
    text = ("# Multilingual mode\n## Currency\nThe amount formatted per language.\n\n| Language | Value |\n"
            "|---|---|\n| English | $512.50 |\n| Deutsch | 512,50 $ |\n")
    assert not drafts_under("factual_recall", text, "Currency")


@pytest.mark.parametrize("lead", ["在两个例子下，都有：", "运行后可以看到 `v` 和 `p` 都无法通过编译："])
def test_a_chinese_list_about_unseen_examples_is_not_asked(lead):
    text = f"# 请求体\n## 声明\n{lead}\n\n- 编辑器支持类型检查和自动补全\n- 数据校验会自动完成\n- 文档会自动生成\n"
    assert not drafts_under("summarization", text, "声明")


def test_a_table_statement_names_its_table_apart_from_its_namesakes():
    # "“参数”一节的表格中，`G`对应的类型是…": which function's 参数? (Pinia's API pages, reading K)
    text = ("# 模块：pinia\n## defineStore\n### 参数\n参数如下。\n\n| 名称 | 类型 |\n|---|---|\n"
            "| `id` | `string` |\n| `options` | `Object` |\n## mapState\n### 参数\n参数如下。\n\n"
            "| 名称 | 类型 |\n|---|---|\n| `useStore` | `StoreDefinition` |\n| `keys` | `string[]` |\n")
    docs, corpus = corpus_of(text)
    section = next(s for s in docs[0].sections if s.heading_path[-2:] == ("defineStore", "参数"))
    asked = [d.question for d in gsd.QUESTION_TYPES["true_false_fill_blank"](section, corpus)
             if d.verdict is not None]
    assert asked and all("defineStore" in q for q in asked)
