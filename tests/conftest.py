"""Shared helpers: the script is imported as a module from the repository root.

Slow tests (subprocesses, real servers) carry @pytest.mark.slow: `pytest -m "not slow"`
is the quick loop."""

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import generate_synthetic_data as gsd  # noqa: E402

SAMPLE_DOCS = ROOT / "markdown_docs"


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: starts processes or servers (deselect with "
                                       '-m "not slow")')


def parse(text: str, source: str = "doc.md", budget: int = gsd.DEFAULT_MAX_SECTION_TOKENS):
    return gsd.parse_document(text, source, budget)


def outputs(stdout: str) -> dict[str, Path]:
    """The files a run printed, by kind: {"train": Path, "validation": ..., "run": ...}."""
    return {Path(p).name.split("-")[0]: Path(p) for p in stdout.splitlines() if p.strip()}


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def run_cli(capsys, *args):
    """main() with these arguments: (exit status, files written by kind, stderr)."""
    status = gsd.main([str(a) for a in args])
    captured = capsys.readouterr()
    return status, outputs(captured.out), captured.err


@pytest.fixture
def write_docs(tmp_path):
    """write_docs({"a.md": "...", "sub/b.md": b"..."}) -> the input folder."""

    def write(files: dict, folder: Path | None = None) -> Path:
        folder = folder or tmp_path / "docs"
        for name, content in files.items():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    return write


@pytest.fixture
def sample_docs():
    return SAMPLE_DOCS


@pytest.fixture(scope="session")
def sample_library():
    """The bundled documents, parsed once for every test that reads them."""
    return gsd.load_documents(SAMPLE_DOCS, gsd.DEFAULT_MAX_SECTION_TOKENS, print)


@pytest.fixture(scope="session")
def sample_requests(sample_library):
    """Every model request a run on the bundled documents plans."""
    documents = sample_library.documents
    return gsd.plan_requests(documents, gsd.Corpus(documents))


@pytest.fixture(scope="session")
def sample_pairs(sample_library):
    """Every heuristic QA pair of the bundled documents (before the review)."""
    documents = sample_library.documents
    corpus = gsd.Corpus(documents)
    return [qa for d in documents for qa in gsd.heuristic_qa_pairs(d, corpus, 3)]
