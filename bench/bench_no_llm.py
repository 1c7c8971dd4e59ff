"""Throughput and memory of `--no-llm` at two input sizes.

    python bench/bench_no_llm.py                          # generated corpus, 0.35 and 3.5 MB
    python bench/bench_no_llm.py --input-dir /usr/share/doc/nodejs/api   # real docs: 10 % and all

Each size runs in a fresh process pinned to one core; the table shows MB/s of markdown
read, examples written per second and peak RSS. Targets (issue 2): at least 1.5 MB/s,
at most 300 MB peak RSS, and ten times the input at most about ten times the time."""

import argparse
import json
import os
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


def measure(input_dir: Path, work: Path) -> dict:
    result = subprocess.run([sys.executable, "-c", CHILD, str(corpus.ROOT), str(input_dir),
                             str(work / "out")], capture_output=True, text=True, check=True)
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    figures["mb"] = corpus.size_of(input_dir) / 1e6
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--input-dir", type=Path, help="real markdown to measure on")
    parser.add_argument("--mb", type=float, default=3.5, help="size of the generated corpus")
    parser.add_argument("--factor", type=float, default=10, help="large size / small size")
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
            figures = measure(folder, tmp / name)
            rows.append((name, figures))
    print(f"{'size':<7}{'MB':>8}{'seconds':>10}{'MB/s':>8}{'examples':>10}{'examples/s':>12}"
          f"{'peak RSS MB':>13}")
    for name, f in rows:
        print(f"{name:<7}{f['mb']:>8.2f}{f['seconds']:>10.2f}{f['mb'] / f['seconds']:>8.2f}"
              f"{f['examples']:>10}{f['examples'] / f['seconds']:>12.0f}{f['peak_rss_mb']:>13.0f}")
    (_, small_f), (_, large_f) = rows
    print(f"growth: {large_f['mb'] / small_f['mb']:.1f}x input took "
          f"{large_f['seconds'] / small_f['seconds']:.1f}x time")


if __name__ == "__main__":
    main()
