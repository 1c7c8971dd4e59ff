"""Shared helpers: the script is imported as a module from the repository root."""

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import generate_synthetic_data as gsd  # noqa: E402


def parse(text: str, source: str = "doc.md", budget: int = gsd.DEFAULT_MAX_SECTION_TOKENS):
    return gsd.parse_document(text, source, budget)


@pytest.fixture
def write_docs(tmp_path):
    """write_docs({"a.md": "...", "sub/b.md": b"..."}) -> the input folder."""

    def write(files: dict) -> Path:
        folder = tmp_path / "docs"
        for name, content in files.items():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        folder.mkdir(exist_ok=True)
        return folder

    return write


@pytest.fixture
def sample_docs():
    return ROOT / "markdown_docs"
