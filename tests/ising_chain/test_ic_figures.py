"""Settings of the paper's figures (noneq.ising_chain.figures)."""

import dataclasses
import math

import pytest

from noneq import ising_chain as ic
from noneq.ising_chain.figures import Scaled


def test_fig3_paper_parameters():
    s = ic.FIG3.at("paper")
    assert (s.M, s.t, s.T1, s.samples, s.bin_width, s.eps) == (10, 10, 1.0, 10**9, 0.2, 2.0)
    assert s.T2[:3] == (2.0, 5.0, 10.0) and math.isinf(s.T2[3])
    assert s.scale == "paper" and s.seeds() == (2016, 2017, 2018, 2019)
    assert ic.FIG3.at("book").samples == 10**7 and ic.FIG3.at("book").t == 10
    ci = ic.FIG3.at("ci")
    assert (ci.t, ci.samples) == (4, 200_000)
    assert ic.FIG4.at("ci") == dataclasses.replace(ci, figure="Fig. 4")


def test_settings_follow_environment(monkeypatch):
    monkeypatch.setenv("NONEQ_SCALE", "ci")
    assert ic.FIG5.at().times == (25, 100, 400)
    monkeypatch.setenv("NONEQ_SCALE", "paper")
    assert ic.FIG5.at().times[-1] == 6400
    assert ic.FIG6.at().M_solve == (4, 8, 12, 14)
    assert ic.FIG6.at("ci").M == (4, 10, 20, 25, 100)


def test_settings_are_frozen_and_validated():
    with pytest.raises(dataclasses.FrozenInstanceError):
        ic.FIG3.M = 12
    with pytest.raises(ValueError, match="NONEQ_SCALE"):
        ic.FIG3.at("huge")
    assert Scaled(ci=1, book=2, paper=3).at("book") == 2


def test_describe_lists_every_resolved_parameter():
    text = ic.FIG3.at("ci").describe()
    assert text.startswith("Fig. 3 [scale ci]")
    for part in ("M = 10", "t = 4", "T2 = (2, 5, 10, inf)", "samples = 2e5", "bin_width = 0.2", "seed = 2016"):
        assert part in text
    assert "unresolved" in ic.FIG3.describe()
    assert len(ic.FIG5.at("ci").currents()) == 401


def test_every_figure_resolves_at_every_scale():
    for name, st in {**ic.FIGURES, "dynamics": ic.DYNAMICS}.items():
        for sc in ("ci", "book", "paper"):
            r = st.at(sc)
            assert not any(isinstance(getattr(r, f.name), Scaled) for f in dataclasses.fields(r)), (name, sc)


def test_notebooks_read_the_settings_objects():
    # the chapter's sizes come from these objects only (no scale-dependent literal in a notebook)
    import json
    from pathlib import Path

    book = Path(__file__).resolve().parents[2] / "book" / "ising_chain"
    code = ""
    for nb in sorted(book.glob("*.ipynb")):
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        code += "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    assert "pick(" not in code
    for name in ("CURRENTS", "FIG3", "FIG5", "FIG6", "EFFICIENCY", "DYNAMICS"):
        assert f"ic.{name}.at()" in code, name
