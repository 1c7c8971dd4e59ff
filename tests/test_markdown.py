"""Reading markdown: sections, heading paths, spans, facts, sentence splitting."""

import pytest

import generate_synthetic_data as gsd
from conftest import parse


@pytest.mark.parametrize("text, expected", [
    ("Use e.g. water. Then stop.", ["Use e.g. water.", "Then stop."]),
    ("The U.S. rules apply. Next one.", ["The U.S. rules apply.", "Next one."]),
    ("See No. 5 for details. Done here.", ["See No. 5 for details.", "Done here."]),
    ("Pi is 3.14 today. Yes it is.", ["Pi is 3.14 today.", "Yes it is."]),
    ("Install v1.2.3 first. Then run it.", ["Install v1.2.3 first.", "Then run it."]),
    ("Ask Dr. Smith. She knows.", ["Ask Dr. Smith.", "She knows."]),
    ("It works! Does it? Yes.", ["It works!", "Does it?", "Yes."]),
    ("第一句。第二句！第三句？", ["第一句。", "第二句！", "第三句？"]),
    ("He said \"stop.\" Then left.", ["He said \"stop.\"", "Then left."]),
    ("no split after lower. case start", ["no split after lower. case start"]),
    ("The EU-U.S. Data Privacy Framework applies. Next one.",
     ["The EU-U.S. Data Privacy Framework applies.", "Next one."]),
], ids=["e.g.", "U.S.", "No. 5", "decimal", "version", "Dr.", "!?", "CJK", "quote", "lowercase",
        "EU-U.S."])
def test_split_sentences(text, expected):
    assert gsd.split_sentences(text) == expected


def headings(text):
    return [s.heading_path for s in parse(text).sections]


def test_atx_and_setext_headings_build_heading_paths():
    text = "# Rules\nIntro sentence is here.\n\nParking\n-------\nPark it upright please.\n\n" \
           "### Fines\nFines are fifty units.\n"
    assert headings(text) == [("Rules",), ("Rules", "Parking"), ("Rules", "Parking", "Fines")]


@pytest.mark.parametrize("fence", ["```\n# not a heading\n```", "~~~\n# not a heading\n~~~",
                                   "    # indented code, not a heading"])
def test_hash_lines_in_code_are_not_headings(fence):
    text = f"# Real\nA real sentence here.\n\n{fence}\n\nMore text follows here.\n"
    doc = parse(text)
    assert [s.heading_path for s in doc.sections] == [("Real",)]
    assert len(doc.sections[0].codes) == 1
    assert doc.sections[0].codes[0].code.lstrip().startswith("#")
    assert all("#" not in f.text for f in doc.sections[0].facts)


def test_html_comments_are_not_content():
    text = "# A\nVisible sentence stays here. <!-- hidden remark inside -->\n\n" \
           "<!-- a whole hidden block\nof text -->\n"
    section = parse(text).sections[0]
    assert [f.text for f in section.facts] == ["Visible sentence stays here."]
    assert "hidden" not in section.body


def test_front_matter_is_not_a_section_and_names_the_document():
    text = "---\ntitle: \"Scooter Rules\"\nversion: 2\n---\n\n## Parking\nPark it upright please.\n"
    doc = parse(text)
    assert doc.title == "Scooter Rules"
    assert [s.heading_path for s in doc.sections] == [("Parking",)]
    assert all("version" not in f.text for s in doc.sections for f in s.facts)


def test_title_falls_back_to_first_h1_then_file_name():
    assert parse("# Manual\nOne sentence here.\n").title == "Manual"
    assert parse("Just one sentence here.\n", "field_guide.md").title == "field guide"


def test_heading_without_body_is_not_an_empty_section():
    text = "# Top\n## Empty\n## Full\nThis one has a body.\n"
    assert headings(text) == [("Top", "Full")]


@pytest.mark.parametrize("text", ["", "# Only\n## Headings\n### Here\n", "```\ncode only\n```\n",
                                  "---\ntitle: x\n---\n"],
                         ids=["empty", "headings-only", "code-only", "front-matter-only"])
def test_degenerate_files_give_no_facts(text):
    assert all(not s.facts for s in parse(text).sections)


def test_nested_list_items_keep_parent_text_at_any_depth():
    text = "# P\nParking is allowed here:\n\n- Zones wide enough.\n  - Stand parallel to the curb.\n" \
           "    - Keep two metres from hydrants.\n"
    facts = [f.text for f in parse(text).sections[0].facts]
    assert facts[0] == "Parking is allowed here: Zones wide enough."
    assert facts[1] == "Parking is allowed here: Zones wide enough — Stand parallel to the curb."
    assert facts[2].startswith(facts[1].rstrip("."))
    assert facts[2].endswith("Keep two metres from hydrants.")


def test_table_rows_become_header_cell_facts():
    text = "# T\n| Offence | Fine |\n|---|---|\n| Sidewalk riding | 75 CAD |\n| Passenger | 60 CAD |\n"
    section = parse(text).sections[0]
    assert [f.text for f in section.facts] == ["Offence: Sidewalk riding; Fine: 75 CAD",
                                               "Offence: Passenger; Fine: 60 CAD"]
    assert section.tables[0].header == ("Offence", "Fine")


def test_ordered_list_is_kept_as_a_procedure_with_its_lead_in():
    text = "# R\nTo record a baseline:\n\n1. Switch it on now.\n2. Insert the blank cuvette.\n"
    block = parse(text).sections[0].lists[0]
    assert block.ordered and block.lead_in == "To record a baseline:"
    assert block.items == ("Switch it on now.", "Insert the blank cuvette.")


def test_spans_point_at_the_section_in_the_file():
    text = "\ufeff---\ntitle: T\n---\n# One\nFirst body sentence.\r\n\r\n## Two\nSecond body sentence.\n"
    decoded = gsd.decode_markdown(text.encode("utf-8"))
    doc = parse(decoded)
    for section in doc.sections:
        start, end = section.span
        chunk = decoded[start:end]
        assert chunk.lstrip("#").strip().startswith(section.heading)
        assert all(f.text in " ".join(chunk.split()) for f in section.facts)


def test_long_section_is_split_at_block_boundaries_never_inside_blocks():
    paragraph = "This sentence is long enough to count for the budget. " * 8
    code = "```\n" + "\n".join(f"line {n} of code" for n in range(40)) + "\n```"
    table = "| a | b |\n|---|---|\n" + "\n".join(f"| r{n} | v{n} |" for n in range(30))
    text = f"# Big\n{paragraph}\n\n{code}\n\n{table}\n\n- item one is here\n- item two is here\n\n{paragraph}\n"
    doc = parse(text, budget=120)
    assert len(doc.sections) > 2
    assert {s.heading_path for s in doc.sections} == {("Big",)}
    bodies = [s.body for s in doc.sections]
    assert sum(b.count("```") for b in bodies) == 2 and any(b.count("```") == 2 for b in bodies)
    assert sum(1 for b in bodies if "| r0 |" in b) == 1 and any("| r29 |" in b and "| r0 |" in b for b in bodies)
    assert sorted(s.span for s in doc.sections) == [s.span for s in doc.sections]


def test_cjk_document_gives_sentence_facts():
    text = "# 设备说明\n设备必须在室温下使用。温度不得超过三十度！\n"
    facts = [f.text for f in parse(text).sections[0].facts]
    assert facts == ["设备必须在室温下使用。", "温度不得超过三十度！"]


@pytest.mark.parametrize("raw, reason", [
    (b"", "empty"), (b"\x00\x01binary\x00", "binary"), ("Caf\xe9 cr\xe8me".encode("latin-1"), "UTF-8"),
], ids=["empty", "binary", "latin-1"])
def test_decode_rejects_what_is_not_utf8_text(raw, reason):
    with pytest.raises(ValueError, match=reason):
        gsd.decode_markdown(raw)


def test_decode_drops_the_bom():
    assert gsd.decode_markdown("\ufeff# Hi".encode("utf-8")) == "# Hi"


def facts_of(text):
    return [f.text for s in parse(text).sections for f in s.facts]


def test_html_headings_are_headings_and_their_html_text_is_kept():
    text = '# FAQ\n\n<h3 id="lamp">How long does the lamp last?</h3>\n\nAbout two thousand hours ' \
           'of use.\n\n<h3>Can I <em>clean</em> it &amp; dry it?</h3>\n<p>Use lint-free wipes only.</p>\n'
    sections = parse(text).sections
    assert [s.heading_path for s in sections] == [
        ("FAQ", "How long does the lamp last?"), ("FAQ", "Can I clean it & dry it?")]
    assert [f.text for f in sections[1].facts] == ["Use lint-free wipes only."]


def test_a_heading_that_asks_keeps_its_own_answer():
    docs = [parse("# Lamp\n## How do I reset the counter?\nHold the key for five seconds.\n")]
    drafts = gsd.gen_fact_based(docs[0].sections[0], gsd.Corpus(docs))
    assert drafts[0].answer == "Hold the key for five seconds."
    # framed by the document: "I" names nothing, so "How do I reset the counter?" alone
    # would not say the lamp's
    assert drafts[0].question.endswith('"Lamp", how do I reset the counter?')


def test_site_builder_anchors_are_not_part_of_a_heading():
    assert headings("# Class and Style {#class-and-style}\nBind classes to state here.\n") == [
        ("Class and Style",)]
    # MkDocs (FastAPI's docs) puts spaces inside; kramdown writes "{: #id}"
    assert headings("# Query Parameters { #query-parameters }\nThey follow the path.\n"
                    "## Notes {: .tip #notes}\nRead them first here.\n") == [
        ("Query Parameters",), ("Query Parameters", "Notes")]


@pytest.mark.parametrize("markup", [
    "/// tip | Technical Details\n\nRiders must stop at red lights.\n\n///\n",  # pymdownx
    "//// tab | Python 3.10+\n\nRiders must stop at red lights.\n\n////\n",
    "!!! note \"Read this\"\n    Riders must stop at red lights.\n",  # MkDocs admonition
    "??? warning\n\n    Riders must stop at red lights.\n",
    ":::tip 注意\nRiders must stop at red lights.\n:::\n",  # VitePress container
    "::: {.note}\nRiders must stop at red lights.\n:::\n",  # pandoc fenced div
])
def test_container_markers_of_site_builders_are_not_text(markup):
    sections = parse(f"# Rules\n\n{markup}\n::: fastapi.status\n").sections
    assert [(f.text, s.codes) for s in sections for f in s.facts] == [
        ("Riders must stop at red lights.", ())]


def test_a_document_may_open_on_a_container_marker():
    # the first line of FastAPI's docs/en/docs/deployment/docker.md-like files; a marker
    # right after an admonition line does not unindent what follows it either
    sections = parse("/// info\n\nRiders must stop at red lights.\n\n///\n").sections
    assert [f.text for s in sections for f in s.facts] == ["Riders must stop at red lights."]
    section = parse("# Rules\n\n!!! note\n:::\n\n    let x = 1;\n").sections[0]
    assert [c.code for c in section.codes] == ["let x = 1;"]


def test_a_doc_comment_in_a_code_fence_is_no_container_marker():
    section = parse("# API\nThe function adds one to its input.\n\n```rust\n/// tip\n"
                    "fn add_one(x: i32) -> i32 { x + 1 }\n```\n").sections[0]
    assert [c.code for c in section.codes] == ["/// tip\nfn add_one(x: i32) -> i32 { x + 1 }"]


def test_a_listing_included_from_a_file_is_an_unseen_listing():
    # FastAPI's docs: "{* ../../docs_src/query_params/tutorial002_py310.py hl[7] *}"
    section = parse("# Query Parameters\nYou can declare optional query parameters:\n\n"
                    "{* ../../docs_src/query_params/tutorial002.py hl[7] *}\n\n"
                    "In this case, the function parameter `q` will be optional.\n").sections[0]
    assert [f.text for f in section.facts] == [
        "In this case, the function parameter `q` will be optional."]
    assert [c.lead_in for c in section.codes] == ["You can declare optional query parameters:"]
    assert gsd._leans_on_listing("What will the function parameter `q` be?", section)


@pytest.mark.parametrize("line", [
    "Stability: 2 - Stable",
    "Filename: src/main.rs",
    "Listing 15-1: Storing an i32 value on the heap",
    "{{#rustdoc_include ../listings/ch15/main.rs}}",
    "See the API page for details.",
    "For more information, see the guide.",
    "详见第 4 章。",
    "[![Build](https://ci.example/badge.svg)](https://ci.example)",
])
def test_lines_about_the_document_are_not_facts(line):
    assert facts_of(f"# S\nRiders must stop at red lights.\n\n{line}\n") == [
        "Riders must stop at red lights."]


def test_a_list_of_links_is_a_table_of_contents_not_facts():
    sections = parse("# Guide\nThe guide has three parts.\n\n- [Install](install.md)\n"
                     "- [Configure](configure.md)\n- [Run](run.md)\n").sections
    assert [f.text for f in sections[0].facts] == ["The guide has three parts."]
    assert sections[0].lists == ()


def test_a_nested_list_of_links_is_a_table_of_contents_not_a_list():
    # mdBook's SUMMARY.md: "请概括…“Rust 编程思想”一节列出的内容" listed chapter titles (round 27)
    sections = parse("# Book\n## Basics\n- [Getting started](ch01.md)\n  - [Install](ch01-01.md)\n"
                     "  - [Hello](ch01-02.md)\n- [Ownership](ch04.md)\n  - [Borrowing](ch04-02.md)\n"
                     ).sections
    assert [(s.heading, s.lists, s.facts) for s in sections if s.lists or s.facts] == []
    labelled = parse("# Guide\n- [可感知性](a.md)\n  - 提供文字替代。\n  - 提供字幕。\n").sections
    assert labelled[0].lists and labelled[0].lists[0].items[0].startswith("可感知性")


def test_a_bold_pseudo_heading_is_kept_apart_from_its_sentence():
    section = parse("# Setup\n**Warm-Up.** The lamps need 30 minutes to warm up.\n").sections[0]
    assert [(f.text, f.label) for f in section.facts] == [
        ("The lamps need 30 minutes to warm up.", "Warm-Up")]


def test_code_spans_keep_their_backticks():
    assert facts_of("# API\nCall `fs.readFile()` with a path.\n") == [
        "Call `fs.readFile()` with a path."]


def test_emphasis_stars_around_a_code_span_inside_a_word_are_dropped():
    # "*`formula`*e" (Homebrew's manpage): CommonMark keeps the stars as text, since the
    # closing one is followed by a letter; a reader sees "`formula`e", not markup (round 24)
    assert facts_of("# Fetch\nDownload sources for *`formula`*e and *`cask`*s now.\n") == [
        "Download sources for `formula`e and `cask`s now."]
    assert facts_of("# Ops\nThe `a*` and `*b` spans keep their own stars here.\n") == [
        "The `a*` and `*b` spans keep their own stars here."]


def test_spaces_around_chinese_emphasis_go_with_the_emphasis():
    # "集成测试 就可以 通过" read as broken text to a Chinese reader (round 27)
    assert facts_of("# 测试\n通过这种结构，集成测试 **就可以** 通过 `use` 导入库中的功能。\n") == [
        "通过这种结构，集成测试就可以通过 `use` 导入库中的功能。"]
    assert facts_of("# 语言\n这本书使用 **Rust** 编写全部的示例程序。\n") == [
        "这本书使用 Rust 编写全部的示例程序。"]


def test_title_is_front_matter_then_first_h1_then_first_heading_then_file_name():
    assert parse("---\ntitle: Guide\n---\n## Part\nSome text is here.\n").title == "Guide"
    assert parse("## Installation\nSome text is here.\n# Later\nMore text.\n").title == "Later"
    assert parse("## Installation\nSome text is here.\n").title == "Installation"
    assert parse("Some text is here.\n", "my_guide.md").title == "my guide"


@pytest.mark.parametrize("text, language", [
    ("# 规则\n用户必须在三十天内处理冲突副本。\n", "zh"),
    ("# Rules\nRiders must stop at the red light and wait for green.\n", "en"),
    ("# Regeln\nFahrer müssen an der roten Ampel halten und auf Grün warten, bis die "
     "Straße frei ist und die Ampel es erlaubt.\n", ""),
    ("# `fs.stat(path)`\nReturns a `fs.Stats` object for `path`.\n", "en"),
])
def test_each_section_knows_its_language(text, language):
    assert parse(text).sections[0].language == language

def test_a_definition_list_item_keeps_its_term_with_its_sentences():
    text = ("# Environment\n\n`LAMP_SAVER`\n\n: If set, the lamp sleeps after a scan. The lamp wakes "
            "up if the lid opens.\n\n`LAMP_DEBUG`\n\n: If set, the log is verbose.\n")
    doc = gsd.parse_document(text, "env.md", 1500)
    facts = [f for s in doc.sections for f in s.facts]
    assert [f.kind for f in facts] == ["list_item", "list_item"]
    assert facts[0].text.startswith("`LAMP_SAVER`: If set, the lamp sleeps")
    assert "The lamp wakes up if the lid opens." in facts[0].text


def test_a_table_inside_a_list_item_is_a_table_not_words_of_the_item():
    # Hugo's "hint\n: The content hint …\n\n  Value|Example\n  :--|:--\n  `icon`|Small colorful image"
    text = ("# Processing\nThe options are these:\n\nhint\n: The content hint of an image.\n\n"
            "  Value|Example\n  :--|:--\n  `drawing`|Hand or line drawing\n  `icon`|Small colorful image\n")
    section = gsd.parse_document(text, "p.md", 1500).sections[0]
    assert [t.header for t in section.tables] == [("Value", "Example")]
    assert section.lists[0].items == ("hint: The content hint of an image.",)


def test_an_emoji_shortcode_cell_is_its_sign():
    # ":heavy_check_mark:" in answers read as markup to the readers of Hugo's and Pinia's docs
    section = parse("# Support\nWhat each platform has.\n\n| Feature | Linux | Windows |\n"
                    "|---|---|---|\n| Watch | :heavy_check_mark: | :x: |\n").sections[0]
    assert section.tables[0].rows == (("Watch", "✔", "✘"),)
