"""Time of the review pass (grounding, question checks, duplicates) at a given number of
examples (four per QA pair).

    python bench/bench_review.py [--examples 100000] [--input-dir DIR]

QA pairs come from the heuristics over DIR (the generated corpus by default), repeated
with small edits until there are enough, so that exact and near duplicates are present.
Target (issue 6): the duplicate search under a few seconds at 100,000 examples."""

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402

sys.path.insert(0, str(corpus.ROOT))
import generate_synthetic_data as gsd  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--examples", type=int, default=100_000)
    parser.add_argument("--input-dir", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.input_dir or corpus.generated(2_000_000, Path(tmp) / "docs")
        library = gsd.load_documents(folder, gsd.DEFAULT_MAX_SECTION_TOKENS, print)
    pairs = [qa for d in library.documents
             for qa in gsd.heuristic_qa_pairs(d, gsd.Corpus([d]), gsd.DEFAULT_SEED)]
    wanted = args.examples // len(gsd.COT_LEVELS)
    pairs = (pairs * (wanted // max(1, len(pairs)) + 1))[:wanted]
    pairs = [p if n % 3 else gsd.dataclasses.replace(p, qa_id=f"{p.qa_id}-{n}", question=p.question + " ")
             for n, p in enumerate(pairs)]
    start = time.perf_counter()
    sources = {}
    checked, stripped = [], []
    for qa in pairs:
        text = sources.setdefault(qa.section.key, qa.section.body)
        score, rejected = gsd.check_pair(qa, text, gsd.DEFAULT_MIN_GROUNDING)
        if rejected is None:
            checked.append(gsd.PairKey.of(len(checked), qa, score))
            stripped.append(gsd.stripped_question(qa))
    check = time.perf_counter() - start
    start = time.perf_counter()
    clusters = gsd.duplicate_clusters(checked, gsd.NEAR_DUPLICATE, stripped.__getitem__)
    dedup = time.perf_counter() - start
    start = time.perf_counter()
    reviewed = gsd.deduplicate(checked, False, stripped.__getitem__)
    whole = time.perf_counter() - start
    print(f"QA pairs {len(pairs)} ({len(pairs) * len(gsd.COT_LEVELS)} examples)")
    print(f"grounding and question checks  {check:.2f} s  ({len(checked)} pass)")
    print(f"duplicate search      {dedup:.2f} s  ({sum(len(c) for c in clusters)} pairs in "
          f"{len(clusters)} clusters)")
    print(f"deduplication         {whole:.2f} s  (kept {len(reviewed.kept)}, dropped "
          f"{len(reviewed.dropped)})")


if __name__ == "__main__":
    main()
