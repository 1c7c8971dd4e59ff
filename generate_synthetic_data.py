#!/usr/bin/env python3
"""Turn a folder of markdown documents into supervised fine-tuning data.

The script reads every markdown file under an input folder, splits each file into
sections with a CommonMark parser, writes question-answer pairs of fifteen types with
reasoning steps for every section, checks each pair (grounded in its section, a real
question, no duplicate), expands each pair into four chat examples (no chain of thought,
one step, two steps, all steps) and writes a train and a validation file.

Questions come from OpenGVLab/InternVL2-8B through an lmdeploy pipeline on a GPU (the
default), from any OpenAI-compatible server (``--base-url``: lmdeploy's api_server or its
proxy over many GPUs, vLLM, llama.cpp), or from heuristics that only rearrange the
document's own sentences (``--no-llm``, any CPU machine). Every example records which
wrote it. Model replies are kept in an SQLite cache, so an interrupted run resumes.

    pip install -r requirements-cpu.txt && python generate_synthetic_data.py --no-llm
    pip install -r requirements.txt && python generate_synthetic_data.py --temperature 0.8
    python generate_synthetic_data.py --base-url http://localhost:8000/v1 --model NAME

Outputs land in ``output/``: ``train-synthetic-data-<timestamp>.json``,
``validation-synthetic-data-<timestamp>.json``, ``run-<timestamp>.json`` (the report),
``card-<timestamp>.md`` (a dataset card) and, when anything was dropped,
``rejected-<timestamp>.jsonl``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
import random
import re
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Iterable, Iterator, Sequence

__all__ = ["Config", "SyntheticDataError", "main", "run"]

# =============================================================================
# Constants: customisation points, question types, prompt texts
# =============================================================================

MARKDOWN_DOCS_DIR = "markdown_docs"
OUTPUT_DIR = "output"
TRAIN_RATIO = 0.9

DEFAULT_MODEL = "OpenGVLab/InternVL2-8B"
DEFAULT_MAX_TOKENS = 4096
DEFAULT_TEMPERATURE = 0.7
DEFAULT_SEED = 1234
# A section is cut at block boundaries above this many estimated tokens: two sections
# (multi-hop prompts carry a second one), the instructions and a 4096-token reply still
# fit an 8K-token context.
DEFAULT_MAX_SECTION_TOKENS = 1500
DEFAULT_BATCH_SIZE = 1024
DEFAULT_MAX_RETRIES = 2
DEFAULT_CONCURRENCY = 64  # requests in flight to a server: enough to fill a proxy of GPUs
DEFAULT_REQUEST_TIMEOUT = 600.0  # seconds for one reply from a server
# A server that fails (connection refused, 429, 5xx, time-out) is asked again after
# 1, 2, 4, ... seconds (with jitter), at most this many times per request.
SERVER_TRIES = 6
# On Ctrl-C or SIGTERM, replies already on their way are awaited this long, so that they
# land in the cache instead of being lost.
DRAIN_SECONDS = 10.0
# An answer whose content words, numbers and quotes stand less than this much in its
# source sections is rejected as ungrounded (any number or quote not there rejects it).
DEFAULT_MIN_GROUNDING = 0.6
MARKDOWN_SUFFIXES = (".md", ".markdown")
CACHE_NAME = "cache.sqlite3"
CACHE_FORMAT = "generate_synthetic_data reply cache 1"

# Question types in report order, with the difficulty the seed gave each and the share of
# a section's facts it asks for (fact-based and section summary are counted separately:
# one per fact and one per section).
QUESTION_TYPES = (
    "fact_based", "section_summary", "factual_recall", "inference", "multi_hop",
    "application", "comparative", "cause_effect", "summarization", "hypothetical",
    "critical_analysis", "technical_explanation", "process_workflow",
    "true_false_fill_blank", "contextual_ambiguity",
)
DIFFICULTY = {
    "fact_based": "easy", "factual_recall": "easy", "summarization": "easy",
    "process_workflow": "easy", "true_false_fill_blank": "easy",
    "section_summary": "medium", "inference": "medium", "application": "medium",
    "comparative": "medium", "cause_effect": "medium", "technical_explanation": "medium",
    "multi_hop": "hard", "hypothetical": "hard", "critical_analysis": "hard",
    "contextual_ambiguity": "hard",
}
TYPE_PERCENT = {
    "factual_recall": 15, "inference": 10, "multi_hop": 5, "application": 8,
    "comparative": 5, "cause_effect": 5, "summarization": 5, "hypothetical": 5,
    "critical_analysis": 5, "technical_explanation": 10, "process_workflow": 5,
    "true_false_fill_blank": 10, "contextual_ambiguity": 5,
}
COT_LEVELS = ("none", "one_step", "two_step", "all_steps")
SPLIT_UNITS = ("qa", "section", "document")

# Sentence splitting: a period after one of these words does not end a sentence.
ABBREVIATIONS = frozenset(
    "e.g i.e etc vs cf al approx no nos fig figs eq eqs sec art ch vol p pp para "
    "mr mrs ms dr prof st jr sr inc ltd co corp dept est min max ref resp "
    "jan feb mar apr jun jul aug sep sept oct nov dec".split())
STOPWORDS = frozenset("""
a an the and or but nor of to in on at by for with from into onto over under about as is
are was were be been being it its this that these those there their they them he she his
her we our you your i me my not no yes so than then too very can could may might must
shall should will would do does did done has have had having if when while which who whom
whose what where why how all any each every both either neither some such other another
only own same also just more most less least few many much one two three per via upon
within without after before during between among through against above below up down out
off again further once here any each same new used use using""".split())

MODAL_RE = re.compile(
    r"\b(must not|must|shall not|shall|should not|should|may not|may|cannot|can not|can|"
    r"is required to|are required to|is prohibited|are prohibited|is not permitted|"
    r"are not permitted|needs to|need to)\b", re.IGNORECASE)
CAUSE_MARKERS = (
    ("because", "cause_after"), ("due to", "cause_after"), ("since", "cause_after"),
    ("so that", "purpose_after"), ("in order to", "purpose_after"),
    ("results in", "effect_after"), ("resulting in", "effect_after"),
    ("leads to", "effect_after"), ("which results in", "effect_after"),
    ("therefore", "effect_after"), ("as a result", "effect_after"), ("so", "effect_after"),
)
CONDITION_RE = re.compile(r"^(if|when|whenever|unless|once|where|in case)\b\s*(.+?),\s*(.+)$",
                          re.IGNORECASE)
LIMIT_RE = re.compile(
    r"\b(at least|at most|no more than|no less than|not more than|not less than|up to|"
    r"a maximum of|a minimum of|exceed|below|above|under|over|between)\s+"
    r"(\d+(?:[.,]\d+)?)\s*([^\W\d][\w/%°]*)?", re.IGNORECASE)
QUALIFIER_RE = re.compile(
    r"\b(except|unless|however|but|although|provided that|only if|otherwise|instead)\b",
    re.IGNORECASE)
DEFINITION_RE = re.compile(
    r"^(?P<term>[^.:;]{2,60}?)\s+(?:means|refers to|is defined as|stands for)\s+(?P<def>.+)$",
    re.IGNORECASE)
ACRONYM_RE = re.compile(r"\b((?:[A-Z][\w-]*\s+){1,7}[A-Z]?[\w-]*)\s+\(([A-Z][A-Z0-9]{1,9})\)")
ANAPHOR_RE = re.compile(r"^(This|That|These|Those|It|They|Such)\b\s*(\w+)?", re.UNICODE)
CONNECTIVE_RE = re.compile(r"^(?:However|Therefore|Otherwise|Thus|Also|In addition|As a result|"
                           r"Consequently|Instead|Then),\s*")
NUMBER_RE = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*(?![\w])")
POLARITY_SWAPS = (
    (r"\bmust not\b", "must"), (r"\bmust\b", "must not"),
    (r"\bmay not\b", "may"), (r"\bmay\b", "may not"),
    (r"\bcannot\b", "can"), (r"\bcan\b", "cannot"),
    (r"\bshould not\b", "should"), (r"\bshould\b", "should not"),
    (r"\bis not\b", "is"), (r"\bis\b", "is not"),
    (r"\bare not\b", "are"), (r"\bare\b", "are not"),
)
CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")

# --- Prompts for the model (the LLM path). Domain-agnostic on purpose: the document's
# title and the section's heading path are the only context the model is given.
SYSTEM_PROMPT = (
    "You write question-answer pairs for training a language model on a set of documents. "
    "Everything you write must be supported by the document text you are shown: do not add "
    "facts, numbers or names that are not in it. Reply with a single JSON object and nothing "
    "else.")
TYPE_INSTRUCTIONS = {
    "fact_based": "Ask one question whose answer is exactly the statement in focus.",
    "section_summary": "Ask for a summary of the whole section; the answer covers every main "
                       "point of it, briefly.",
    "factual_recall": "Ask for one precise detail (a number, a name, a date, a limit, a "
                      "value) stated in the section.",
    "inference": "Ask a question whose answer is not written in one sentence but follows "
                 "logically from what the section states; the reasoning shows the inference.",
    "multi_hop": "Ask a question that can only be answered by combining a statement of the "
                 "section with a statement of the related section; the reasoning names both.",
    "application": "Describe a short concrete situation and ask how the section's rules or "
                   "instructions apply to it.",
    "comparative": "Ask for a comparison between two things the sections describe (two "
                   "items, two rules, or the section and the related section).",
    "cause_effect": "Ask about a cause and its effect, or a reason and its consequence, that "
                    "the section states.",
    "summarization": "Ask for a summary of one part of the section (a paragraph, a list or "
                     "a table), not the whole section.",
    "hypothetical": "Ask a 'what would happen if' question about a situation the section's "
                    "rules cover; the answer follows from those rules only.",
    "critical_analysis": "Ask a question that weighs a rule or claim of the section: its "
                         "exceptions, conditions, limits or trade-offs as the section states "
                         "them.",
    "technical_explanation": "Ask for an explanation of a term, mechanism, command or "
                             "technical detail of the section.",
    "process_workflow": "Ask about the steps of a procedure or the order of a workflow that "
                        "the section describes.",
    "true_false": "Write a statement about the section that is either true or false (false "
                  "by changing one detail), ask whether it is true, and give the verdict "
                  "with the correct fact in the answer.",
    "fill_blank": "Take one sentence of the section, replace a key word or number with "
                  "'___', ask for the missing words; the answer is exactly those words.",
    "contextual_ambiguity": "Find a word, phrase or reference in the section that could be "
                            "read in more than one way, and ask which reading the context "
                            "supports; list the readings.",
}
RULES_TEXT = (
    "Rules: use only the text above; every number, name and claim in your answer must be "
    "checkable against it. The question must make sense to a reader who has not seen the "
    "document: name the subject instead of saying 'the text' or 'this section'. Give 2 to 5 "
    "reasoning steps: where in the document the answer comes from, which statements support "
    "it, and a last step that reaches the answer. {language}")
LANGUAGE_SAME = ("Write the question, the answer and the reasoning steps in the language "
                 "the section is written in.")
LANGUAGE_NAMED = ("The section is written in {name}: write the question, the answer and the "
                  "reasoning steps in {name}.")
# InternVL2-8B's language model ends a turn with this token; a stop word for it is cheap
# insurance against a run that never stops.
STOP_WORDS = ("<|im_end|>",)

# =============================================================================
# The error type
# =============================================================================


class SyntheticDataError(Exception):
    """A problem the user can fix; the message names the value and the fix."""


# =============================================================================
# Data types
# =============================================================================


@dataclass(frozen=True)
class Config:
    """Everything a run depends on, built from argv and validated once (build_config)."""

    input_dir: Path = Path(MARKDOWN_DOCS_DIR)
    output_dir: Path = Path(OUTPUT_DIR)
    train_ratio: float = TRAIN_RATIO
    model: str = DEFAULT_MODEL
    max_tokens: int = DEFAULT_MAX_TOKENS
    temperature: float = DEFAULT_TEMPERATURE
    no_llm: bool = False
    seed: int = DEFAULT_SEED
    output_format: str = "json"
    split_by: str = "qa"
    quiet: bool = False
    max_section_tokens: int = DEFAULT_MAX_SECTION_TOKENS
    backend: str = "turbomind"
    tp: int = 0  # 0: one per visible GPU
    session_len: int = 8192
    cache_max_entry_count: float = 0.8
    batch_size: int = DEFAULT_BATCH_SIZE
    max_retries: int = DEFAULT_MAX_RETRIES
    fallback: str = "none"
    min_grounding: float = DEFAULT_MIN_GROUNDING
    keep_duplicates: bool = False
    cache: Path | None = None  # None: CACHE_NAME in the output folder
    no_cache: bool = False
    base_url: str | None = None  # an OpenAI-compatible server instead of lmdeploy in-process
    api_key: str | None = None
    concurrency: int = DEFAULT_CONCURRENCY
    response_format: str = "json_schema"
    request_timeout: float = DEFAULT_REQUEST_TIMEOUT

    @property
    def cache_path(self) -> Path | None:
        """Where model replies are kept, or None when caching is off."""
        if self.no_cache or self.no_llm:
            return None
        return self.cache or self.output_dir / CACHE_NAME


@dataclass(frozen=True)
class Fact:
    """One checkable statement of a section: a sentence, a list item or a table row."""

    text: str
    kind: str  # "sentence", "list_item" or "table_row"
    previous: str = ""  # the sentence before it in the same paragraph, if any


@dataclass(frozen=True)
class ListBlock:
    ordered: bool
    lead_in: str  # the paragraph just before the list, often ending with ":"
    items: tuple[str, ...]  # the top-level items' own text


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class CodeBlock:
    lead_in: str
    code: str


@dataclass(frozen=True)
class Section:
    """A heading and the blocks under it, up to the next heading (or a size-budget cut)."""

    source: str  # file path relative to the input folder, with "/" separators
    doc_title: str
    heading_path: tuple[str, ...]
    span: tuple[int, int]  # [start, end) characters of the decoded file (BOM removed)
    index: int  # position in its document
    body: str  # the section's markdown, HTML comments removed
    facts: tuple[Fact, ...] = ()
    paragraphs: tuple[tuple[str, ...], ...] = ()  # sentences of each paragraph
    lists: tuple[ListBlock, ...] = ()
    tables: tuple[Table, ...] = ()
    codes: tuple[CodeBlock, ...] = ()

    @cached_property
    def key(self) -> str:
        return f"{self.source}#{self.index}"

    @property
    def heading(self) -> str:
        return self.heading_path[-1] if self.heading_path else self.doc_title


@dataclass(frozen=True)
class Document:
    source: str
    title: str
    sections: tuple[Section, ...]


@dataclass(frozen=True)
class QAPair:
    qa_id: str
    question_type: str
    question: str
    answer: str
    reasoning_steps: tuple[str, ...]
    section: Section
    generator: str  # "heuristic" or the model's name
    related: tuple[Section, ...] = ()  # other sections the answer draws on
    key: tuple[str, ...] = ()  # words that must stand in the source as written (a blank's fill)

    @property
    def sources(self) -> tuple[Section, ...]:
        return (self.section, *self.related)

    @property
    def difficulty(self) -> str:
        return DIFFICULTY[self.question_type]


@dataclass(frozen=True)
class Example:
    messages: tuple[dict, ...]
    metadata: dict


@dataclass(frozen=True)
class Reply:
    """What an engine made of one request, in the engine's own words."""

    text: str
    finish_reason: str  # "stop", "length", "error" or "abort"
    input_tokens: int = 0
    output_tokens: int = 0
    error: str = ""


@dataclass
class RunReport:
    """Counts gathered along a run; written to run-<timestamp>.json and summarised."""

    files_read: list[str] = field(default_factory=list)
    files_skipped: list[dict] = field(default_factory=list)
    sections: int = 0
    requested: Counter = field(default_factory=Counter)
    produced: Counter = field(default_factory=Counter)
    accepted: Counter = field(default_factory=Counter)
    rejected: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    grounding: list[float] = field(default_factory=list)  # scores of the accepted pairs
    llm: dict = field(default_factory=dict)

    def shortfall(self) -> dict[str, int]:
        """Per type, how many fewer pairs were accepted than were asked for."""
        return {t: self.requested[t] - self.accepted[t] for t in QUESTION_TYPES
                if self.requested[t] > self.accepted[t]}

# =============================================================================
# Pure functions: text helpers
# =============================================================================

_SENTENCE_END = re.compile(r"([.!?…]+)([\"'”’)\]]*)(\s+)|([。！？]+[”」』）]*)")


def _ends_with_abbreviation(before: str) -> bool:
    """True when the word ending `before` is an abbreviation, an initial or a dotted name.

    "see e.g" -> True, "Chapter No" -> True, "in the U.S" -> True, "ride slowly" -> False
    """
    match = re.search(r"(\S+)$", before)
    if not match:
        return False
    word = match.group(1).lstrip("([\"'“‘")
    if word.lower() in ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
        return True
    return bool(re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", word))


def split_sentences(text: str) -> list[str]:
    """Split prose into sentences without breaking abbreviations, decimals or versions.

    "Use e.g. water. Pi is 3.14 in v1.2.3. Next!" -> ["Use e.g. water.",
    "Pi is 3.14 in v1.2.3.", "Next!"];  "第一句。第二句！" -> ["第一句。", "第二句！"]
    """
    sentences, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        if match.group(4):  # CJK full stop: always a boundary
            end = resume = match.end()
        else:
            end, resume = match.end(2), match.end()
            following = text[resume:resume + 1]
            if following and not (following.isupper() or following.isdigit()
                                  or following in "\"“‘([*_`" or CJK_RE.match(following)):
                continue
            if match.group(1) == "." and _ends_with_abbreviation(text[start:match.start()]):
                continue
        piece = text[start:end].strip()
        if piece:
            sentences.append(piece)
        start = resume
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


def estimate_tokens(text: str) -> int:
    """Rough token count: one per CJK character, one per four other characters.

    "abcdefgh" -> 2;  "数据集" -> 3
    """
    cjk = len(CJK_RE.findall(text))
    return cjk + (len(text) - cjk + 3) // 4


_WORD_RE = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*")


def normalize_space(text: str) -> str:
    """"a \\n  b " -> "a b" """
    return " ".join(text.split())


@lru_cache(maxsize=1 << 14)  # a question or answer is looked at by several checks
def content_words(text: str) -> tuple[str, ...]:
    """Lower-case words worth matching on: no stopwords, no one- or two-letter words.

    "The lamp lasts 2000 hours." -> ("lamp", "lasts", "2000", "hours")
    """
    words = _WORD_RE.findall(text.lower())
    return tuple(w for w in words if (len(w) > 2 or w.isdigit()) and w not in STOPWORDS)


def is_fact(text: str) -> bool:
    """A fact says something on its own: three words or more (six CJK characters), and it
    is not a lead-in that ends with a colon.

    "Riders must be 16." -> True;  "Parking:" -> False;  "See below" -> False
    """
    if text.endswith((":", "：")):
        return False
    cjk = len(CJK_RE.findall(text))
    return cjk >= 6 or len(text.split()) >= 3


def join_parent(parent: str, child: str) -> str:
    """Give a nested list item its parent's text.

    ("Parking is allowed here:", "corrals.") -> "Parking is allowed here: corrals."
    ("Furniture zones.", "Stand parallel.") -> "Furniture zones — Stand parallel."
    """
    if not parent:
        return child
    if parent.endswith((":", "：")):
        return f"{parent} {child}"
    return f"{parent.rstrip('.;。')} — {child}"


def stable_id(*parts: object) -> str:
    """A short hash that stays the same across runs and machines."""
    digest = hashlib.sha1("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()
    return digest[:16]

# =============================================================================
# Pure functions: reading markdown into sections
# =============================================================================

_NEWLINE_RE = re.compile(r"\r\n|\r|\n")
_HTML_COMMENT_RE = re.compile(r"<!--.*?-->", re.DOTALL)


def decode_markdown(raw: bytes) -> str:
    """Decode a file's bytes as UTF-8 (a BOM is dropped) or say why it is not text.

    b"\\xef\\xbb\\xbf# Hi" -> "# Hi";  b"" -> ValueError("the file is empty")
    """
    if not raw.strip():
        raise ValueError("the file is empty")
    if b"\x00" in raw[:8192]:
        raise ValueError("it looks binary (it contains NUL bytes), not markdown text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError(f"it is not UTF-8 text (byte {error.start}); re-save it as UTF-8") from None


def split_front_matter(text: str) -> tuple[str | None, str]:
    """Blank out YAML front matter (keeping line numbers) and return its title, if any.

    "---\\ntitle: Bylaw\\n---\\n# A" -> ("Bylaw", "\\n\\n\\n# A")
    """
    lines = _NEWLINE_RE.split(text)
    if not lines or lines[0].rstrip() != "---":
        return None, text
    for end in range(1, len(lines)):
        if lines[end].rstrip() in ("---", "..."):
            header = lines[1:end]
            if not any(re.match(r"^[\w-]+\s*:", line) for line in header):
                return None, text
            title = None
            for line in header:
                match = re.match(r"^title\s*:\s*(.+?)\s*$", line)
                if match:
                    title = match.group(1).strip("'\"").strip() or None
            return title, "\n" * (end + 1) + "\n".join(lines[end + 1:])
    return None, text


def _markdown_parser():
    from markdown_it import MarkdownIt  # imported here: nothing heavy at import time

    return MarkdownIt("commonmark").enable("table")


def _inline_text(token) -> str:
    """Plain text of an inline token: markup dropped, inline HTML (comments) dropped."""
    parts = []
    for child in token.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(child.content)
    return normalize_space("".join(parts))


def _block_end(tokens: list, start: int) -> int:
    """Index just past the top-level block that opens at tokens[start]."""
    if tokens[start].nesting == 0:
        return start + 1
    depth = 0
    for index in range(start, len(tokens)):
        depth += tokens[index].nesting
        if depth == 0:
            return index + 1
    return len(tokens)


@dataclass(frozen=True)
class _Unit:
    """A piece of a section that is never cut: a block, or one top-level list item."""

    kind: str
    tokens: tuple
    lines: tuple[int, int]
    group: int = 0  # list items of the same list share a group


def _units(tokens: list) -> Iterator[tuple[int, str, _Unit | None]]:
    """Yield (heading level, heading text, None) for each heading and (0, "", unit) for
    each uncuttable piece of content, in document order."""
    index = 0
    while index < len(tokens):
        token = tokens[index]
        end = _block_end(tokens, index)
        if token.type == "heading_open":
            yield int(token.tag[1:]), _inline_text(tokens[index + 1]), None
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            inner = index + 1
            while inner < end - 1:
                item_end = _block_end(tokens, inner)
                item = tokens[inner]
                kind = "ordered_item" if token.type == "ordered_list_open" else "bullet_item"
                yield 0, "", _Unit(kind, tuple(tokens[inner:item_end]), tuple(item.map), index)
                inner = item_end
        elif token.type != "html_block" and token.type != "hr" and token.map:
            yield 0, "", _Unit(token.type.replace("_open", ""), tuple(tokens[index:end]),
                               tuple(token.map))
        index = end


def parse_document(text: str, source: str, max_section_tokens: int) -> Document:
    """Split one markdown file into sections with their facts.

    "# A\\nOne fact here.\\n## B\\nTwo facts here." -> sections with heading paths
    ("A",) and ("A", "B")
    """
    front_title, markdown = split_front_matter(text)
    tokens = _markdown_parser().parse(markdown)
    offsets = [0] + [m.end() for m in _NEWLINE_RE.finditer(text)] + [len(text)]
    groups: list[tuple[tuple[str, ...], int | None, list[_Unit]]] = []
    stack: list[tuple[int, str]] = []
    first_h1 = None
    for level, heading, unit in _units(tokens):
        if unit is None:
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, heading))
            first_h1 = first_h1 or (heading if level == 1 else None)
            groups.append((tuple(h for _, h in stack), None, []))
            continue
        if not groups:
            groups.append(((), None, []))
        groups[-1][2].append(unit)
    title = front_title or first_h1 or Path(source).stem.replace("_", " ").replace("-", " ")
    sections = []
    heading_lines = _heading_lines(tokens)
    for (path, _, units), head_line in zip(groups, _pad(heading_lines, groups)):
        for chunk_no, chunk in enumerate(_chunk_units(units, text, offsets, max_section_tokens)):
            start_line = head_line if (chunk_no == 0 and head_line is not None) else chunk[0].lines[0]
            span = (offsets[start_line], offsets[min(chunk[-1].lines[1], len(offsets) - 1)])
            section = _build_section(chunk, text, span, source, title, path or (title,),
                                     len(sections))
            if section.facts or section.codes:
                sections.append(section)
    return Document(source, title, tuple(sections))


def _heading_lines(tokens: list) -> list[int]:
    return [t.map[0] for t in tokens if t.type == "heading_open" and t.level == 0]


def _pad(heading_lines: list[int], groups: list) -> list[int | None]:
    """Line of each group's heading; a preamble before the first heading has none."""
    missing = len(groups) - len(heading_lines)
    return [None] * missing + list(heading_lines)


def _chunk_units(units: list[_Unit], text: str, offsets: list[int],
                 budget: int) -> list[list[_Unit]]:
    """Greedily pack units into chunks of at most `budget` estimated tokens; a unit larger
    than the budget stays whole in a chunk of its own."""
    chunks: list[list[_Unit]] = []
    size = 0
    for unit in units:
        start, end = offsets[unit.lines[0]], offsets[min(unit.lines[1], len(offsets) - 1)]
        cost = estimate_tokens(text[start:end])
        if not chunks or (size + cost > budget and chunks[-1]):
            chunks.append([])
            size = 0
        chunks[-1].append(unit)
        size += cost
    return [chunk for chunk in chunks if chunk]


class _SectionBuilder:
    """Collects the facts and structures of one section's units, in order."""

    def __init__(self) -> None:
        self.facts: list[Fact] = []
        self.paragraphs: list[tuple[str, ...]] = []
        self.lists: list[ListBlock] = []
        self.tables: list[Table] = []
        self.codes: list[CodeBlock] = []
        self.lead_in = ""
        self._list_group: int | None = None
        self._list_items: list[str] = []
        self._list_ordered = False
        self._list_lead = ""

    def add(self, unit: _Unit) -> None:
        if unit.kind in ("ordered_item", "bullet_item"):
            self._add_item(unit)
            return
        self._close_list()
        if unit.kind == "paragraph":
            self._add_prose([t for t in unit.tokens if t.type == "inline"])
        elif unit.kind == "blockquote":
            self._add_prose([t for t in unit.tokens if t.type == "inline"])
        elif unit.kind == "table":
            self._add_table(unit.tokens)
        elif unit.kind in ("fence", "code_block"):
            self.codes.append(CodeBlock(self.lead_in, unit.tokens[0].content.rstrip("\n")))
            self.lead_in = ""

    def _add_prose(self, inlines: list) -> None:
        for inline in inlines:
            text = _inline_text(inline)
            sentences = tuple(split_sentences(text))
            if not sentences:
                continue
            self.paragraphs.append(sentences)
            previous = ""
            for sentence in sentences:
                if is_fact(sentence):
                    self.facts.append(Fact(sentence, "sentence", previous))
                previous = sentence
            self.lead_in = sentences[-1]

    def _add_item(self, unit: _Unit) -> None:
        if unit.group != self._list_group:
            self._close_list()
            self._list_group = unit.group
            self._list_ordered = unit.kind == "ordered_item"
            self._list_lead = self.lead_in
        root = self._list_lead if self._list_lead.endswith((":", "：")) else ""
        texts = _list_item_texts(unit.tokens, root)
        item = " ".join(own for own, _ in texts if own)
        if item:  # the item with its nested items, for procedures and summaries
            self._list_items.append(item)
        for own, full in texts:
            if is_fact(full) and own:
                self.facts.append(Fact(full, "list_item"))

    def _close_list(self) -> None:
        if self._list_group is not None and self._list_items:
            self.lists.append(ListBlock(self._list_ordered, self._list_lead,
                                        tuple(self._list_items)))
            self.lead_in = ""
        self._list_group, self._list_items = None, []

    def _add_table(self, tokens: tuple) -> None:
        rows: list[list[str]] = []
        for token in tokens:
            if token.type == "tr_open":
                rows.append([])
            elif token.type == "inline" and rows:
                rows[-1].append(_inline_text(token))
        if len(rows) < 2:
            return
        header, body = tuple(rows[0]), tuple(tuple(r) for r in rows[1:] if any(r))
        self.tables.append(Table(header, body))
        for row in body:
            cells = [f"{h}: {c}" for h, c in zip(header, row) if c]
            if cells:
                self.facts.append(Fact("; ".join(cells), "table_row"))
        self.lead_in = ""

    def finish(self) -> dict:
        self._close_list()
        return dict(facts=tuple(self.facts), paragraphs=tuple(self.paragraphs),
                    lists=tuple(self.lists), tables=tuple(self.tables), codes=tuple(self.codes))


def _list_item_texts(tokens: tuple, root: str) -> list[tuple[str, str]]:
    """(own text, text with every ancestor's text) for a list item and all items nested in
    it, in document order.

    "- Zones:\\n  - Stand upright." -> [("Zones:", "Zones:"),
    ("Stand upright.", "Zones: Stand upright.")]
    """
    items: list[list] = []  # [own parts, parent index]
    open_items: list[int] = []
    for token in tokens:
        if token.type == "list_item_open":
            items.append([[], open_items[-1] if open_items else None])
            open_items.append(len(items) - 1)
        elif token.type == "list_item_close":
            open_items.pop()
        elif token.type == "inline" and open_items:
            items[open_items[-1]][0].append(_inline_text(token))
    result: list[tuple[str, str]] = []
    for parts, parent in items:
        own = normalize_space(" ".join(parts))
        base = result[parent][1] if parent is not None else root
        result.append((own, join_parent(base, own) if own else base))
    return result


def _build_section(units: list[_Unit], text: str, span: tuple[int, int], source: str,
                   title: str, path: tuple[str, ...], index: int) -> Section:
    builder = _SectionBuilder()
    for unit in units:
        builder.add(unit)
    body = _HTML_COMMENT_RE.sub("", text[span[0]:span[1]]).strip()
    return Section(source, title, path, span, index, body, **builder.finish())

# =============================================================================
# Pure functions: question planning and the heuristic (--no-llm) generators
# =============================================================================


def plan_counts(n_facts: int, carry: dict[str, float] | None = None
                ) -> tuple[dict[str, int], dict[str, float]]:
    """How many questions of each non-fact, non-summary type a section with `n_facts`
    facts asks for: the seed's percentages, rounded by largest remainder. `carry` holds the
    fractions earlier sections of the document rounded away, so that over a document every
    type gets its share even when each section alone is too small for it.

    10 -> ({"factual_recall": 2, "application": 1, ...}, carry) with 9 questions in all
    1 -> ({"factual_recall": 1, every other type: 0}, {"factual_recall": -0.85, ...})
    """
    carry = carry or {}
    quotas = {t: n_facts * p / 100 + carry.get(t, 0.0) for t, p in TYPE_PERCENT.items()}
    total = max(0, int(sum(quotas.values()) + 0.5))
    counts = {t: max(0, math.floor(q)) for t, q in quotas.items()}
    order = sorted(quotas, key=lambda t: (-(quotas[t] - counts[t]), QUESTION_TYPES.index(t)))
    for t in order[: max(0, total - sum(counts.values()))]:
        counts[t] += 1
    return counts, {t: quotas[t] - counts[t] for t in quotas}


@dataclass(frozen=True)
class Draft:
    """A question, its answer and its reasoning, before it is tied to ids and metadata."""

    question: str
    answer: str
    steps: tuple[str, ...]
    related: tuple[Section, ...] = ()
    key: tuple[str, ...] = ()


class Corpus:
    """All sections of a run, with the look-ups that cross-section question types need."""

    def __init__(self, documents: Sequence[Document]) -> None:
        self.sections = [s for d in documents for s in d.sections]
        self._by_source: dict[str, list[Section]] = defaultdict(list)
        for section in self.sections:
            self._by_source[section.source].append(section)
        self._terms: dict[str, dict[str, list[tuple[Section, Fact]]]] = {}
        self._term_sections: dict[str, dict[str, frozenset[str]]] = {}
        self._acronyms: dict[str, dict[str, tuple[str, Section, str]]] = {}

    def document_sections(self, section: Section) -> list[Section]:
        return self._by_source[section.source]

    def term_index(self, source: str) -> dict[str, list[tuple[Section, Fact]]]:
        """Content words of a document -> the (section, fact) pairs that use them."""
        if source not in self._terms:
            index: dict[str, list[tuple[Section, Fact]]] = defaultdict(list)
            for section in self._by_source[source]:
                for fact in section.facts:
                    for word in set(content_words(fact.text)):
                        if len(word) >= 4 and not word.isdigit():
                            index[word].append((section, fact))
            self._terms[source] = index
            self._term_sections[source] = {
                word: frozenset(s.key for s, _ in pairs) for word, pairs in index.items()}
        return self._terms[source]

    def term_sections(self, source: str) -> dict[str, frozenset[str]]:
        """Content words of a document -> keys of the sections that use them."""
        self.term_index(source)
        return self._term_sections[source]

    def acronyms(self, source: str) -> dict[str, tuple[str, Section, str]]:
        """"Riverbend Transport Authority (RTA)" -> {"RTA": ("Riverbend Transport
        Authority", section, sentence)} for one document."""
        if source in self._acronyms:
            return self._acronyms[source]
        found: dict[str, tuple[str, Section, str]] = {}
        self._acronyms[source] = found
        for section in self._by_source[source]:
            for fact in section.facts:
                for match in ACRONYM_RE.finditer(fact.text):
                    words = match.group(1).split()
                    expansion = " ".join(words[-len(match.group(2)):]) \
                        if len(words) > len(match.group(2)) else match.group(1)
                    found.setdefault(match.group(2), (expansion, section, fact.text))
        return found


# --- small helpers shared by the generators ----------------------------------


def _where(section: Section) -> str:
    path = " > ".join(section.heading_path)
    return f'The answer comes from "{section.doc_title}", section "{path}".'


def _quote(text: str) -> str:
    return f'The text there reads: "{text}"'


def _doc(section: Section) -> str:
    return f'"{section.doc_title}"'


def _strip_end(text: str) -> str:
    return text.rstrip(" .;:。：")


def _capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lower_start(text: str, body: str) -> str:
    """Lower-case the first word unless it is a name, an acronym or a code.

    ("Riders must stop", body) -> "riders must stop";  "RTA staff" -> "RTA staff"
    """
    first = text.split(" ", 1)[0]
    if first.lower() in STOPWORDS:
        return first.lower() + text[len(first):]
    if not first[:1].isupper() or any(c.isupper() or c.isdigit() for c in first[1:]):
        return text
    if re.search(r"[a-z,;] " + re.escape(first) + r"\b", body):
        return text  # written capitalised mid-sentence: a name
    return first.lower() + text[len(first):]


def _prose(section: Section) -> str:
    """The section's facts as one string (headings left out), for case look-ups."""
    return " ".join(f.text for f in section.facts)


def _own_text(fact: Fact) -> str:
    """The list item's own words, without the parents and lead-in joined to it."""
    text = fact.text
    if fact.kind == "list_item":
        text = text.rsplit(" — ", 1)[-1]
        if ": " in text:
            text = text.split(": ", 1)[1]
    return text


def _topic(text: str, words: int = 6) -> str:
    """The opening words of a statement, never so many that they give the rest away.

    "The lamp lasts about 2000 hours in use." -> "The lamp lasts about …"
    """
    count = len(_strip_end(text).split())
    return _short(text, max(2, min(words, count - 4)))


def _short(text: str, words: int = 6) -> str:
    parts = _strip_end(text).split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


_MODAL_Q = re.compile(
    r"^(?P<subj>[^,;:]{2,60}?)\s+(?P<modal>must|shall|should|may|can|cannot|will|needs to|"
    r"need to|is required to|are required to)(?P<neg>\s+not)?\s+(?P<verb>[a-z]+)\b(?P<rest>.*)$")
_BE_Q = re.compile(r"^(?P<subj>[^,;:]{2,80}?)\s+(?P<be>is|are)\s+(?P<rest>.+)$")
_PREPOSITIONS = ("to", "with", "from", "on", "for", "into")
_CLAUSE_WORDS = frozenset("that which who whom whose where when if is are was were be has have "
                          "had do does did can may must will".split())
_PRONOUNS = frozenset("it they this these that those he she we you i".split())


def _plain_subject(subject: str) -> bool:
    """A noun phrase short and simple enough to ask about: no clause inside, no pronoun.

    "A rider under 18" -> True;  "The lamp emits light that" -> False;  "It" -> False
    """
    words = subject.lower().split()
    return 0 < len(words) <= 7 and not (set(words) & _CLAUSE_WORDS) and \
        words[0] not in ("and", "or", "but", "so", "nor") and \
        words[-1] not in ("and", "or", "but", "nor") and \
        not (len(words) == 1 and words[0] in _PRONOUNS)


def _statement_question(section: Section, text: str) -> str | None:
    """Turn a statement into a wh-question when its shape is plain enough.

    "A rider under 18 must wear a helmet." -> 'According to "Doc", what must a rider
    under 18 wear?';  "The UV-2 is a benchtop spectrophotometer." -> '... what is the UV-2?'
    """
    lead = f"According to {_doc(section)}, "
    match = _MODAL_Q.match(_strip_end(text))
    if match and _plain_subject(match["subj"]) and not CONDITION_RE.match(text):
        subj, modal, verb = _lower_start(match["subj"], _prose(section)), match["modal"], match["verb"]
        negative = " not" if (match["neg"] or modal == "cannot") else ""
        modal = "can" if modal == "cannot" else modal
        rest = match["rest"].split()
        prep = f" {rest[0]}" if rest and rest[0] in _PREPOSITIONS and verb != "be" else ""
        if modal in ("is required to", "are required to"):
            return f"{lead}what {modal.split()[0]} {subj}{negative} required to {verb}{prep}?"
        if modal in ("needs to", "need to"):
            return f"{lead}what does {subj}{negative} need to {verb}{prep}?"
        return f"{lead}what {modal} {subj}{negative} {verb}{prep}?"
    match = _BE_Q.match(_strip_end(text))
    if match and _plain_subject(match["subj"]) and not CONDITION_RE.match(text):
        subj, first = _lower_start(match["subj"], _prose(section)), match["rest"].split()[0]
        if re.fullmatch(r"[a-z]+(?:ed|en)", first):
            return f"{lead}what is said about how {subj} {match['be']} {first}?"
        if first in ("a", "an", "the") or first.isdigit():
            return f"{lead}what {match['be']} {subj}?"
    return None


def _fact_question(section: Section, fact: Fact) -> str:
    """A question whose answer is the fact, in the most specific form that fits."""
    if fact.kind == "table_row":
        first = fact.text.split("; ", 1)[0].split(": ", 1)[-1]
        return f'According to {_doc(section)}, what does the table in "{section.heading}" ' \
               f'give for "{first}"?'
    own = CONNECTIVE_RE.sub("", _own_text(fact))
    definition = DEFINITION_RE.match(own)
    if definition:
        return f'In {_doc(section)}, what does "{definition["term"].strip()}" mean?'
    question = _statement_question(section, own)
    if question:
        return question
    return f'According to {_doc(section)}, what does the section "{section.heading}" say ' \
           f'about "{_topic(_lower_start(own, _prose(section)))}"?'


# --- one generator per question type: each returns every honest candidate ----


def gen_fact_based(section: Section, corpus: Corpus) -> list[Draft]:
    drafts, seen = [], set()
    for fact in section.facts:
        question = _fact_question(section, fact)
        if question in seen:
            question = f'According to {_doc(section)}, what does the section ' \
                       f'"{section.heading}" say about "{_topic(_own_text(fact), 10)}"?'
        seen.add(question)
        drafts.append(Draft(question, fact.text, (
            _where(section), _quote(fact.text), "That statement answers the question.")))
    return drafts


def gen_section_summary(section: Section, corpus: Corpus) -> list[Draft]:
    parts = [p[0] for p in section.paragraphs if not p[0].endswith((":", "："))]
    method = "the opening sentence of each paragraph and the items of each list and table"
    if len(section.paragraphs) == 1 and not section.lists and not section.tables:
        parts = list(section.paragraphs[0][:3])  # one paragraph: its lead is not enough
        method = "the first sentences of its one paragraph"
    for block in section.lists:
        lead = f"{_strip_end(block.lead_in)}: " if block.lead_in.endswith((":", "：")) else ""
        parts.append(lead + "; ".join(_strip_end(i) for i in block.items) + ".")
    for table in section.tables:
        parts.append(f"{table.header[0]}: " + "; ".join(r[0] for r in table.rows) + ".")
    if not parts:
        return []
    answer = " ".join(parts[:8])
    question = f'Summarize the section "{section.heading}" of {_doc(section)}.'
    return [Draft(question, answer, (
        _where(section),
        f"The section has {len(section.paragraphs)} paragraph(s), {len(section.lists)} "
        f"list(s) and {len(section.tables)} table(s); the summary takes {method}.",
        "Joined in order, those statements give the summary."))]


def gen_factual_recall(section: Section, corpus: Corpus) -> list[Draft]:
    drafts = []
    for table in section.tables:
        for row in table.rows:
            for column in range(1, min(len(row), len(table.header))):
                if not row[column]:
                    continue
                question = f'According to the table in "{section.heading}" of ' \
                           f'{_doc(section)}, what is the "{table.header[column]}" for ' \
                           f'"{row[0]}"?'
                answer = f'{row[column]}'
                row_text = "; ".join(f"{h}: {c}" for h, c in zip(table.header, row))
                drafts.append(Draft(question, answer, (
                    _where(section), _quote(row_text),
                    f'The "{table.header[column]}" cell of that row holds the answer.')))
    for fact in section.facts:
        match = re.search(r"(?<![\w.±-])(\d+(?:[.,]\d+)?)\s+([^\W\d][\w/%°]*)", fact.text)
        if fact.kind != "sentence" or not match or match.group(2).lower() in STOPWORDS:
            continue
        asked = fact.text[:match.start()] + f"how many {match.group(2)}" + \
            fact.text[match.end():]
        question = f"According to {_doc(section)}: {_strip_end(asked)}?"
        drafts.append(Draft(question, f"{match.group(1)} {match.group(2)}", (
            _where(section), _quote(fact.text),
            f"The figure given there is {match.group(1)} {match.group(2)}.")))
    return drafts


_UPPER = ("at most", "no more than", "not more than", "up to", "a maximum of", "within",
          "exceed")
_LOWER = ("at least", "no less than", "not less than", "a minimum of")


def _rule_subject(section: Section, text: str) -> str:
    """Who or what a rule is about: the words before its modal verb.

    "The speed of a scooter must not exceed 20 km/h." -> "the speed of a scooter"
    """
    match = MODAL_RE.search(text)
    subject = text[:match.start()].strip(" ,").rsplit(", ", 1)[-1] if match else \
        CONNECTIVE_RE.sub("", text).split(",", 1)[0]
    if not _plain_subject(subject) or CONDITION_RE.match(text):
        return f'"{_short(text, 6)}"'
    return _lower_start(subject, _prose(section))


def gen_inference(section: Section, corpus: Corpus) -> list[Draft]:
    """A number limit lets one infer whether another value complies."""
    drafts = []
    pattern = re.compile(r"\b(" + "|".join(_UPPER + _LOWER) + r"|capped at)\s+(\d+(?:\.\d+)?)"
                         r"\s+([^\W\d][\w/%°]*)", re.IGNORECASE)
    for fact in section.facts:
        match = pattern.search(fact.text)
        if fact.kind != "sentence" or not match or CONDITION_RE.match(fact.text) \
                or len(NUMBER_RE.findall(fact.text)) != 1:
            continue
        if not (MODAL_RE.search(fact.text) or match.group(1).lower() == "capped at"):
            continue
        phrase, number, unit = match.group(1).lower(), float(match.group(2)), match.group(3)
        upper = phrase in _UPPER or phrase == "capped at"
        probe = number * 2 if upper else number / 2
        probe_text = f"{probe:g} {unit}"
        question = f"Under {_doc(section)}, would {probe_text} comply with the rule in " \
                   f'"{section.heading}" on {_rule_subject(section, fact.text)}?'
        relation = "more" if upper else "less"
        answer = f"No. {probe_text} is {relation} than {number:g} {unit}, the limit the text sets."
        drafts.append(Draft(question, answer, (
            _where(section), _quote(fact.text),
            f"The limit is {phrase} {number:g} {unit}; {probe_text} is {relation} than "
            f"that, so it does not comply.")))
    return drafts


def gen_multi_hop(section: Section, corpus: Corpus) -> list[Draft]:
    """Two facts of different sections of one document that share a rare term."""
    index, holders = corpus.term_index(section.source), corpus.term_sections(section.source)
    title_words = set(content_words(section.doc_title))
    drafts, used = [], set()
    for fact in section.facts:
        words = [w for w in set(content_words(fact.text))
                 if 2 <= len(holders.get(w, ())) <= 4 and w not in title_words]
        for word in sorted(words, key=lambda w: (len(holders[w]), w)):
            other_section, other_fact = next((s, f) for s, f in index[word] if s.key != section.key)
            if (word, other_section.key) in used:
                continue
            used.add((word, other_section.key))
            question = f'In {_doc(section)}, what do the sections "{section.heading}" and ' \
                       f'"{other_section.heading}" each say that involves "{word}"?'
            answer = f'"{section.heading}": {fact.text} "{other_section.heading}": ' \
                     f"{other_fact.text}"
            drafts.append(Draft(question, answer, (
                _where(section), _quote(fact.text),
                f'The section "{other_section.heading}" also uses "{word}": '
                f'"{other_fact.text}"', "Taking both statements together answers the question."),
                (other_section,)))
            break
    return drafts


def gen_application(section: Section, corpus: Corpus) -> list[Draft]:
    """A rule (must, may not, is prohibited...) applied to a case it covers."""
    drafts = []
    for fact in section.facts:
        own = _own_text(fact)
        if not MODAL_RE.search(own) or CONDITION_RE.match(own) or DEFINITION_RE.match(own):
            continue
        subject = _rule_subject(section, own)
        question = f"You are applying {_doc(section)} to a case that involves {subject}. " \
                   f'Which rule in "{section.heading}" applies?'
        drafts.append(Draft(question, fact.text, (
            _where(section), _quote(fact.text),
            f"That statement is the rule on {subject}, so it is the one to apply.")))
    return drafts


def gen_comparative(section: Section, corpus: Corpus) -> list[Draft]:
    """Adjacent table rows, sibling list items, or this section against its next sibling."""
    drafts = []
    for table in section.tables:
        for a, b in zip(table.rows, table.rows[1:]):
            describe = lambda row: "; ".join(f"{h}: {c}" for h, c in zip(table.header[1:], row[1:]))
            question = f'According to the table in "{section.heading}" of {_doc(section)}, ' \
                       f'how do "{a[0]}" and "{b[0]}" compare?'
            answer = f"{a[0]}: {describe(a)}. {b[0]}: {describe(b)}."
            drafts.append(Draft(question, answer, (
                _where(section), f'The table has a row for "{a[0]}" and one for "{b[0]}".',
                "Setting their cells side by side gives the comparison.")))
    siblings = [s for s in corpus.document_sections(section)
                if s.heading_path[:-1] == section.heading_path[:-1] and s.paragraphs
                and s.heading_path != section.heading_path]
    later = [s for s in siblings if s.index > section.index]
    if section.paragraphs and later:
        other = later[0]
        question = f'In {_doc(section)}, how does what "{section.heading}" says compare ' \
                   f'with what "{other.heading}" says?'
        answer = f'"{section.heading}": {section.paragraphs[0][0]} ' \
                 f'"{other.heading}": {other.paragraphs[0][0]}'
        drafts.append(Draft(question, answer, (
            _where(section), _quote(section.paragraphs[0][0]),
            f'Its sibling section "{other.heading}" opens with: "{other.paragraphs[0][0]}"',
            "Putting the two openings side by side gives the comparison."), (other,)))
    return drafts


_CAUSE_RE = re.compile(r"^(?P<effect>.+?),?\s+(?P<marker>because|due to|since|so that|in order to|"
                       r"which results in|results in|resulting in|leads to)\s+(?P<cause>.+)$")
_CONSEQUENCE_RE = re.compile(r"^(?P<marker>Therefore|As a result|Consequently|Thus),\s+(?P<effect>.+)$")


def gen_cause_effect(section: Section, corpus: Corpus) -> list[Draft]:
    """Sentences that state a reason, a purpose or a result in so many words."""
    drafts = []
    for fact in section.facts:
        text = _strip_end(fact.text)
        match = _CAUSE_RE.match(text)
        if match and not (match["marker"] == "since" and ", since" not in text):
            marker, left, right = match["marker"], match["effect"], match["cause"]
            if marker in ("so that", "in order to"):
                question = f"According to {_doc(section)}, for what purpose: {left}?"
                answer = f"{_capitalize(marker)} {right}."
            elif marker.endswith(("results in", "resulting in", "leads to")):
                question = f"According to {_doc(section)}, what is the result of this: {left}?"
                answer = f"It {marker.replace('which ', '')} {right}."
            else:
                question = f"According to {_doc(section)}, why is this so: {left}?"
                answer = f"{_capitalize(marker)} {right}."
        elif (m := _CONSEQUENCE_RE.match(text)) and fact.previous:
            question = f"According to {_doc(section)}, what follows from this: " \
                       f"{_strip_end(fact.previous)}?"
            marker, answer = m["marker"].lower(), f"{_capitalize(m['effect'])}."
        else:
            continue
        drafts.append(Draft(question, answer, (
            _where(section), _quote(f"{fact.previous} {fact.text}" if fact.previous and not match
                                    else fact.text),
            f'The words "{marker}" link the cause and its effect.')))
    return drafts


def gen_summarization(section: Section, corpus: Corpus) -> list[Draft]:
    """Lists of three or more items and paragraphs of three or more sentences."""
    drafts = []
    for block in section.lists:
        if len(block.items) < 3:
            continue
        about = f' after "{_strip_end(block.lead_in)}"' if block.lead_in else ""
        question = f'Summarize the list in "{section.heading}" of {_doc(section)}{about}.'
        answer = "; ".join(_strip_end(i) for i in block.items) + "."
        drafts.append(Draft(question, _capitalize(answer), (
            _where(section), f"The list has {len(block.items)} items.",
            "Taking each item in order gives the summary.")))
    for sentences in section.paragraphs:
        if len(sentences) < 3:
            continue
        question = f'Summarize the paragraph of "{section.heading}" in {_doc(section)} that ' \
                   f'begins "{_short(sentences[0], 5)}".'
        answer = f"{sentences[0]} {sentences[-1]}"
        drafts.append(Draft(question, answer, (
            _where(section), f"The paragraph has {len(sentences)} sentences.",
            "Its first sentence states the topic and its last one the conclusion.")))
    return drafts


_TRAILING_CONDITION_RE = re.compile(r"^(?P<then>.+?)\s+(?P<marker>if|when|whenever)\s+(?P<cond>.+)$")


def gen_hypothetical(section: Section, corpus: Corpus) -> list[Draft]:
    """Conditional statements: suppose the condition, what does the text say follows?"""
    drafts = []
    for fact in section.facts:
        text = _strip_end(_own_text(fact))
        match = CONDITION_RE.match(text)
        if match and match.group(1).lower() != "unless":
            condition, consequence = match.group(2), match.group(3)
        elif (m := _TRAILING_CONDITION_RE.match(text)) and len(m["then"].split()) >= 3:
            condition, consequence = m["cond"], m["then"]
        else:
            continue
        question = f"Suppose {_lower_start(condition, _prose(section))}. What does " \
                   f'{_doc(section)} say happens, according to "{section.heading}"?'
        drafts.append(Draft(question, f"{_capitalize(consequence)}.", (
            _where(section), _quote(fact.text),
            "The condition in the question matches that statement, so its consequence "
            "applies.")))
    return drafts


def gen_critical_analysis(section: Section, corpus: Corpus) -> list[Draft]:
    """Statements that carry an exception or a qualification."""
    drafts = []
    for fact in section.facts:
        match = QUALIFIER_RE.search(fact.text)
        if not match or fact.kind == "table_row":
            continue
        if match.start() == 0 and fact.previous:
            question = f'{_doc(section)} states in "{section.heading}": "{fact.previous}" ' \
                       "What qualifies or limits that statement?"
            steps = (_where(section), _quote(fact.previous),
                     f'The next sentence opens with "{match.group(1)}" and qualifies it.')
        else:
            subject = _rule_subject(section, fact.text)
            question = f"What exception or qualification does {_doc(section)} attach to " \
                       f'its statement on {subject} in "{section.heading}"?'
            clause = fact.text[match.start():].strip()
            steps = (_where(section), _quote(fact.text),
                     f'The qualification is the part that begins "{_short(clause, 5)}".')
        drafts.append(Draft(question, fact.text, steps))
    return drafts


_IS_A_RE = re.compile(r"^(?:The |An? )?(?P<term>[\w -]{2,40}?) is an? (?P<def>.{10,})$")


def gen_technical_explanation(section: Section, corpus: Corpus) -> list[Draft]:
    """Definitions ("X means Y", "X is a Y that...") and commands given with their purpose."""
    drafts = []
    for fact in section.facts:
        own = _own_text(fact)
        match = DEFINITION_RE.match(own) or _IS_A_RE.match(own)
        if not match:
            continue
        term = match["term"].strip()
        question = f'How does {_doc(section)} explain the term "{term}"?'
        drafts.append(Draft(question, own, (
            _where(section), _quote(own), f'That sentence defines "{term}".')))
    for code in section.codes:
        if not code.lead_in or not code.code.strip():
            continue
        question = f'In "{section.heading}" of {_doc(section)}, what text goes with this ' \
                   f"instruction: {_strip_end(code.lead_in)}?"
        drafts.append(Draft(question, f"```\n{code.code}\n```", (
            _where(section), _quote(code.lead_in),
            "The code block right after that sentence holds the text it refers to.")))
    return drafts


def _procedure_name(section: Section, block: ListBlock) -> str:
    lead = _strip_end(block.lead_in)
    if re.match(r"^To\s", lead):
        return lead[0].lower() + lead[1:].split(",")[0]
    return f'in "{section.heading}"'


def gen_process_workflow(section: Section, corpus: Corpus) -> list[Draft]:
    """Ordered lists: the whole procedure, then which step follows which."""
    drafts = []
    for block in (b for b in section.lists if b.ordered and len(b.items) >= 2):
        name = _procedure_name(section, block)
        numbered = "\n".join(f"{n}. {item}" for n, item in enumerate(block.items, 1))
        drafts.append(Draft(
            f"According to {_doc(section)}, what are the steps, in order, {name}?", numbered,
            (_where(section), f"The section gives an ordered list of {len(block.items)} steps.",
             "Listing them in their order gives the procedure.")))
        for n, (step, after) in enumerate(zip(block.items, block.items[1:]), 1):
            drafts.append(Draft(
                f'In the procedure {name} ({_doc(section)}), what comes after step {n}, '
                f'"{_strip_end(step)}"?', after,
                (_where(section), f"Step {n} of the ordered list reads: \"{step}\"",
                 f"The list continues with step {n + 1}.")))
    return drafts


def _changed_statement(text: str) -> str | None:
    """The statement made false by one change: a number doubled or the polarity flipped.

    "Riders must be 16." -> "Riders must be 32.";  "It must stop." -> "It must not stop."
    """
    number = NUMBER_RE.search(text)
    if number and re.fullmatch(r"\d+", number.group()):
        present = set(NUMBER_RE.findall(text))
        value = int(number.group()) * 2
        while str(value) in present:
            value += int(number.group()) or 1
        return text[:number.start()] + str(value) + text[number.end():]
    for pattern, replacement in POLARITY_SWAPS:
        changed, count = re.subn(pattern, replacement, text, count=1)
        if count:
            return changed
    return None


def _blanked(text: str, heading: str) -> tuple[str, str] | None:
    """Mask a number, else the longest rare word: ("Ride at 20 km/h.") -> ("Ride at ___ km/h.", "20")"""
    number = NUMBER_RE.search(text)
    if number:
        return text[:number.start()] + "___" + text[number.end():], number.group()
    avoid = set(content_words(heading))
    words = [m for m in re.finditer(r"\b[^\W\d_]{6,}\b", text)
             if m.group().lower() not in avoid and m.group().lower() not in STOPWORDS]
    if not words:
        return None
    word = max(words, key=lambda m: len(m.group()))
    return text[:word.start()] + "___" + text[word.end():], word.group()


def gen_true_false_fill_blank(section: Section, corpus: Corpus) -> list[Draft]:
    """Rotate fill-in-the-blank, a false statement and a true one over the sentences."""
    drafts = []
    facts = [f for f in section.facts if f.kind == "sentence"]
    for position, fact in enumerate(facts):
        for kind in ("blank", "false", "true")[position % 3:] + ("blank", "false", "true")[:position % 3]:
            draft = _true_false_or_blank(section, fact.text, kind)
            if draft:
                drafts.append(draft)
                break
    return drafts


def _true_false_or_blank(section: Section, text: str, kind: str) -> Draft | None:
    where = _where(section)
    if kind == "blank":
        blank = _blanked(text, section.heading)
        if not blank:
            return None
        return Draft(f"Fill in the blank, according to {_doc(section)}: {blank[0]}", blank[1],
                     (where, _quote(text), f'The word that fills the blank is "{blank[1]}".'),
                     key=(blank[1],))
    statement = text if kind == "true" else _changed_statement(text)
    if not statement:
        return None
    verdict = "True" if kind == "true" else "False"
    check = "It matches the text word for word." if kind == "true" else \
        "The statement differs from the text, so it is false."
    return Draft(f"True or false, according to {_doc(section)}: {statement}",
                 f'{verdict}. The text says: "{text}"', (where, _quote(text), check))


def gen_contextual_ambiguity(section: Section, corpus: Corpus) -> list[Draft]:
    """Resolve what "this"/"it" points back to, and what an abbreviation stands for."""
    drafts = []
    for fact in section.facts:
        match = ANAPHOR_RE.match(fact.text)
        if not match or not fact.previous:
            continue
        word = match.group(1)
        phrase = f"{word} {match.group(2)}" if match.group(2) and word in (
            "This", "That", "These", "Those", "Such") and match.group(2) not in STOPWORDS else word
        question = f'In "{section.heading}" of {_doc(section)}, the sentence "{fact.text}" ' \
                   f'opens with "{phrase}". What does "{phrase}" refer to?'
        answer = f'It refers back to the sentence before it: "{fact.previous}"'
        drafts.append(Draft(question, answer, (
            _where(section), _quote(f"{fact.previous} {fact.text}"),
            f'Read in context, "{phrase}" points to what the previous sentence describes.')))
    acronyms = corpus.acronyms(section.source)
    for short, (expansion, home, sentence) in sorted(acronyms.items()):
        if home.key == section.key or not re.search(r"\b" + short + r"\b", _prose(section)):
            continue
        question = f'In "{section.heading}" of {_doc(section)}, what does "{short}" stand for?'
        answer = f'"{short}" stands for {expansion}.'
        drafts.append(Draft(question, answer, (
            _where(section), f'"{short}" is not spelled out in this section.',
            f'The section "{home.heading}" defines it: "{sentence}"'), (home,)))
    return drafts


GENERATORS = {
    "fact_based": gen_fact_based, "section_summary": gen_section_summary,
    "factual_recall": gen_factual_recall, "inference": gen_inference,
    "multi_hop": gen_multi_hop, "application": gen_application, "comparative": gen_comparative,
    "cause_effect": gen_cause_effect, "summarization": gen_summarization,
    "hypothetical": gen_hypothetical, "critical_analysis": gen_critical_analysis,
    "technical_explanation": gen_technical_explanation,
    "process_workflow": gen_process_workflow,
    "true_false_fill_blank": gen_true_false_fill_blank,
    "contextual_ambiguity": gen_contextual_ambiguity,
}


def document_quotas(sections: Sequence[Section]) -> Iterator[tuple[Section, dict[str, int]]]:
    """Questions each type asks of each section of one document: one per fact, one
    summary, the rest by share with the rounding carried from section to section."""
    carry: dict[str, float] = {}
    for section in sections:
        counts, carry = plan_counts(len(section.facts), carry)
        quotas = {"fact_based": len(section.facts),
                  "section_summary": 1 if section.facts else 0}
        quotas.update(counts)
        yield section, quotas


def make_qa(section: Section, question_type: str, draft: Draft, generator: str) -> QAPair:
    qa_id = stable_id(section.key, question_type, draft.question, draft.answer)
    return QAPair(qa_id, question_type, draft.question, draft.answer, draft.steps, section,
                  generator, draft.related, draft.key)


def heuristic_qa_pairs(document: Document, corpus: Corpus, seed: int,
                       report: RunReport) -> Iterator[QAPair]:
    """The heuristic QA pairs of one document. A type gets at most its quota per section;
    a slot that a section has no honest pattern for moves on to the next section of the
    document; what is still open at the end is the shortfall. The seed picks which
    candidates are used where a section has more than it needs."""
    pending: Counter = Counter()
    for section, quotas in document_quotas(document.sections):
        rng = random.Random(f"{seed}:{section.key}")
        for question_type, quota in quotas.items():
            report.requested[question_type] += quota
            wanted = quota + pending[question_type]
            if not wanted:
                continue
            candidates = GENERATORS[question_type](section, corpus)
            unique = list({d.question: d for d in candidates}.values())
            chosen = unique if len(unique) <= wanted else rng.sample(unique, wanted)
            pending[question_type] = wanted - len(chosen)
            report.produced[question_type] += len(chosen)
            for draft in chosen:
                yield make_qa(section, question_type, draft, "heuristic")

# =============================================================================
# Pure functions: checking QA pairs (grounding, question form, duplicates)
# =============================================================================

NEAR_DUPLICATE = 0.85  # Jaccard similarity of character 4-grams from which questions are one
_QUOTED_RE = re.compile(r'"([^"]{4,})"|“([^”]{4,})”|「([^」]{2,})」')
_PUNCTUATION_RE = re.compile(r"[^\w\s]+")
# Requests that are questions without a question mark.
_IMPERATIVES = ("summarize", "summarise", "describe", "explain", "list", "compare", "fill in",
                "true or false", "name", "give", "state", "identify", "outline")


@dataclass(frozen=True)
class Grounding:
    """How far an answer stands in its sources: `score` is the share of its content words,
    numbers and quoted spans found there; `missing` names the numbers, quotes and key words
    that are not, any one of which makes the answer ungrounded."""

    score: float
    missing: tuple[str, ...]


def _folded(text: str) -> str:
    """Compare text loosely: NFKC, lower case, one space. "Ａ  B" -> "a b" """
    if not text.isascii():  # NFKC changes nothing in ASCII text, and costs
        text = unicodedata.normalize("NFKC", text)
    return " ".join(text.lower().split())


@lru_cache(maxsize=256)
def _source_terms(sources: str) -> tuple[str, frozenset[str], frozenset[str]]:
    """A source text folded, with its content words and numbers (cached: many answers
    are checked against the same section)."""
    folded = _folded(sources)
    return folded, frozenset(content_words(folded)), frozenset(NUMBER_RE.findall(folded))


def grounding(answer: str, sources: str, question: str = "", key: Sequence[str] = ()) -> Grounding:
    """Score `answer` against the text it must come from; the question counts as source
    too (an answer may repeat a value the question posed).

    ("Riders must be 16.", "Riders must be at least 16 years old.") -> score 1.0, missing ()
    ("Riders must be 18.", same) -> missing ("18",)
    """
    folded_sources, vocabulary, numbers = _source_terms(sources)
    folded_question = _folded(question)
    question_words = set(content_words(question))
    question_numbers = set(NUMBER_RE.findall(folded_question))
    units, found, missing = 0, 0, []
    for word in content_words(answer):
        units += 1
        found += word in vocabulary or word in question_words
    for number in NUMBER_RE.findall(_folded(answer)):
        units += 1
        if number in numbers or number in question_numbers:
            found += 1
        else:
            missing.append(number)
    for match in _QUOTED_RE.finditer(answer):
        quote = _folded(next(g for g in match.groups() if g))
        units += 1
        if quote in folded_sources or quote in folded_question:
            found += 1
        else:
            missing.append(f'"{quote}"')
    missing += [k for k in key if _folded(k) not in folded_sources]
    if not units and CJK_RE.search(answer):  # no spaces to split words at: characters
        chars = [c for c in answer if CJK_RE.match(c)]
        units, found = len(chars), sum(c in folded_sources or c in folded_question for c in chars)
    return Grounding(round(found / units, 3) if units else 1.0, tuple(missing))


def question_problem(question: str, answer: str) -> str | None:
    """Why a question is unusable, or None: "empty", "not_a_question", "gives_away_answer".

    ("", "x") -> "empty";  ("The sky.", "blue") -> "not_a_question"
    """
    text = question.strip()
    if not text or not answer.strip():
        return "empty"
    lowered = text.lower()
    if "?" not in text and "？" not in text and not any(w in lowered for w in _IMPERATIVES):
        return "not_a_question"
    answer_words = set(content_words(answer))
    if len(answer_words) >= 4 and answer_words <= set(content_words(text)):
        return "gives_away_answer"  # every content word of the answer is in the question
    return None


def normalized_question(text: str) -> str:
    """The form exact duplicates share: "What is  X?" and "what is x" -> "what is x" """
    return " ".join(_PUNCTUATION_RE.sub(" ", _folded(text)).split())


def _shingles(text: str, size: int = 4) -> set[str]:
    """Character n-grams of an already normalised text: "abcde" -> {"abcd", "bcde"}"""
    return {text[i:i + size] for i in range(max(1, len(text) - size + 1))}


def _word_bag(text: str) -> tuple[str, ...]:
    """Content words, crudely singular, sorted: "Which rules must riders follow?" and
    "Riders must follow which rule?" -> ("follow", "rider", "rule")"""
    return tuple(sorted(w[:-1] if w.endswith("s") and len(w) > 3 else w
                        for w in content_words(text)))


def near_duplicate_pairs(questions: Sequence[str], threshold: float = NEAR_DUPLICATE,
                         window: int = 3) -> list[tuple[int, int]]:
    """Index pairs (i < j) of near-duplicate questions: the same content words in any order
    and form, or a Jaccard similarity of character 4-grams of at least `threshold`.

    Candidates come from sorting: each question is compared with its `window` neighbours
    in the order of the normalised text and of the reversed text, so an edit anywhere
    leaves the pair next to each other in one of the two orders. That is O(n log n): tens
    of thousands of questions from one template (which MinHash with LSH would put into
    the same buckets, all against all) cost no more than varied ones.

    ["What must the lid be?", "what must the LIDS be", "Who reviews it?"] -> [(0, 1)]
    """
    texts = [normalized_question(q) for q in questions]
    pairs: set[tuple[int, int]] = set()
    first_with_bag: dict[tuple[str, ...], int] = {}
    for n, question in enumerate(questions):
        bag = _word_bag(question)
        if bag and bag in first_with_bag:
            pairs.add((first_with_bag[bag], n))
        first_with_bag.setdefault(bag, n)
    for key in (lambda n: texts[n], lambda n: texts[n][::-1]):
        order = sorted(range(len(texts)), key=key)
        recent: dict[int, set[str]] = {}  # shingles of the last few in this order only
        for position, i in enumerate(order):
            if position > window:
                recent.pop(order[position - window - 1], None)
            for j in order[max(0, position - window):position]:
                pair = (min(i, j), max(i, j))
                if pair in pairs or min(len(texts[i]), len(texts[j])) < \
                        threshold * max(len(texts[i]), len(texts[j])):
                    continue  # known already, or the sizes alone rule it out
                for n in (i, j):
                    if n not in recent:
                        recent[n] = _shingles(texts[n])
                a, b = recent[i], recent[j]
                common = len(a & b)
                if common / (len(a) + len(b) - common) >= threshold:
                    pairs.add(pair)
    return sorted(pairs)


class _UnionFind:
    """Items joined into groups; a group is named by its smallest item, so the result does
    not depend on the order of the joins. join(3, 1); join(1, 2) -> find(3) == 1"""

    def __init__(self) -> None:
        self._parent: dict = {}

    def find(self, item):
        parent = self._parent
        while parent.get(item, item) != item:
            parent[item] = parent.get(parent[item], parent[item])  # halve the path
            item = parent[item]
        return item

    def join(self, a, b) -> None:
        a, b = self.find(a), self.find(b)
        if a != b:
            self._parent[max(a, b)] = min(a, b)


def duplicate_clusters(pairs: Sequence[QAPair], threshold: float) -> list[list[int]]:
    """Groups of pair indices whose questions are equal once normalised or near-duplicates
    of each other (union-find over both relations); singletons are left out."""
    groups = _UnionFind()
    first_seen: dict[str, int] = {}
    for n, qa in enumerate(pairs):
        groups.join(n, first_seen.setdefault(normalized_question(qa.question), n))
    unique = list(first_seen.values())
    # The document's title repeats in many questions; it says nothing about what is asked.
    stripped = [pairs[n].question.replace(pairs[n].section.doc_title, " ") for n in unique]
    for i, j in near_duplicate_pairs(stripped, threshold):
        groups.join(unique[i], unique[j])
    clusters: dict[int, list[int]] = defaultdict(list)
    for n in range(len(pairs)):
        clusters[groups.find(n)].append(n)
    return [members for members in clusters.values() if len(members) > 1]


@dataclass(frozen=True)
class Rejection:
    qa: QAPair
    reason: str  # empty, not_a_question, gives_away_answer, ungrounded, duplicate, near_duplicate
    detail: str

    def record(self) -> dict:
        return {"qa_id": self.qa.qa_id, "question_type": self.qa.question_type,
                "source": self.qa.section.source, "heading_path": list(self.qa.section.heading_path),
                "generator": self.qa.generator, "reason": self.reason, "detail": self.detail,
                "question": self.qa.question, "answer": self.qa.answer}


def review_pairs(pairs: Sequence[QAPair], min_grounding: float, keep_duplicates: bool
                 ) -> tuple[list[QAPair], list[Rejection], dict[str, float], list[list[int]]]:
    """Check every pair before it is written: a real question, an answer grounded in its
    sources (unless min_grounding is 0), and no duplicate question (the best-grounded of a
    group stays, the first on a tie). Returns the kept pairs, the rejections, every pair's
    grounding score, and (with keep_duplicates) the clusters of kept near-duplicates."""
    kept, rejections, scores = [], [], {}
    sources: dict[tuple[str, ...], str] = {}  # a section's text is joined once, not per pair
    for qa in pairs:
        keys = tuple(s.key for s in qa.sources)
        if keys not in sources:
            sources[keys] = " ".join(s.body for s in qa.sources)
        score = grounding(qa.answer, sources[keys], qa.question, qa.key)
        scores[qa.qa_id] = score.score
        problem = question_problem(qa.question, qa.answer)
        if problem:
            rejections.append(Rejection(qa, problem, ""))
        elif min_grounding > 0 and (score.score < min_grounding or score.missing):
            missing = f"; not in the source: {', '.join(score.missing)}" if score.missing else ""
            rejections.append(Rejection(qa, "ungrounded", f"grounding {score.score}{missing}"))
        else:
            kept.append(qa)
    clusters = duplicate_clusters(kept, NEAR_DUPLICATE)
    if keep_duplicates:
        return kept, rejections, scores, clusters
    dropped: set[int] = set()
    for members in clusters:
        best = max(members, key=lambda n: (scores[kept[n].qa_id], -n))
        for n in members:
            if n != best:
                same = normalized_question(kept[n].question) == normalized_question(kept[best].question)
                rejections.append(Rejection(kept[n], "duplicate" if same else "near_duplicate",
                                            f"kept {kept[best].qa_id}: {kept[best].question}"))
                dropped.add(n)
    return [qa for n, qa in enumerate(kept) if n not in dropped], rejections, scores, []


# =============================================================================
# Pure functions: chat examples and the train/validation split
# =============================================================================


def chat_example(qa: QAPair, level: int) -> Example:
    """One chat example of a QA pair at a chain-of-thought level: 0 the answer alone,
    1 the first step then the answer, 2 the first two steps, 3 all steps (a step a line)."""
    steps = list(qa.reasoning_steps)
    count = (0, 1, 2, len(steps))[level]
    messages = ({"role": "user", "content": qa.question},
                {"role": "assistant", "content": "\n".join(steps[:count] + [qa.answer])})
    return Example(messages, {
        "qa_id": qa.qa_id, "source": qa.section.source,
        "heading_path": list(qa.section.heading_path), "span": list(qa.section.span),
        "question_type": qa.question_type, "difficulty": qa.difficulty,
        "cot": COT_LEVELS[level], "generator": qa.generator})


def chat_examples(qa: QAPair) -> list[Example]:
    """The four chat examples of one QA pair, from no reasoning to all of it."""
    return [chat_example(qa, level) for level in range(len(COT_LEVELS))]


def group_key(qa: QAPair, split_by: str) -> str:
    """What must stay on one side of the split: the QA, its section or its document."""
    return {"qa": qa.qa_id, "section": qa.section.key, "document": qa.section.source}[split_by]


def split_pairs(pairs: Sequence[QAPair], train_ratio: float, split_by: str, seed: int,
                linked: Iterable[Sequence[int]] = ()) -> tuple[list[QAPair], list[QAPair]]:
    """Assign whole groups to train or validation so that validation holds about
    1 - train_ratio of the pairs (within one group's size, and never none while there are
    two groups or more). `linked` lists pair indices that must land together (kept
    near-duplicates): their groups merge. Same seed, same split.

    10 single-QA groups at 0.9 -> 9 train, 1 validation
    """
    keys_of = [group_key(qa, split_by) for qa in pairs]
    merged = _UnionFind()
    for members in linked:
        for n in members[1:]:
            merged.join(keys_of[members[0]], keys_of[n])
    groups: dict[str, list[QAPair]] = defaultdict(list)
    for qa, key in zip(pairs, keys_of):
        groups[merged.find(key)].append(qa)
    keys = sorted(groups)
    random.Random(f"{seed}:split").shuffle(keys)
    target = (1 - train_ratio) * len(pairs)
    validation_keys, size = set(), 0
    for key in keys:
        grown = size + len(groups[key])
        if abs(grown - target) < abs(size - target):
            validation_keys.add(key)
            size = grown
    if not validation_keys and len(keys) >= 2:  # big groups: still keep a validation set
        validation_keys.add(min(keys, key=lambda k: len(groups[k])))
    train = [qa for k in keys if k not in validation_keys for qa in groups[k]]
    validation = [qa for k in keys if k in validation_keys for qa in groups[k]]
    return train, validation


def shuffled_examples(pairs: Sequence[QAPair], seed: int, name: str) -> Iterator[Example]:
    """Every chat example of `pairs` in an order shuffled by the seed, made one at a time
    so that a large run never holds all its examples in memory."""
    order = [(n, level) for n in range(len(pairs)) for level in range(len(COT_LEVELS))]
    random.Random(f"{seed}:{name}").shuffle(order)
    return (chat_example(pairs[n], level) for n, level in order)


def render(examples: Iterable[Example], output_format: str) -> Iterator[str]:
    """The file's text in pieces. JSON: a list of [user, assistant] message pairs, the
    seed's layout, one example a line. JSONL: one {"messages", "metadata"} object a line."""
    if output_format == "jsonl":
        for e in examples:
            yield json.dumps({"messages": list(e.messages), "metadata": e.metadata},
                             ensure_ascii=False) + "\n"
        return
    separator = "[\n"
    for e in examples:
        yield separator + json.dumps(list(e.messages), ensure_ascii=False)
        separator = ",\n"
    yield "[]\n" if separator == "[\n" else "\n]\n"


# =============================================================================
# Pure functions: requests to a model and the checking of its replies
# =============================================================================


@dataclass(frozen=True)
class LLMRequest:
    """One question to ask the model: which section, which type, the messages and schema."""

    request_id: str
    section: Section
    question_type: str
    variant: str  # the type, or "true_false" / "fill_blank" for the combined type
    messages: tuple[dict, ...]
    schema: dict
    related: tuple[Section, ...] = ()


class ReplyError(ValueError):
    """A reply that cannot be used; `reason` is one of the rejection reasons of the report."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason, self.detail = reason, detail


@lru_cache(maxsize=None)
def _schema_text(variant: str) -> str:
    return json.dumps(reply_schema(variant), ensure_ascii=False)


@lru_cache(maxsize=None)
def reply_schema(variant: str) -> dict:
    """The JSON schema a reply of this variant must match; sent to the engine and used
    again to validate what comes back. Shared between requests: read it, never change it."""
    properties: dict = {
        "question": {"type": "string", "minLength": 5},
        "answer": {"type": "string", "minLength": 1},
        "reasoning_steps": {"type": "array", "items": {"type": "string", "minLength": 1},
                            "minItems": 2, "maxItems": 5},
    }
    if variant == "true_false":
        properties["statement"] = {"type": "string", "minLength": 5}
        properties["is_true"] = {"type": "boolean"}
    elif variant == "fill_blank":
        properties["sentence_with_blank"] = {"type": "string", "pattern": "_{3,}"}
        properties["missing_words"] = {"type": "string", "minLength": 1}
    elif variant == "contextual_ambiguity":
        properties["readings"] = {"type": "array", "items": {"type": "string", "minLength": 1},
                                  "minItems": 2, "maxItems": 4}
    return {"type": "object", "properties": properties, "required": list(properties),
            "additionalProperties": False}


def schema_errors(value: object, schema: dict, where: str = "reply") -> list[str]:
    """What is wrong with `value` against the subset of JSON Schema that reply_schema uses.

    ({"question": 1}, schema) -> ["reply.question: expected string", "reply: missing 'answer'", ...]
    """
    kind = schema.get("type")
    expected = {"object": dict, "string": str, "array": list, "boolean": bool}[kind]
    if not isinstance(value, expected):
        return [f"{where}: expected {kind}"]
    errors: list[str] = []
    if kind == "object":
        properties = schema.get("properties", {})
        errors += [f"{where}: missing {k!r}" for k in schema.get("required", ()) if k not in value]
        if schema.get("additionalProperties") is False:
            errors += [f"{where}: unexpected {k!r}" for k in value if k not in properties]
        for key, sub in properties.items():
            if key in value:
                errors += schema_errors(value[key], sub, f"{where}.{key}")
    elif kind == "string":
        if len(value.strip()) < schema.get("minLength", 0):
            errors.append(f"{where}: shorter than {schema['minLength']} characters")
        if "pattern" in schema and not re.search(schema["pattern"], value):
            errors.append(f"{where}: does not match {schema['pattern']!r}")
    elif kind == "array":
        if not schema.get("minItems", 0) <= len(value) <= schema.get("maxItems", len(value)):
            errors.append(f"{where}: needs {schema.get('minItems', 0)} to "
                          f"{schema.get('maxItems')} items, has {len(value)}")
        for n, item in enumerate(value):
            errors += schema_errors(item, schema["items"], f"{where}[{n}]")
    return errors


def parse_reply(text: str, schema: dict) -> dict:
    """The reply's JSON object, after repairing what is mechanical: code fences around it
    and text before or after it. Raises ReplyError("invalid_json" | "schema", ...).

    '```json\\n{"a": 1}\\n``` Hope this helps' -> {"a": 1} (if the schema allows it)
    """
    body = re.sub(r"^\s*```[\w-]*\s*\n?|\n?\s*```\s*$", "", text.strip())
    start = body.find("{")
    if start < 0:
        raise ReplyError("invalid_json", "no JSON object in the reply")
    try:
        value, _ = json.JSONDecoder().raw_decode(body, start)
    except json.JSONDecodeError as error:
        raise ReplyError("invalid_json", error.msg) from None
    errors = schema_errors(value, schema)
    if errors:
        raise ReplyError("schema", "; ".join(errors[:5]))
    return value


def language_hint(text: str) -> str:
    """Tell the model which language to write in when the script shows it plainly.

    "数据集的说明" -> names Chinese;  "Riders must stop." -> the generic instruction
    """
    letters = len(re.findall(r"[^\W\d_]", text))
    if not letters:
        return LANGUAGE_SAME
    kana = len(re.findall(r"[\u3040-\u30ff]", text))
    hangul = len(re.findall(r"[\uac00-\ud7af]", text))
    han = len(re.findall(r"[\u3400-\u9fff]", text))
    for name, count in (("Japanese", kana), ("Korean", hangul), ("Chinese", han)):
        if count and (count + (han if name == "Japanese" else 0)) / letters > 0.3:
            return LANGUAGE_NAMED.format(name=name)
    return LANGUAGE_SAME


def related_section(section: Section, corpus: Corpus) -> Section | None:
    """The section a multi-hop or comparative question pairs with this one: the one of the
    same document that shares the most rare terms with it, else its nearest sibling."""
    holders = corpus.term_sections(section.source)
    shared: Counter = Counter()
    for fact in section.facts:
        for word in set(content_words(fact.text)):
            keys = holders.get(word, ())
            if 2 <= len(keys) <= 4:
                shared.update(k for k in keys if k != section.key)
    if shared:
        best = min(shared, key=lambda k: (-shared[k], k))
        return next(s for s in corpus.document_sections(section) if s.key == best)
    siblings = [s for s in corpus.document_sections(section)
                if s.heading_path[:-1] == section.heading_path[:-1] and s.key != section.key]
    return min(siblings, key=lambda s: abs(s.index - section.index), default=None)


def _section_block(label: str, section: Section) -> str:
    path = " > ".join(section.heading_path)
    return f"{label}: {path}\n<<<\n{section.body}\n>>>"


def build_request(section: Section, question_type: str, slot: int,
                  related: Section | None, language: str | None = None) -> LLMRequest:
    """The messages and schema for the `slot`-th question of a type in a section. Slots
    differ by the statement they focus on, so a section's questions do not repeat."""
    variant = question_type
    if question_type == "true_false_fill_blank":
        variant = "true_false" if slot % 2 == 0 else "fill_blank"
    parts = [f'Document: "{section.doc_title}"', _section_block("Section", section)]
    related_sections = (related,) if related and question_type in ("multi_hop", "comparative") else ()
    for other in related_sections:
        parts.append(_section_block("Related section", other))
    task = TYPE_INSTRUCTIONS[variant]
    if section.facts and question_type != "section_summary":
        focus = section.facts[slot % len(section.facts)].text
        task += f' Build it around this statement: "{focus}"'
    schema = reply_schema(variant)
    parts += [f"Task ({variant.replace('_', ' ')}): {task}",
              RULES_TEXT.format(language=language or language_hint(section.body)),
              "Reply with one JSON object that matches this JSON schema:\n"
              + _schema_text(variant)]
    messages = ({"role": "system", "content": SYSTEM_PROMPT},
                {"role": "user", "content": "\n\n".join(parts)})
    request_id = stable_id(section.key, question_type, slot, *(m["content"] for m in messages))
    return LLMRequest(request_id, section, question_type, variant, messages, schema,
                      related_sections)


def plan_requests(documents: Sequence[Document], corpus: Corpus) -> list[LLMRequest]:
    """Every request of a run, in document order, by the same quotas as the heuristics."""
    requests = []
    for document in documents:
        for section, quotas in document_quotas(document.sections):
            related = None
            if quotas.get("multi_hop") or quotas.get("comparative"):
                related = related_section(section, corpus)
            language = language_hint(section.body)
            for question_type, count in quotas.items():
                requests += [build_request(section, question_type, slot, related, language)
                             for slot in range(count)]
    return requests


def request_seed(seed: int, request_id: str, attempt: int) -> int:
    """A sampling seed per request and attempt: reruns ask the same, retries differ."""
    return int(stable_id(seed, request_id, attempt), 16) % (2 ** 31 - 1)


def qa_from_reply(request: LLMRequest, reply: dict, generator: str) -> QAPair:
    steps = tuple(normalize_space(s) for s in reply["reasoning_steps"])
    key = (reply["missing_words"].strip(),) if request.variant == "fill_blank" else ()
    draft = Draft(reply["question"].strip(), reply["answer"].strip(), steps, request.related, key)
    return make_qa(request.section, request.question_type, draft, generator)


# =============================================================================
# I/O: finding and reading files, atomic writes, run names
# =============================================================================


def find_markdown_files(input_dir: Path) -> list[Path]:
    """Markdown files under `input_dir`, recursively, sorted; symlinked folders are not
    followed (so a link loop cannot trap the walk)."""
    found = []
    for root, dirs, files in os.walk(input_dir):
        dirs.sort()
        found.extend(Path(root) / f for f in files if f.lower().endswith(MARKDOWN_SUFFIXES))
    return sorted(found)


def load_documents(config: Config, report: RunReport, warn) -> list[Document]:
    """Read and parse every markdown file; unreadable ones are warned about and counted."""
    if not config.input_dir.is_dir():
        raise SyntheticDataError(
            f"input folder {str(config.input_dir)!r} does not exist; create it and put "
            "markdown files in it, or pass --input-dir PATH")
    paths = find_markdown_files(config.input_dir)
    if not paths:
        raise SyntheticDataError(
            f"no .md or .markdown files found under {str(config.input_dir)!r}; add some, or "
            "pass --input-dir PATH")
    documents = []
    for path in paths:
        source = path.relative_to(config.input_dir).as_posix()
        try:
            text = decode_markdown(path.read_bytes())
            document = parse_document(text, source, config.max_section_tokens)
        except (OSError, ValueError, RecursionError) as error:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
            warn(f"skipped {path}: {reason}")
            report.files_skipped.append({"file": source, "reason": reason})
            continue
        report.files_read.append(source)
        documents.append(document)
    return documents


def write_atomic(path: Path, text: str | Iterable[str]) -> None:
    """Write text (or pieces of it) to a temporary file beside `path`, then rename it:
    readers never see half a file."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.writelines([text] if isinstance(text, str) else text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        if temporary.exists():
            temporary.unlink()


def reserve_run_stamp(output_dir: Path) -> str:
    """Claim a timestamp no other run in `output_dir` uses, by creating its run report
    exclusively; a second run in the same second waits for the next one."""
    output_dir.mkdir(parents=True, exist_ok=True)
    while True:
        stamp = time.strftime("%Y-%m-%d_%H-%M-%S")
        if not any(output_dir.glob(f"*-{stamp}.*")):
            try:
                with open(output_dir / f"run-{stamp}.json", "x", encoding="utf-8") as handle:
                    handle.write('{"status": "running"}\n')
                return stamp
            except FileExistsError:
                pass
        time.sleep(1.05 - math.modf(time.time())[0])

class ReplyCache:
    """Model replies in SQLite (WAL mode), one row per request and attempt, committed the
    moment each arrives, so a crash loses at most the requests in flight. The file is
    created on the first reply; a file that is not such a cache is refused, never
    overwritten."""

    def __init__(self, path: Path) -> None:
        self.path, self._db = path, None
        if path.exists():
            self._connect()

    def _connect(self) -> None:
        import sqlite3

        fix = f"delete {str(self.path)!r}, pass --cache with another path, or use --no-cache"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, isolation_level=None)
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if not tables:  # a new file, or an empty one: nothing to overwrite
                db.execute("CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT)")
                db.execute("CREATE TABLE replies (key TEXT PRIMARY KEY, text TEXT, "
                           "finish_reason TEXT, input_tokens INTEGER, output_tokens INTEGER, "
                           "error TEXT)")
                db.execute("INSERT INTO meta VALUES ('format', ?)", (CACHE_FORMAT,))
            elif tables != {"meta", "replies"} or db.execute(
                    "SELECT value FROM meta WHERE name='format'").fetchone() != (CACHE_FORMAT,):
                raise SyntheticDataError(f"{str(self.path)!r} is not a reply cache of this "
                                         f"script; {fix}")
            db.execute("PRAGMA journal_mode=WAL")  # only once the file is known to be ours
            db.execute("PRAGMA synchronous=NORMAL")
        except sqlite3.DatabaseError as error:
            raise SyntheticDataError(f"the cache {str(self.path)!r} is unreadable ({error}); "
                                     f"{fix}") from None
        self._db = db

    def get(self, key: str) -> Reply | None:
        if self._db is None:
            return None
        row = self._db.execute("SELECT text, finish_reason, input_tokens, output_tokens, error "
                               "FROM replies WHERE key = ?", (key,)).fetchone()
        return Reply(*row) if row else None

    def put(self, key: str, reply: Reply) -> None:
        if self._db is None:
            self._connect()
        self._db.execute("INSERT OR REPLACE INTO replies VALUES (?, ?, ?, ?, ?, ?)",
                         (key, reply.text, reply.finish_reason, reply.input_tokens,
                          reply.output_tokens, reply.error))

    def __len__(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM replies").fetchone()[0] if self._db else 0

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


def cache_key(identity: dict, request: LLMRequest, seed: int) -> str:
    """Everything that decides a reply, hashed: the engine and its settings, the request
    (its id hashes every message, the schema included) and this attempt's sampling seed."""
    material = f"{json.dumps(identity, sort_keys=True)}\x1f{request.request_id}\x1f{seed}"
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


# =============================================================================
# Engines: where requests become replies
# =============================================================================


class Engine:
    """The seam between a run and a model. open() checks that the model can answer;
    generate(requests, attempt) yields (position in requests, Reply) as replies finish;
    close() lets go of it. identity() names what, besides the request, decides a reply (the
    cache key includes it)."""

    kind = "engine"

    def __init__(self, config: Config) -> None:
        self.config = config
        self.calls = 0  # engine calls made: batches sent

    @property
    def name(self) -> str:
        return self.config.model

    def identity(self) -> dict:
        return {"engine": self.kind, "model": self.config.model,
                "max_tokens": self.config.max_tokens, "temperature": self.config.temperature,
                "stop_words": list(STOP_WORDS)}

    def open(self) -> None:
        raise NotImplementedError

    def generate(self, requests: Sequence[LLMRequest],
                 attempt: int) -> Iterator[tuple[int, Reply]]:
        raise NotImplementedError

    def drain(self, seconds: float) -> Iterator[tuple[int, Reply]]:
        """After an interrupt: send nothing more, and yield the replies of the last
        generate() call that finish within `seconds`."""
        return iter(())

    def close(self) -> None:
        pass


def visible_gpus() -> int:
    """CUDA devices torch can see (0 without torch or without a GPU)."""
    try:
        import torch
    except ImportError:
        return 0
    return torch.cuda.device_count() if torch.cuda.is_available() else 0


class LmdeployEngine(Engine):
    """A model run in-process by an lmdeploy 0.18 pipeline (TurboMind or PyTorch engine).

    All requests go to the pipeline in chunks of --batch-size, each chunk in one
    stream_infer call, so the engine's continuous batching keeps the GPU busy; replies are
    handed on one by one as they finish."""

    kind = "lmdeploy"

    def __init__(self, config: Config) -> None:
        super().__init__(config)
        self.pipe = None

    def identity(self) -> dict:
        return {**super().identity(), "backend": self.config.backend}

    def open(self) -> None:
        try:
            import lmdeploy
        except ImportError:
            raise SyntheticDataError(
                "lmdeploy is not installed; on a machine with an NVIDIA GPU run "
                "`pip install -r requirements.txt`, or use --no-llm") from None
        gpus = visible_gpus()  # before pipeline(): it would download the weights first
        if gpus == 0:
            raise SyntheticDataError(
                "no CUDA GPU is visible and lmdeploy cannot run on the CPU; use --no-llm "
                "for the heuristic generator, or run this on a machine with an NVIDIA GPU")
        tp = self.config.tp or gpus
        if tp > gpus:
            raise SyntheticDataError(f"--tp {tp} needs {tp} GPUs but {gpus} are visible; "
                                     f"pass --tp {gpus} or fewer")
        engine_class = (lmdeploy.PytorchEngineConfig if self.config.backend == "pytorch"
                        else lmdeploy.TurbomindEngineConfig)
        backend_config = engine_class(tp=tp, session_len=self.config.session_len,
                                      cache_max_entry_count=self.config.cache_max_entry_count)
        try:
            # No chat_template_config: lmdeploy 0.18 has no InternVL template name, and a
            # wrong one silently falls back to an empty template; the model's own Hugging
            # Face template is right, and the system prompt travels as a system message.
            self.pipe = lmdeploy.pipeline(self.config.model, backend_config=backend_config,
                                          trust_remote_code=True, log_level="WARNING")
        except SystemExit as stop:  # lmdeploy exits on some start-up failures
            raise SyntheticDataError(
                f"lmdeploy could not start {self.config.model!r} (it exited with status "
                f"{stop.code}); its log above says why") from None
        except Exception as error:
            raise SyntheticDataError(
                f"lmdeploy could not load {self.config.model!r}: {type(error).__name__}: "
                f"{error}. Check --model (a local folder or a cached hub id)") from None

    def generation_config(self, request: LLMRequest, attempt: int):
        from lmdeploy import GenerationConfig

        return GenerationConfig(
            max_new_tokens=self.config.max_tokens,
            do_sample=self.config.temperature > 0,  # without it temperature is ignored
            temperature=self.config.temperature,
            random_seed=request_seed(self.config.seed, request.request_id, attempt),
            stop_words=list(STOP_WORDS),
            response_format={"type": "json_schema",
                             "json_schema": {"name": request.variant, "schema": request.schema}})

    def generate(self, requests: Sequence[LLMRequest],
                 attempt: int) -> Iterator[tuple[int, Reply]]:
        """Yield (position in `requests`, reply) in the order replies finish. The pipeline
        is built on the first request, so a run whose replies are all cached needs no GPU."""
        if requests and self.pipe is None:
            self.open()
        for start in range(0, len(requests), self.config.batch_size):
            chunk = requests[start:start + self.config.batch_size]
            configs = [self.generation_config(r, attempt) for r in chunk]
            self.calls += 1
            parts: dict[int, list[str]] = defaultdict(list)
            done: set[int] = set()
            for response in self._stream(chunk, configs):
                parts[response.index].append(response.text or "")
                if response.finish_reason is None:
                    continue
                done.add(response.index)
                yield start + response.index, Reply(
                    "".join(parts.pop(response.index)), response.finish_reason,
                    response.input_token_len, response.generate_token_len,
                    response.error_message or "")
            for index in sorted(set(range(len(chunk))) - done):
                yield start + index, Reply("".join(parts.get(index, [])), "abort", 0, 0,
                                           "the engine ended without a final reply")

    def _stream(self, chunk: Sequence[LLMRequest], configs: list) -> Iterator:
        """The pipeline's responses; an engine failure becomes one clear error."""
        try:
            yield from self.pipe.stream_infer([list(r.messages) for r in chunk],
                                              gen_config=configs, stream_response=False)
        except Exception as error:  # the engine died under us (CUDA error, lost worker)
            raise SyntheticDataError(f"the engine failed: {type(error).__name__}: {error}") from None

    def close(self) -> None:
        if self.pipe is not None:
            self.pipe.close()
            self.pipe = None


class OpenAIEngine(Engine):
    """A model behind an OpenAI-compatible server: lmdeploy's api_server or its proxy over
    many GPUs and machines, vLLM, SGLang, llama.cpp. The official openai client sends the
    requests asynchronously, at most --concurrency at a time, on an event loop of its own
    thread (so this also works where a loop already runs, as in a notebook); replies are
    handed on one by one as they finish."""

    kind = "openai"

    def __init__(self, config: Config) -> None:
        super().__init__(config)
        self._stop, self._results, self._in_flight = None, None, set()

    def identity(self) -> dict:
        return {**super().identity(), "base_url": self.config.base_url,
                "response_format": self.config.response_format}

    def _api_key(self) -> str:
        return self.config.api_key or os.environ.get("OPENAI_API_KEY") or "not-needed"

    def open(self) -> None:
        """One cheap call (/v1/models): is the server there, and does it serve the model?"""
        try:
            import openai
        except ImportError:
            raise SyntheticDataError("the openai package is not installed; "
                                     "pip install -r requirements-cpu.txt") from None
        client = openai.OpenAI(base_url=self.config.base_url, api_key=self._api_key(),
                               timeout=30, max_retries=2)
        try:
            served = sorted(m.id for m in client.models.list())
        except openai.APIConnectionError as error:
            raise SyntheticDataError(f"no OpenAI-compatible server answers at "
                                     f"{self.config.base_url} ({error}); start it, or fix "
                                     "--base-url") from None
        except openai.APIStatusError as error:
            raise SyntheticDataError(f"{self.config.base_url}/models answered HTTP "
                                     f"{error.status_code}; check --base-url and --api-key") from None
        finally:
            client.close()
        if self.config.model not in served:
            raise SyntheticDataError(f"the server at {self.config.base_url} does not serve "
                                     f"{self.config.model!r}; it serves {served}: pass one of "
                                     "them with --model")

    def request_arguments(self, request: LLMRequest, attempt: int) -> dict:
        """The chat.completions arguments for one request: same prompt, schema and sampling
        settings as the in-process pipeline."""
        arguments = {"model": self.config.model, "messages": list(request.messages),
                     "max_tokens": self.config.max_tokens,
                     "temperature": self.config.temperature,
                     "seed": request_seed(self.config.seed, request.request_id, attempt),
                     "stop": list(STOP_WORDS)}
        if self.config.response_format == "json_schema":
            arguments["response_format"] = {"type": "json_schema", "json_schema": {
                "name": request.variant, "schema": request.schema}}
        elif self.config.response_format == "json_object":  # llama.cpp reads "schema" here
            arguments["response_format"] = {"type": "json_object", "schema": request.schema}
        return arguments

    def generate(self, requests: Sequence[LLMRequest],
                 attempt: int) -> Iterator[tuple[int, Reply]]:
        """Yield (position in `requests`, reply) as replies finish."""
        import queue
        import threading

        if not requests:
            return
        self.calls += 1
        results: queue.Queue = queue.Queue()
        self._stop, self._results = threading.Event(), results
        self._in_flight = set()
        worker = threading.Thread(target=self._work, args=(requests, attempt, results),
                                  daemon=True)
        worker.start()
        for _ in range(len(requests)):
            item = results.get()
            if isinstance(item, BaseException):
                self._stop.set()
                raise item
            yield item
        worker.join()

    def drain(self, seconds: float) -> Iterator[tuple[int, Reply]]:
        import queue

        if self._stop is None:
            return
        self._stop.set()  # requests not yet sent stay unsent
        deadline = time.monotonic() + seconds
        while True:
            done = not self._in_flight  # a reply is queued before it leaves this set
            try:
                item = self._results.get(timeout=0.1)
            except queue.Empty:
                if done or time.monotonic() >= deadline:
                    return
                continue
            if not isinstance(item, BaseException):
                yield item

    def _work(self, requests: Sequence[LLMRequest], attempt: int, results) -> None:
        import asyncio

        try:
            asyncio.run(self._ask_all(requests, attempt, results))
        except BaseException as error:  # handed to the consuming thread, which re-raises it
            results.put(error)

    async def _ask_all(self, requests: Sequence[LLMRequest], attempt: int, results) -> None:
        import asyncio

        import openai

        client = openai.AsyncOpenAI(base_url=self.config.base_url, api_key=self._api_key(),
                                    timeout=self.config.request_timeout, max_retries=0)
        limit = asyncio.Semaphore(self.config.concurrency)

        async def one(position: int, request: LLMRequest) -> None:
            async with limit:
                if self._stop.is_set():
                    return
                self._in_flight.add(position)
                reply = await self._ask(client, request, attempt)
                results.put((position, reply))
                self._in_flight.discard(position)

        try:
            tasks = [asyncio.ensure_future(one(n, r)) for n, r in enumerate(requests)]
            for task in asyncio.as_completed(tasks):
                await task  # the first fatal error ends the whole batch
        finally:
            for task in tasks:
                task.cancel()
            await client.close()

    async def _ask(self, client, request: LLMRequest, attempt: int) -> Reply:
        """One request, asked again after transient failures with backoff and jitter."""
        import asyncio

        import openai

        transient = (openai.APIConnectionError, openai.APITimeoutError, openai.RateLimitError,
                     openai.InternalServerError)
        rng = random.Random(request.request_id)
        for tries in range(1, SERVER_TRIES + 1):
            try:
                completion = await client.chat.completions.create(
                    **self.request_arguments(request, attempt))
            except transient as error:
                if tries == SERVER_TRIES:
                    raise SyntheticDataError(
                        f"the server at {self.config.base_url} failed {tries} times in a row "
                        f"({type(error).__name__}: {error})") from None
                await asyncio.sleep(min(30.0, 2 ** (tries - 1)) * rng.uniform(0.5, 1.5))
                continue
            except openai.APIStatusError as error:  # the server refuses this one request
                return Reply("", "error", 0, 0, f"HTTP {error.status_code}: {error.message}")
            choice, usage = completion.choices[0], completion.usage
            reason = "length" if choice.finish_reason == "length" else "stop"
            return Reply(choice.message.content or "", reason,
                         usage.prompt_tokens if usage else 0,
                         usage.completion_tokens if usage else 0)
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self._stop is not None:
            self._stop.set()


# =============================================================================
# The run: read, generate, check, split, write
# =============================================================================


def judge_reply(request: LLMRequest, reply: Reply, generator: str, max_tokens: int) -> QAPair:
    """The QA pair a reply makes, or ReplyError with the reason it is rejected."""
    if reply.finish_reason == "length":
        raise ReplyError("truncated", f"cut off at --max-tokens {max_tokens}; raise it")
    if reply.finish_reason in ("error", "abort"):
        raise ReplyError("engine_error", reply.error or f"finish_reason {reply.finish_reason}")
    return qa_from_reply(request, parse_reply(reply.text, request.schema), generator)


def _rejection(request: LLMRequest, reply: Reply, error: ReplyError, attempts: int) -> dict:
    return {"request_id": request.request_id, "question_type": request.question_type,
            "variant": request.variant, "source": request.section.source,
            "heading_path": list(request.section.heading_path), "attempts": attempts,
            "reason": error.reason, "detail": error.detail, "finish_reason": reply.finish_reason,
            "prompt": list(request.messages), "raw": reply.text}


def _replies(requests: Sequence[LLMRequest], pending: list[int], attempt: int, engine,
             cache: ReplyCache | None, seed: int, stats: Counter) -> Iterator[tuple[int, Reply]]:
    """(request position, reply) for every pending request: cached replies first, then the
    engine's for the rest, each stored in the cache the moment it arrives."""
    keys, unsent = {}, []
    for position in pending:
        if cache is None:
            unsent.append(position)
            continue
        keys[position] = cache_key(engine.identity(), requests[position],
                                   request_seed(seed, requests[position].request_id, attempt))
        reply = cache.get(keys[position])
        if reply is None:
            unsent.append(position)
        else:
            stats["from_cache"] += 1
            yield position, reply
    try:
        for local, reply in engine.generate([requests[p] for p in unsent], attempt):
            position = unsent[local]
            if cache is not None:
                cache.put(keys[position], reply)
            stats["requests_sent"] += 1
            stats["input_tokens"] += reply.input_tokens
            stats["output_tokens"] += reply.output_tokens
            yield position, reply
    except KeyboardInterrupt:  # keep what is already on its way, then stop
        if cache is not None:
            for local, reply in engine.drain(DRAIN_SECONDS):
                cache.put(keys[unsent[local]], reply)
        raise


def generate_with_model(requests: Sequence[LLMRequest], engine, config: Config, stats: Counter,
                        progress, cache: ReplyCache | None = None
                        ) -> tuple[dict[int, QAPair], list[tuple[int, dict]]]:
    """Send every request, retry malformed replies with a new seed up to --max-retries,
    and return the accepted pairs and the rejections, both keyed by request position."""
    accepted: dict[int, QAPair] = {}
    rejected: list[tuple[int, dict]] = []
    pending, attempt = list(range(len(requests))), 0
    while pending:
        retry = []
        for position, reply in _replies(requests, pending, attempt, engine, cache, config.seed,
                                        stats):
            try:
                accepted[position] = judge_reply(requests[position], reply, engine.name,
                                                 config.max_tokens)
            except ReplyError as error:
                if error.reason in ("invalid_json", "schema") and attempt < config.max_retries:
                    retry.append(position)
                    stats["retried"] += 1
                    continue
                rejected.append((position, _rejection(requests[position], reply, error,
                                                      attempt + 1)))
            progress.update(1)
        pending, attempt = sorted(retry), attempt + 1
    return accepted, rejected


def _fallback_pairs(requests: Sequence[LLMRequest], rejected: list[tuple[int, dict]],
                    corpus: Corpus, seed: int) -> dict[int, QAPair]:
    """--fallback heuristic: a heuristic pair of the same type and section for each
    rejected request, where the section has an unused candidate; marked heuristic."""
    used: set[tuple[str, str]] = set()
    replacements = {}
    for position, _ in rejected:
        request = requests[position]
        candidates = GENERATORS[request.question_type](request.section, corpus)
        random.Random(f"{seed}:{request.request_id}").shuffle(candidates)
        for draft in candidates:
            if (request.section.key, draft.question) not in used:
                used.add((request.section.key, draft.question))
                replacements[position] = make_qa(request.section, request.question_type,
                                                 draft, "heuristic")
                break
    return replacements


def _progress(total: int, unit: str, config: Config, err):
    """A progress bar on stderr; into a log file (no terminal) a line every 30 s at most."""
    from tqdm import tqdm

    terminal = hasattr(err, "isatty") and err.isatty()
    return tqdm(total=total, unit=unit, file=err, disable=config.quiet, leave=False,
                dynamic_ncols=True, mininterval=0.1 if terminal else 30)


def _run_engine(requests: Sequence[LLMRequest], engine: Engine, config: Config, stats: Counter,
                err) -> tuple[dict[int, QAPair], list[tuple[int, dict]]]:
    """generate_with_model with the reply cache open and the engine closed at the end,
    also on failure or Ctrl-C; a failure says how to resume."""
    cache = ReplyCache(config.cache_path) if config.cache_path else None
    try:
        if cache is None or any(cache.get(cache_key(engine.identity(), r, request_seed(
                config.seed, r.request_id, 0))) is None for r in requests):
            engine.open()  # fail fast (no GPU, no lmdeploy) before any progress is shown
        with _progress(len(requests), "request", config, err) as progress:
            return generate_with_model(requests, engine, config, stats, progress, cache)
    except SyntheticDataError as error:
        if cache is not None and len(cache):
            raise SyntheticDataError(f"{error}. The {len(cache)} replies received are saved in "
                                     f"{cache.path}: run the same command again to resume") from None
        raise
    finally:
        engine.close()
        if cache is not None:
            cache.close()


def model_qa_pairs(documents: Sequence[Document], corpus: Corpus, config: Config,
                   report: RunReport, err, engine=None) -> tuple[list[QAPair], list[dict]]:
    """The LLM path: plan the requests, run them through the engine, keep what passes."""
    requests = plan_requests(documents, corpus)
    for request in requests:
        report.requested[request.question_type] += 1
    engine = engine or (OpenAIEngine(config) if config.base_url else LmdeployEngine(config))
    stats: Counter = Counter()
    started = time.monotonic()
    accepted, rejected = _run_engine(requests, engine, config, stats, err)
    elapsed = time.monotonic() - started
    fallback = _fallback_pairs(requests, rejected, corpus, config.seed) \
        if config.fallback == "heuristic" else {}
    for qa in (*accepted.values(), *fallback.values()):
        report.produced[qa.question_type] += 1
    for _, record in rejected:
        report.rejected[record["question_type"]][record["reason"]] += 1
    report.llm = {
        "engine": type(engine).__name__, "model": engine.name,
        "engine_calls": engine.calls, "requests_planned": len(requests),
        "requests_sent": stats["requests_sent"], "replies_from_cache": stats["from_cache"],
        "cache": str(config.cache_path) if config.cache_path else None,
        "retried": stats["retried"],
        "accepted": len(accepted), "rejected": dict(Counter(r["reason"] for _, r in rejected)),
        "replaced_by_heuristic": len(fallback), "input_tokens": stats["input_tokens"],
        "output_tokens": stats["output_tokens"], "seconds": round(elapsed, 3),
        "output_tokens_per_second": round(stats["output_tokens"] / elapsed, 1) if elapsed else 0.0,
    }
    merged = {**accepted, **fallback}
    return [merged[i] for i in sorted(merged)], [r for _, r in sorted(rejected, key=lambda x: x[0])]


def heuristic_pairs(documents: Sequence[Document], corpus: Corpus, config: Config,
                    report: RunReport, err) -> list[QAPair]:
    pairs: list[QAPair] = []
    with _progress(len(documents), "file", config, err) as progress:
        for document in documents:
            pairs.extend(heuristic_qa_pairs(document, corpus, config.seed, report))
            progress.update(1)
    return pairs


def _count(pairs: Sequence[QAPair], key) -> dict[str, int]:
    return dict(sorted(Counter(key(qa) for qa in pairs).items()))


def _spread(values: Sequence[int]) -> dict[str, int]:
    """[3, 1, 2, 10] -> {"min": 1, "median": 2, "p90": 10, "max": 10}"""
    if not values:
        return {"min": 0, "median": 0, "p90": 0, "max": 0}
    ordered = sorted(values)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]
    return {"min": ordered[0], "median": pick(0.5), "p90": pick(0.9), "max": ordered[-1]}


def leaked_questions(train: Sequence[QAPair], validation: Sequence[QAPair]) -> list[str]:
    """Normalised question texts found on both sides of the split (should be none)."""
    seen = {normalized_question(qa.question) for qa in train}
    return sorted({q for q in (normalized_question(qa.question) for qa in validation) if q in seen})


def build_report(config: Config, report: RunReport, corpus: Corpus, pairs: Sequence[QAPair],
                 rejections: Sequence[dict], split: dict[str, list[QAPair]],
                 outputs: dict[str, str]) -> dict:
    """The run report: flags, files, counts per type (requested, produced, rejected by
    reason, accepted), difficulty, CoT level and split, quality figures, the leakage check."""
    flags = {k: str(v) if isinstance(v, Path) else v for k, v in dataclasses.asdict(config).items()}
    per_type = {t: {"requested": report.requested[t], "produced": report.produced[t],
                    "rejected": dict(sorted(report.rejected[t].items())),
                    "accepted": report.accepted[t],
                    "shortfall": max(0, report.requested[t] - report.accepted[t])}
                for t in QUESTION_TYPES}
    covered = {qa.section.key for qa in pairs}
    examples = {}
    for record in rejections:
        examples.setdefault(record["reason"], record)
    leaked = leaked_questions(split["train"], split["validation"])
    return {
        "status": "complete", "flags": flags, "outputs": outputs,
        "files_read": report.files_read, "files_skipped": report.files_skipped,
        "documents": {d: corpus.document_sections(s)[0].doc_title for d, s in
                      ((s.source, s) for s in corpus.sections)},
        "sections": report.sections, "qa_pairs": len(pairs),
        "examples_per_split": {name: len(part) * len(COT_LEVELS) for name, part in split.items()},
        "qa_pairs_per_split": {name: len(part) for name, part in split.items()},
        "per_type": per_type, "shortfall": report.shortfall(),
        "rejected": dict(sorted(Counter(r["reason"] for r in rejections).items())),
        "rejected_examples": examples,
        "per_type_and_difficulty": _count(pairs, lambda qa: f"{qa.question_type}/{qa.difficulty}"),
        "per_difficulty": _count(pairs, lambda qa: qa.difficulty),
        "per_generator": _count(pairs, lambda qa: qa.generator),
        "per_cot_level": {level: len(pairs) for level in COT_LEVELS},
        "grounding_histogram": _count_bins(report.grounding),
        "question_chars": _spread([len(qa.question) for qa in pairs]),
        "answer_chars": _spread([len(qa.answer) for qa in pairs]),
        "answer_tokens_estimated": _spread([estimate_tokens(qa.answer) for qa in pairs]),
        "sections_without_accepted_pairs": [
            f"{s.source}: {' > '.join(s.heading_path)}" for s in corpus.sections
            if s.key not in covered],
        "leakage": {"questions_in_both_splits": len(leaked), "examples": leaked[:5]},
        "llm": report.llm or None,
    }


def _count_bins(scores: Sequence[float]) -> dict[str, int]:
    """Grounding scores in tenths: [0.95, 1.0, 0.62] -> {"0.6-0.7": 1, "0.9-1.0": 2, ...}"""
    bins = Counter(min(9, int(score * 10)) for score in scores)
    return {f"{b / 10:.1f}-{(b + 1) / 10:.1f}": bins[b] for b in range(10)}


def _size_category(examples: int) -> str:
    """The hub's size bucket: 950 -> "n<1K", 25000 -> "10K<n<100K" """
    for limit, name in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"),
                        (1_000_000, "100K<n<1M")):
        if examples < limit:
            return name
    return "n>1M"


def dataset_card(document: dict, stamp: str) -> str:
    """A dataset card in markdown, readable on the Hugging Face hub and in a terminal,
    made from the run report alone."""
    lines = _card_header(document, stamp) + _card_counts(document) + _card_quality(document)
    return "\n".join(lines) + "\n"


def _card_header(document: dict, stamp: str) -> list[str]:
    flags, split = document["flags"], document["examples_per_split"]
    generator = "heuristics (--no-llm)" if flags["no_llm"] else \
        f"{flags['model']} via {flags['base_url'] or 'lmdeploy'}"
    lines = [
        "---", "task_categories:", "- question-answering", "- text-generation",
        "size_categories:", f"- {_size_category(sum(split.values()))}", "---", "",
        f"# Synthetic QA dataset {stamp}", "",
        f"Generated by generate_synthetic_data.py from {len(document['files_read'])} markdown "
        f"files with {generator}: {document['qa_pairs']} QA pairs, each as four chat examples "
        f"(no reasoning, one step, two steps, all steps).", "",
        "## Flags", "", "| flag | value |", "|---|---|",
        *[f"| {k} | {v} |" for k, v in flags.items()], "",
        "## Source documents", "", "| file | title |", "|---|---|",
        *[f"| {f} | {t} |" for f, t in document["documents"].items()]]
    if document["files_skipped"]:
        lines += ["", "Skipped: " + "; ".join(f"{s['file']} ({s['reason']})"
                                             for s in document["files_skipped"])]
    return lines


def _card_counts(document: dict) -> list[str]:
    split = document["examples_per_split"]
    lines = ["", "## Splits", "", "| split | QA pairs | examples |", "|---|---|---|",
             *[f"| {n} | {document['qa_pairs_per_split'][n]} | {split[n]} |" for n in split],
             "", f"Examples per chain-of-thought level: {document['per_cot_level']}.",
             "", "## Question types", "",
             "| type | difficulty | requested | produced | rejected | accepted |",
             "|---|---|---|---|---|---|"]
    for name, row in document["per_type"].items():
        lines.append(f"| {name} | {DIFFICULTY[name]} | {row['requested']} | {row['produced']} "
                     f"| {sum(row['rejected'].values())} | {row['accepted']} |")
    lines += ["", "## Rejected", "", "| reason | count | example |", "|---|---|---|"]
    for reason, count in document["rejected"].items():
        example = document["rejected_examples"][reason]
        text = (example.get("question") or example.get("detail") or "").replace("|", "\\|")
        lines.append(f"| {reason} | {count} | {text[:120]} |")
    if not document["rejected"]:
        lines.append("| none | 0 | |")
    return lines


def _card_quality(document: dict) -> list[str]:
    histogram = document["grounding_histogram"]
    widest = max(histogram.values()) or 1
    lines = ["", "## Grounding of accepted answers", "", "```",
             *[f"{b}  {'#' * round(40 * n / widest):<40} {n}" for b, n in histogram.items()],
             "```", "", "## Lengths (characters)", "", "| | min | median | p90 | max |",
             "|---|---|---|---|---|"]
    for label in ("question_chars", "answer_chars", "answer_tokens_estimated"):
        row = document[label]
        lines.append(f"| {label} | {row['min']} | {row['median']} | {row['p90']} | {row['max']} |")
    leak = document["leakage"]["questions_in_both_splits"]
    lines += ["", "## Leakage check", "",
              "Passed: no question text is in both splits." if not leak else
              f"FAILED: {leak} question texts are in both splits."]
    if document["sections_without_accepted_pairs"]:
        lines += ["", "## Sections without an accepted pair", "",
                  *[f"- {s}" for s in document["sections_without_accepted_pairs"]]]
    return lines


def write_outputs(config: Config, corpus: Corpus, pairs: Sequence[QAPair],
                  rejections: Sequence[dict], linked: Sequence[Sequence[int]],
                  report: RunReport) -> tuple[dict[str, str], dict]:
    """Split, render and write the train, validation, rejected, card and run-report files."""
    train, validation = split_pairs(pairs, config.train_ratio, config.split_by, config.seed,
                                    linked)
    stamp = reserve_run_stamp(config.output_dir)
    suffix = "jsonl" if config.output_format == "jsonl" else "json"
    outputs: dict[str, str] = {}
    for name, part in (("train", train), ("validation", validation)):
        path = config.output_dir / f"{name}-synthetic-data-{stamp}.{suffix}"
        write_atomic(path, render(shuffled_examples(part, config.seed, name), config.output_format))
        outputs[name] = str(path)
    if rejections:
        path = config.output_dir / f"rejected-{stamp}.jsonl"
        write_atomic(path, (json.dumps(r, ensure_ascii=False) + "\n" for r in rejections))
        outputs["rejected"] = str(path)
    outputs["card"] = str(config.output_dir / f"card-{stamp}.md")
    outputs["report"] = str(config.output_dir / f"run-{stamp}.json")
    document = build_report(config, report, corpus, pairs, rejections,
                            {"train": train, "validation": validation}, outputs)
    write_atomic(Path(outputs["card"]), dataset_card(document, stamp))
    write_atomic(Path(outputs["report"]), json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    return outputs, document


def summary_table(document: dict) -> str:
    """A short plain-text table of what the run produced, for stderr."""
    lines = [f"{'question type':<24}{'requested':>10}{'produced':>10}{'rejected':>10}"
             f"{'accepted':>10}"]
    for name, row in document["per_type"].items():
        lines.append(f"{name:<24}{row['requested']:>10}{row['produced']:>10}"
                     f"{sum(row['rejected'].values()):>10}{row['accepted']:>10}")
    split = document["examples_per_split"]
    lines.append(f"{document['qa_pairs']} QA pairs from {document['sections']} sections of "
                 f"{len(document['files_read'])} files ({len(document['files_skipped'])} "
                 f"skipped); examples: {split['train']} train, {split['validation']} validation")
    if document["rejected"]:
        lines.append(f"rejected: {document['rejected']}")
    if document["llm"]:
        llm = document["llm"]
        lines.append(f"model {llm['model']}: {llm['requests_sent']} requests sent, "
                     f"{llm['replies_from_cache']} replies from the cache, "
                     f"{llm['retried']} retried, rejected {llm['rejected'] or 'none'}, "
                     f"{llm['replaced_by_heuristic']} replaced by heuristics, "
                     f"{llm['input_tokens']} input / {llm['output_tokens']} output tokens, "
                     f"{llm['output_tokens_per_second']} output tokens/s")
    return "\n".join(lines)


def review(pairs: Sequence[QAPair], config: Config, report: RunReport
           ) -> tuple[list[QAPair], list[dict], list[list[int]]]:
    """Apply review_pairs and count what it kept and dropped, per type and reason."""
    kept, rejections, scores, linked = review_pairs(pairs, config.min_grounding,
                                                    config.keep_duplicates)
    for rejection in rejections:
        report.rejected[rejection.qa.question_type][rejection.reason] += 1
    for qa in kept:
        report.accepted[qa.question_type] += 1
        report.grounding.append(scores[qa.qa_id])
    return kept, [r.record() for r in rejections], linked


def run(config: Config, out=None, err=None, engine=None) -> dict:
    """Generate the dataset that `config` describes; return the run report.

    Data paths go to `out` (stdout), progress, warnings and the summary to `err` (stderr).
    `engine` replaces the lmdeploy engine (tests, benchmarks, other backends)."""
    out, err = out or sys.stdout, err or sys.stderr

    def warn(message: str) -> None:
        print(f"warning: {message}", file=err)

    report = RunReport()
    documents = load_documents(config, report, warn)
    if not documents:
        raise SyntheticDataError(
            f"none of the markdown files under {str(config.input_dir)!r} could be read (see the "
            "warnings above); save them as UTF-8 text")
    corpus = Corpus(documents)
    report.sections = len(corpus.sections)
    model_rejections: list[dict] = []
    if config.no_llm:
        pairs = heuristic_pairs(documents, corpus, config, report, err)
    else:
        pairs, model_rejections = model_qa_pairs(documents, corpus, config, report, err, engine)
    pairs, review_rejections, linked = review(pairs, config, report)
    if not pairs:
        warn("no QA pairs were produced; the output files are empty")
    rejections = model_rejections + review_rejections
    outputs, document = write_outputs(config, corpus, pairs, rejections, linked, report)
    for kind in ("train", "validation", "rejected", "card", "report"):
        if kind in outputs:
            print(outputs[kind], file=out)
    _warn_about(document, config, outputs, warn)
    if not config.quiet:
        print(summary_table(document), file=err)
    return document


def _warn_about(document: dict, config: Config, outputs: dict[str, str], warn) -> None:
    """Say on stderr what the user must know about this run's output."""
    if document["shortfall"]:
        warn("fewer questions than planned for some types (no matching pattern in the text, "
             f"or rejected): {document['shortfall']}")
    if document["rejected"]:
        warn(f"rejected {document['rejected']}; see {outputs['rejected']}")
    fallback = (document["llm"] or {}).get("replaced_by_heuristic")
    if fallback:
        warn(f"{fallback} rejected requests were answered by the heuristics instead "
             "(--fallback heuristic); those examples carry generator 'heuristic'")
    share = document["qa_pairs_per_split"]["validation"] / max(1, document["qa_pairs"])
    if document["qa_pairs"] and abs(share - (1 - config.train_ratio)) > 0.05:
        warn(f"validation holds {share:.0%} of the QA pairs, not {1 - config.train_ratio:.0%}: "
             f"with --split-by {config.split_by} the groups are too few or too large")
    if document["leakage"]["questions_in_both_splits"]:
        warn(f"{document['leakage']['questions_in_both_splits']} question texts are in both "
             "train and validation")


# =============================================================================
# Command line
# =============================================================================


def build_config(argv: Sequence[str] | None = None) -> Config:
    """Parse and validate the command line into a Config; SyntheticDataError on bad input."""
    config = Config(**vars(_argument_parser().parse_args(argv)))
    _validate(config)
    return config


def _argument_parser():
    import argparse

    class Parser(argparse.ArgumentParser):
        def error(self, message: str):  # one line, no usage dump
            raise SyntheticDataError(f"{message} (see --help)")

    parser = Parser(prog="generate_synthetic_data.py",
                    description="Turn markdown documents into fine-tuning QA data.")
    add = parser.add_argument
    add("--input-dir", type=Path, default=Path(MARKDOWN_DOCS_DIR),
        help="folder of markdown files, read recursively (default: %(default)s)")
    add("--output-dir", type=Path, default=Path(OUTPUT_DIR),
        help="where the data files go (default: %(default)s)")
    add("--train-ratio", type=float, default=TRAIN_RATIO,
        help="share of QA groups for training, between 0 and 1 (default: %(default)s)")
    add("--model", default=DEFAULT_MODEL, help="model for lmdeploy (default: %(default)s)")
    add("--max-tokens", type=int, default=DEFAULT_MAX_TOKENS,
        help="most tokens the model may write per reply (default: %(default)s)")
    add("--temperature", type=float, default=DEFAULT_TEMPERATURE,
        help="sampling temperature, 0 for greedy, at most 2 (default: %(default)s)")
    add("--no-llm", action="store_true",
        help="use the heuristics (any CPU) instead of the model")
    add("--seed", type=int, default=DEFAULT_SEED,
        help="seed for choices, sampling and the split (default: %(default)s)")
    add("--format", dest="output_format", choices=("json", "jsonl"), default="json",
        help="json: the seed's list of [user, assistant]; jsonl: messages and metadata")
    add("--split-by", choices=SPLIT_UNITS, default="qa",
        help="what never straddles train and validation (default: %(default)s)")
    add("--quiet", action="store_true", help="only warnings and errors on stderr")
    add("--max-section-tokens", type=int, default=DEFAULT_MAX_SECTION_TOKENS,
        help="cut longer sections at block boundaries (default: %(default)s)")
    add("--backend", choices=("turbomind", "pytorch"), default="turbomind",
        help="lmdeploy engine (default: %(default)s)")
    add("--tp", type=int, default=0, help="tensor-parallel GPUs (default: all visible)")
    add("--session-len", type=int, default=8192,
        help="context length the engine reserves per request (default: %(default)s)")
    add("--cache-max-entry-count", type=float, default=0.8,
        help="share of free GPU memory for the KV cache (default: %(default)s)")
    add("--batch-size", type=int, default=DEFAULT_BATCH_SIZE,
        help="prompts per engine call (default: %(default)s)")
    add("--max-retries", type=int, default=DEFAULT_MAX_RETRIES,
        help="new tries, with a new seed, for a malformed reply (default: %(default)s)")
    add("--fallback", choices=("none", "heuristic"), default="none",
        help="answer rejected requests with the heuristics, marked as such (default: none)")
    add("--min-grounding", type=float, default=DEFAULT_MIN_GROUNDING,
        help="reject answers less grounded in their source; 0 turns the check off "
             "(default: %(default)s)")
    add("--keep-duplicates", action="store_true",
        help="keep duplicate and near-duplicate questions (they still never straddle the split)")
    add("--cache", type=Path, default=None,
        help=f"SQLite file of model replies, for resuming (default: OUTPUT_DIR/{CACHE_NAME})")
    add("--no-cache", action="store_true", help="do not keep model replies")
    add("--base-url", default=None,
        help="an OpenAI-compatible server (lmdeploy api_server or proxy, vLLM, llama.cpp), "
             "e.g. http://localhost:23333/v1, instead of lmdeploy in this process")
    add("--api-key", default=None, help="key for --base-url (default: $OPENAI_API_KEY)")
    add("--concurrency", type=int, default=DEFAULT_CONCURRENCY,
        help="requests in flight to --base-url (default: %(default)s)")
    add("--response-format", choices=("json_schema", "json_object", "none"),
        default="json_schema",
        help="how --base-url is asked for JSON; llama.cpp needs json_object "
             "(default: %(default)s)")
    add("--request-timeout", type=float, default=DEFAULT_REQUEST_TIMEOUT,
        help="seconds to wait for one reply from --base-url (default: %(default)s)")
    return parser


def _validate(config: Config) -> None:
    checks = (
        (0 < config.train_ratio < 1, f"--train-ratio must be between 0 and 1 (exclusive), "
                                     f"got {config.train_ratio}; try 0.9"),
        (config.max_tokens > 0, f"--max-tokens must be positive, got {config.max_tokens}; "
                                "try 4096"),
        (0 <= config.temperature <= 2, f"--temperature must be between 0 and 2, got "
                                       f"{config.temperature}; try 0.7"),
        (config.max_section_tokens >= 50, f"--max-section-tokens must be at least 50, got "
                                          f"{config.max_section_tokens}"),
        (config.tp >= 0, f"--tp must be 0 (all GPUs) or more, got {config.tp}"),
        (config.session_len >= 512, f"--session-len must be at least 512, got "
                                    f"{config.session_len}"),
        (0 < config.cache_max_entry_count < 1, "--cache-max-entry-count must be between 0 "
                                               f"and 1, got {config.cache_max_entry_count}; "
                                               "0.8 is safe"),
        (config.batch_size >= 1, f"--batch-size must be at least 1, got {config.batch_size}"),
        (config.max_retries >= 0, f"--max-retries must be 0 or more, got {config.max_retries}"),
        (config.concurrency >= 1, f"--concurrency must be at least 1, got {config.concurrency}"),
        (config.request_timeout > 0, f"--request-timeout must be positive, got "
                                     f"{config.request_timeout}"),
        (not config.base_url or config.base_url.startswith(("http://", "https://")),
         f"--base-url must start with http:// or https://, got {config.base_url!r}"),
        (0 <= config.min_grounding <= 1, f"--min-grounding must be between 0 and 1, got "
                                         f"{config.min_grounding}; try {DEFAULT_MIN_GROUNDING}"),
    )
    for ok, message in checks:
        if not ok:
            raise SyntheticDataError(message)


def _stop_on_sigterm():
    """Treat SIGTERM (a scheduler ending the job) like Ctrl-C; returns the undo."""
    import signal

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread: leave signals alone
        return lambda: None
    return lambda: signal.signal(signal.SIGTERM, previous)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status (2 for anything the user can fix,
    130 when interrupted)."""
    config = None
    restore = _stop_on_sigterm()
    try:
        config = build_config(argv)
        run(config)
    except SyntheticDataError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        if config is not None and config.cache_path and config.cache_path.exists():
            print(f"interrupted: every reply received so far is saved in {config.cache_path}; "
                  "run the same command again to resume", file=sys.stderr)
        else:
            print("interrupted: no output was written; run the same command again",
                  file=sys.stderr)
        return 130
    finally:
        restore()
    return 0


if __name__ == "__main__":
    sys.exit(main())
