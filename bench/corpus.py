"""Build a markdown corpus of a given size for the benchmarks.

A real folder is used as it is (and cut to a share of its bytes for the smaller size);
without one, the bundled markdown_docs/ are copied with their numbers and headings varied
until the corpus reaches the size asked for."""

import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _vary(text: str, n: int) -> str:
    """A copy of a document with its numbers shifted and its headings numbered."""
    text = re.sub(r"\b\d+\b", lambda m: str(int(m.group()) + n), text)
    return re.sub(r"^(#{1,6} .+)$", lambda m: f"{m.group(1)} {n}", text, flags=re.M)


def generated(target_bytes: int, folder: Path) -> Path:
    sources = sorted((ROOT / "markdown_docs").glob("*.md"))
    texts = [p.read_text(encoding="utf-8") for p in sources]
    folder.mkdir(parents=True, exist_ok=True)
    size, n = 0, 0
    while size < target_bytes:
        for source, text in zip(sources, texts):
            data = _vary(text, n).encode("utf-8")
            (folder / f"{source.stem}-{n:05d}.md").write_bytes(data)
            size += len(data)
        n += 1
    return folder


def share_of(input_dir: Path, share: float, folder: Path) -> Path:
    """The first files of `input_dir` (sorted) that add up to `share` of its bytes."""
    files = sorted(p for p in input_dir.rglob("*") if p.suffix.lower() in (".md", ".markdown"))
    total = sum(p.stat().st_size for p in files)
    folder.mkdir(parents=True, exist_ok=True)
    size = 0
    for path in files:
        if size >= share * total:
            break
        shutil.copy(path, folder / path.name)
        size += path.stat().st_size
    return folder


def size_of(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*.md"))
