"""Static checks of the book's notebooks (they are executed by nbval and the book build)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(
    p for p in (ROOT / "book").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts and "_build" not in p.parts
)
#: Longest code line a page shows without horizontal scrolling (black's default).
MAX_CODE_LINE = 88
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
        listed = re.search(rf"^\s*- file: book/{chapter}/{re.escape(path.stem)}\s*$", toc, re.M)
        assert f"glob: book/{chapter}/[0-9]*" in toc or listed, f"{path} is not reached by the table of contents"
        assert re.match(r"\d\d_", path.name), f"{path.name} does not start with its two-digit position"
    # a chapter listed page by page lists each of its notebooks once and nothing that does not exist
    for chapter in {p.parent.name for p in NOTEBOOKS}:
        files = re.findall(rf"^\s*- file: book/{chapter}/(\d\d_\S+)\s*$", toc, re.M)
        if files:
            assert f"glob: book/{chapter}/" not in toc, f"{chapter}: both a glob and single pages"
            stems = sorted(p.stem for p in NOTEBOOKS if p.parent.name == chapter)
            assert sorted(files) == stems, (chapter, files, stems)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_code_lines_fit_the_page(path):
    """Code shown on a page (not the hidden check cells) fits the text column."""
    long = []
    for i, cell in enumerate(_code_cells(_load(path))):
        if {"remove-cell", "remove-input"} & set(cell.get("metadata", {}).get("tags", [])):
            continue
        long += [(i, len(line)) for line in _source(cell).splitlines() if len(line) > MAX_CODE_LINE]
    assert not long, f"(cell, length) of code lines over {MAX_CODE_LINE} characters: {long[:8]}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_declares_its_figures(path):
    """The number of figures is declared, and every figure cell has a name, a caption and alt text."""
    nb = _load(path)
    declared = nb["metadata"].get("noneq", {}).get("figures")
    assert isinstance(declared, int) and declared >= 0, "notebook metadata noneq.figures is missing"
    named = []
    for i, cell in enumerate(_code_cells(nb)):
        fig = cell.get("metadata", {}).get("mystnb", {}).get("figure")
        if fig is None:
            continue
        alt = cell["metadata"]["mystnb"].get("image", {}).get("alt", "")
        assert re.fullmatch(r"fig-(mass-transport|phase-coexistence|ising-chain)-[a-z0-9-]+", fig.get("name", "")), (
            f"cell {i}: figure name {fig.get('name')!r} does not follow fig-<chapter>-<N or slug>"
        )
        assert len(fig.get("caption", "")) > 40, f"cell {i}: figure {fig['name']} has no real caption"
        assert len(alt) > 10, f"cell {i}: figure {fig['name']} has no alt text"
        named.append(fig["name"])
    assert len(named) == len(set(named)), f"figure names repeat: {named}"
    assert len(named) == declared, f"{declared} figures declared, {len(named)} figure cells named"
