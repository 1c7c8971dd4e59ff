"""Inputs that must never crash the parser: fuzzed text and bytes, pathological shapes."""


import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import generate_synthetic_data as gsd

MARKDOWN_PIECES = st.sampled_from([
    "# ", "## ", "### ", "\n", "\n\n", "- ", "  - ", "1. ", "> ", "```", "~~~", "    ",
    "| a | b |\n|---|---|\n| c | d |\n", "---\n", "title: x\n", "<!-- ", " -->", "**", "_",
    "`", "Riders must stop. ", "e.g. ", "3.14 ", "数据。", "\r\n", "\ufeff", "===\n", "[a](b)",
])


def check_document(text):
    document = gsd.parse_document(text, "fuzz.md", 200)
    corpus = gsd.Corpus([document])
    for section in document.sections:
        start, end = section.span
        assert 0 <= start <= end <= len(text)
        assert all(f.text.strip() for f in section.facts)
    for qa in gsd.heuristic_qa_pairs(document, corpus, 1):
        assert qa.question.strip() and qa.answer.strip() and len(qa.reasoning_steps) >= 2
        for level in range(len(gsd.COT_LEVELS)):
            assert gsd.chat_example(qa, level).messages[0]["role"] == "user"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(MARKDOWN_PIECES, st.text(max_size=20)), max_size=40).map("".join))
def test_fuzzed_markdown_never_crashes(text):
    check_document(text)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=200))
def test_fuzzed_bytes_decode_or_give_a_reason(raw):
    try:
        text = gsd.decode_markdown(raw)
    except ValueError as error:
        assert str(error)
        return
    check_document(text)


@pytest.mark.parametrize("text", [
    "".join("  " * n + "- item at this depth\n" for n in range(1000)),
    "> " * 1000 + "deep quote here now\n",
    pytest.param("word " * 2_000_000, marks=pytest.mark.slow),
    "\n".join(f"# heading {n}" for n in range(3000)),
    "```\n" + "# code\n" * 5000 + "```\n",
    "---\ntitle: only\n---\n",
], ids=["nested-lists", "nested-quotes", "10MB-line", "only-headings", "only-code", "only-front-matter"])
def test_pathological_documents_are_processed(text):
    check_document(text)


@pytest.mark.slow  # waits on real time or makes thousands of files
def test_symlink_loop_and_thousands_of_tiny_files(tmp_path, capsys):
    docs = tmp_path / "docs"
    (docs / "sub").mkdir(parents=True)
    for n in range(2000):
        (docs / "sub" / f"note{n:04d}.md").write_text(f"# Note {n}\nRiders must stop at sign {n}.\n")
    (docs / "sub" / "loop").symlink_to(docs, target_is_directory=True)  # a cycle
    (docs / "dangling.md").symlink_to(tmp_path / "missing.md")
    status = gsd.main(["--no-llm", "--quiet", "--input-dir", str(docs), "--output-dir",
                       str(tmp_path / "out")])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    report_path = next(Path(p) for p in captured.out.splitlines() if "/run-" in p)
    report = json.loads(report_path.read_text())
    assert len(report["files_read"]) == 2000
    assert [s["source"] for s in report["files_skipped"]] == ["dangling.md"]
    assert "dangling.md" in captured.err
