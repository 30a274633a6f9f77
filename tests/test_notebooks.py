"""Static checks of the book's notebooks (they are executed by nbval and the book build)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p for p in (ROOT / "book").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts and "_build" not in p.parts)
IDS = [str(p.relative_to(ROOT)) for p in NOTEBOOKS]


def _load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def _code_cells(nb):
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def _source(cell):
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def test_every_chapter_has_notebooks():
    for chapter in ("mass_transport", "phase_coexistence", "ising_chain"):
        assert (ROOT / "book" / chapter / "index.md").is_file(), f"{chapter} has no index.md"
        assert list((ROOT / "book" / chapter).glob("[0-9]*.ipynb")), f"{chapter} has no notebooks"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_stored_without_outputs(path):
    for i, cell in enumerate(_code_cells(_load(path))):
        assert not cell.get("outputs"), f"cell {i} has stored outputs"
        assert cell.get("execution_count") is None, f"cell {i} has an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_ends_with_hidden_checks(path):
    """Each notebook ends with remove-cell check cells that assert its numbers."""
    cells = _code_cells(_load(path))
    assert cells, "no code cells"
    last = cells[-1]
    assert "remove-cell" in last.get("metadata", {}).get("tags", []), "last code cell is not tagged remove-cell"
    checks = [c for c in cells if "remove-cell" in c.get("metadata", {}).get("tags", [])]
    assert any(re.search(r"^\s*assert\b", _source(c), re.M) for c in checks), "no assert in the check cells"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_kernels_in_notebooks(path):
    """Notebooks are thin: compiled kernels live in the package."""
    for i, cell in enumerate(_code_cells(_load(path))):
        src = _source(cell)
        assert not re.search(r"@(numba\.)?(njit|jit|vectorize)\b", src), f"cell {i} defines a numba kernel"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_kernel_is_python3(path):
    assert _load(path)["metadata"].get("kernelspec", {}).get("name") == "python3"


def test_toc_covers_every_notebook():
    toc = (ROOT / "_toc.yml").read_text()
    for path in NOTEBOOKS:
        chapter = path.parent.name
        assert f"glob: book/{chapter}/[0-9]*" in toc, f"{path} is not reached by the table of contents"
        assert re.match(r"\d\d_", path.name), f"{path.name} does not start with its two-digit position"
