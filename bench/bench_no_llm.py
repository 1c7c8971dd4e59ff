"""Throughput and memory of `--no-llm` at two input sizes, and one long paragraph.

    python bench/bench_no_llm.py                          # generated corpus, 0.35 and 3.5 MB
    python bench/bench_no_llm.py --mb 20 --factor 4       # generated corpus, 5 and 20 MB
    python bench/bench_no_llm.py --input-dir /work/corpora/node   # real docs: 10 % and all

Each size runs in a fresh process pinned to one core; the table shows MB/s of markdown
read, examples written per second and peak RSS, then the growth of peak RSS per MB of
input (the slope) and the time of a document that is one paragraph of --paragraph-mb MB
(one long paragraph is quadratic in the heuristics today; --paragraph-mb 0 skips it).
Targets (issue 12): at most 500 MB peak RSS at 20 MB of input, a slope far below 90x."""

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402

CHILD = r"""
import io, json, os, resource, sys, time
os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
sys.path.insert(0, sys.argv[1])
import generate_synthetic_data as g
config = g.build_config(["--no-llm", "--quiet", "--input-dir", sys.argv[2], "--output-dir", sys.argv[3]])
start = time.perf_counter()
report = g.run(config, out=io.StringIO(), err=io.StringIO())
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "examples": sum(report.examples_per_split.values()),
                  "qa_pairs": report.qa_pairs,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def measure(input_dir: Path, work: Path, timeout: float | None = None) -> dict:
    result = subprocess.run([sys.executable, "-c", CHILD, str(corpus.ROOT), str(input_dir),
                             str(work / "out")], capture_output=True, text=True, check=True,
                            timeout=timeout)
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    figures["mb"] = corpus.size_of(input_dir) / 1e6
    return figures


def one_paragraph(target_bytes: int, folder: Path) -> Path:
    """A document whose body is a single paragraph of the bundled documents' sentences."""
    sentences = []
    for path in sorted((corpus.ROOT / "markdown_docs").glob("*.md")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line and line[0].isalpha() and line.rstrip().endswith("."):
                sentences += re.split(r"(?<=\.)\s+", line.strip())
    parts, size, n = [], 0, 0
    while size < target_bytes:
        sentence = re.sub(r"\b\d+\b", lambda m: str(int(m.group()) + n), sentences[n % len(sentences)])
        parts.append(sentence)
        size += len(sentence.encode("utf-8")) + 1
        n += 1
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "paragraph.md").write_text("# One paragraph\n\n" + " ".join(parts) + "\n", encoding="utf-8")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--input-dir", type=Path, help="real markdown to measure on")
    parser.add_argument("--mb", type=float, default=3.5, help="size of the generated corpus")
    parser.add_argument("--factor", type=float, default=10, help="large size / small size")
    parser.add_argument("--paragraph-mb", type=float, default=1.0,
                        help="size of the one-paragraph document (0: skip)")
    parser.add_argument("--paragraph-timeout", type=float, default=1800,
                        help="give up on the one-paragraph document after this many seconds")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if args.input_dir:
            small = corpus.share_of(args.input_dir, 1 / args.factor, tmp / "small")
            large = args.input_dir
        else:
            small = corpus.generated(int(args.mb * 1e6 / args.factor), tmp / "small")
            large = corpus.generated(int(args.mb * 1e6), tmp / "large")
        for name, folder in (("small", small), ("large", large)):
            rows.append((name, measure(folder, tmp / name)))
        paragraph = None
        if args.paragraph_mb:
            folder = one_paragraph(int(args.paragraph_mb * 1e6), tmp / "paragraph")
            try:
                paragraph = measure(folder, tmp / "paragraph-out", args.paragraph_timeout)
            except subprocess.TimeoutExpired:
                paragraph = {"timed_out": args.paragraph_timeout, "mb": corpus.size_of(folder) / 1e6}
    print(f"{'size':<7}{'MB':>8}{'seconds':>10}{'MB/s':>8}{'examples':>10}{'examples/s':>12}"
          f"{'peak RSS MB':>13}")
    for name, f in rows:
        print(f"{name:<7}{f['mb']:>8.2f}{f['seconds']:>10.2f}{f['mb'] / f['seconds']:>8.2f}"
              f"{f['examples']:>10}{f['examples'] / f['seconds']:>12.0f}{f['peak_rss_mb']:>13.0f}")
    (_, small_f), (_, large_f) = rows
    print(f"growth: {large_f['mb'] / small_f['mb']:.1f}x input took "
          f"{large_f['seconds'] / small_f['seconds']:.1f}x time; peak RSS grew "
          f"{(large_f['peak_rss_mb'] - small_f['peak_rss_mb']) / (large_f['mb'] - small_f['mb']):.0f} "
          f"MB per MB of input ({large_f['peak_rss_mb'] / large_f['mb']:.0f}x the large input)")
    if paragraph and "timed_out" in paragraph:
        print(f"one paragraph of {paragraph['mb']:.2f} MB: not done in {paragraph['timed_out']:.0f} s")
    elif paragraph:
        print(f"one paragraph of {paragraph['mb']:.2f} MB: {paragraph['seconds']:.1f} s, "
              f"{paragraph['examples']} examples, peak RSS {paragraph['peak_rss_mb']:.0f} MB")


if __name__ == "__main__":
    main()
