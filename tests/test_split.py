"""Chat examples, the train/validation split and the output formats (pure)."""

import json
from collections import defaultdict

import pytest

import generate_synthetic_data as gsd
from conftest import parse


def one_pair():
    section = parse("# A\nRiders must be at least 16 years old.\n").sections[0]
    draft = gsd.Draft("What age must riders be?", "At least 16 years old.",
                      ("Where: A.", "Which sentence: riders must be 16.", "So: 16."))
    return gsd.make_qa(section, "fact_based", draft, "heuristic")


def test_cot_levels_add_steps_one_per_line_before_the_answer():
    qa = one_pair()
    contents = [gsd.chat_example(qa, level).messages[1]["content"] for level in range(4)]
    steps = list(qa.reasoning_steps)
    assert contents == [qa.answer, "\n".join(steps[:1] + [qa.answer]),
                        "\n".join(steps[:2] + [qa.answer]), "\n".join(steps + [qa.answer])]
    assert all(gsd.chat_example(qa, level).messages[0] == {"role": "user", "content": qa.question}
               for level in range(4))
    assert [gsd.chat_example(qa, n).metadata["cot"] for n in range(4)] == list(gsd.COT_LEVELS)


@pytest.mark.parametrize("ratio", [0.5, 0.8, 0.9, 0.97])
def test_validation_share_is_within_one_group_of_the_target(ratio, sample_pairs):
    for split_by in gsd.SPLIT_UNITS:
        train, validation = gsd.split_pairs(sample_pairs, ratio, split_by, 3)
        sizes = defaultdict(int)
        for qa in sample_pairs:
            sizes[gsd.group_key(qa, split_by)] += 1
        assert len(train) + len(validation) == len(sample_pairs)
        assert abs(len(validation) - (1 - ratio) * len(sample_pairs)) <= max(sizes.values())
        sides = {gsd.group_key(qa, split_by) for qa in train}
        assert not sides & {gsd.group_key(qa, split_by) for qa in validation}


def test_big_groups_still_leave_a_validation_set(sample_pairs):
    train, validation = gsd.split_pairs(sample_pairs, 0.99, "document", 1)
    assert train and validation


def test_same_seed_same_split_other_seed_other_split(sample_pairs):
    first = gsd.split_pairs(sample_pairs, 0.9, "qa", 5)
    assert first == gsd.split_pairs(sample_pairs, 0.9, "qa", 5)
    assert first != gsd.split_pairs(sample_pairs, 0.9, "qa", 6)


def test_shuffled_levels_cover_every_example_once():
    order = gsd.shuffled_levels(5, 1, "train")
    assert sorted(order) == [(n, level) for n in range(5) for level in range(4)]
    assert order != sorted(order) and order == gsd.shuffled_levels(5, 1, "train")


@pytest.mark.parametrize("name", sorted(gsd.RENDERERS))
@pytest.mark.parametrize("count", [0, 1, 3])
def test_every_format_renders_parseable_files(name, count):
    output = gsd.RENDERERS[name]
    qa = one_pair()
    lines = [output.line(gsd.chat_example(qa, level % 4)) for level in range(count)]
    text = "".join(output.render(lines))
    if name == "json":
        parsed = json.loads(text)
        assert len(parsed) == count
        assert all([m["role"] for m in example] == ["user", "assistant"] for example in parsed)
    else:
        rows = [json.loads(line) for line in text.splitlines()]
        assert len(rows) == count and all(set(r) == {"messages", "metadata"} for r in rows)
    assert text.endswith("\n") or count == 0
