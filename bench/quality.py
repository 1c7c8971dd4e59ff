"""Mechanical quality figures of the --no-llm data on folders of real documents, and a
stratified sample of pairs to read.

    python bench/quality.py DIR [DIR ...] [--sample 60 --sample-file pairs.md]

For each folder: a --no-llm run (jsonl, in a temporary folder), then
- leak: questions that hold half or more of their answer's content words (character
  bigrams for CJK text); true/false statements are left out, they must restate the text;
- dangling: answers that end in a dangling word ("even.", "but.", "the.") or in a colon
  whose list or code was dropped;
- English in CJK: questions on CJK sections that carry ASCII words found neither in the
  section nor in the document's title (template words);
- pairs per section, and the types present (of 15);
- true share: of the true/false pairs, how many are true;
- seconds and MB/s of the run (one core; compare within one machine and run).
The sample takes pairs of every type in turn (the all-steps example of each), so that a
reader grades all types, not only the most frequent one."""

import argparse
import io
import json
import random
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import generate_synthetic_data as gsd  # noqa: E402

# Words a complete sentence does not end with (a preposition may: "switch it on", "wait for").
DANGLING = frozenset("""a an the and or but nor of because if when while although unless
whether than even its their our your his her is are was were be been can may must should
will would such as which who whose where""".split())
_VERDICT = re.compile(r"^(true|false|正确|错误|对|错)\b", re.I)


def units(text: str) -> set[str]:
    """Content words, crudely singular, or character bigrams of CJK text."""
    cjk = "".join(gsd.CJK_RE.findall(text))
    if len(cjk) >= len(text) / 4:
        return {cjk[i:i + 2] for i in range(len(cjk) - 1)}
    return {w[:-1] if w.endswith("s") and len(w) > 3 else w for w in gsd.content_words(text)}


def leaks(question: str, answer: str) -> bool:
    answer_units = units(answer)
    return bool(answer_units) and len(answer_units & units(question)) * 2 >= len(answer_units)


def dangles(answer: str) -> bool:
    """ "...to force setting versions even." -> True;  "Wear a helmet." -> False;
    "...between 0 and 255." -> False (it ends in a value, not a word)"""
    text = answer.rstrip()
    if text.endswith((":", "：")):
        return True
    body = text.rstrip(".!?;,\"'”’")
    if not body or text[-1:] not in ".!?;" or not re.search(r"[A-Za-z]$", body):
        return False
    words = re.findall(r"[A-Za-z']+", body)
    return words[-1].lower() in DANGLING and " ".join(words[-2:]).lower() != "or not"


def english_in_cjk(question: str, source_text: str) -> bool:
    words = set(re.findall(r"[A-Za-z]{2,}", question))
    return any(w not in source_text for w in words)


def section_text(folder: Path, metadata: dict, files: dict) -> str:
    source = metadata["source"]
    if source not in files:
        raw = (folder / source).read_bytes()
        files[source] = gsd.decode_markdown(raw)
    start, end = metadata["span"]
    return files[source][start:end]


def measure(folder: Path, seed: int) -> tuple[dict, list[dict]]:
    with tempfile.TemporaryDirectory() as out:
        config = gsd.build_config(["--no-llm", "--format", "jsonl", "--quiet", "--input-dir",
                                   str(folder), "--output-dir", out, "--seed", str(seed)])
        start = time.perf_counter()
        summary = gsd.run(config, out=io.StringIO(), err=io.StringIO())
        seconds = time.perf_counter() - start
        records = []
        for name in ("train", "validation"):
            for line in Path(summary.outputs[name]).read_text(encoding="utf-8").splitlines():
                record = json.loads(line)
                if record["metadata"]["cot"] == "all_steps":
                    records.append(record)
    files: dict[str, str] = {}
    counts: Counter = Counter()
    types: Counter = Counter()
    verdicts: Counter = Counter()
    for record in records:
        metadata = record["metadata"]
        question, reply = (m["content"] for m in record["messages"])
        answer = reply.rsplit("\n", 1)[-1] if "```" not in reply else reply
        record["answer"] = answer
        types[metadata["question_type"]] += 1
        verdict = _VERDICT.match(answer)
        if metadata["question_type"] == "true_false_fill_blank" and verdict:
            verdicts[verdict.group(1).lower() in ("true", "正确", "对")] += 1
        else:
            counts["leak"] += leaks(question, answer)
        counts["dangling"] += dangles(answer)
        text = section_text(folder, metadata, files)
        if gsd.CJK_RE.search(text) and len(gsd.CJK_RE.findall(text)) > len(text) / 5:
            counts["cjk_questions"] += 1
            title = summary.documents.get(metadata["source"], "")
            counts["english_in_cjk"] += english_in_cjk(question, text + title)
    n = max(1, len(records))
    figures = {
        "folder": str(folder), "MB": round(sum(len(t.encode()) for t in files.values()) / 1e6, 2),
        "seconds": round(seconds, 1), "sections": summary.sections, "pairs": len(records),
        "pairs_per_section": round(len(records) / max(1, summary.sections), 2),
        "types_present": len(types), "types": dict(types.most_common()),
        "leak_%": round(100 * counts["leak"] / max(1, n - sum(verdicts.values())), 1),
        "dangling_%": round(100 * counts["dangling"] / n, 2),
        "english_in_cjk_%": round(100 * counts["english_in_cjk"] / max(1, counts["cjk_questions"]), 1),
        "true_share_%": round(100 * verdicts[True] / max(1, sum(verdicts.values())), 1),
    }
    return figures, records


def stratified(records: list[dict], count: int, seed: int) -> list[dict]:
    by_type = defaultdict(list)
    for record in records:
        by_type[record["metadata"]["question_type"]].append(record)
    rng = random.Random(seed)
    for group in by_type.values():
        rng.shuffle(group)
    sample = []
    while len(sample) < count and any(by_type.values()):
        for name in sorted(by_type):
            if by_type[name] and len(sample) < count:
                sample.append(by_type[name].pop())
    return sample


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--seed", type=int, default=gsd.DEFAULT_SEED)
    parser.add_argument("--sample", type=int, default=0, help="pairs to write per folder")
    parser.add_argument("--sample-file", type=Path, default=Path("sample-pairs.md"))
    args = parser.parse_args()
    lines = []
    for folder in args.folders:
        figures, records = measure(folder, args.seed)
        print(json.dumps(figures, ensure_ascii=False))
        for n, record in enumerate(stratified(records, args.sample, args.seed), 1):
            metadata = record["metadata"]
            question, reply = (m["content"] for m in record["messages"])
            lines += [f"## {folder.name} {n}: {metadata['question_type']} "
                      f"({metadata['source']} > {' > '.join(metadata['heading_path'])})", "",
                      "Q: " + question, "", "A (all steps):", "", reply, ""]
    if args.sample:
        args.sample_file.write_text("\n".join(lines), encoding="utf-8")
        print(f"sample written to {args.sample_file}")


if __name__ == "__main__":
    main()
