"""Command line: python -m noneq.ising_chain <figure> [--scale ...] [--seed N]."""

import subprocess
import sys

import numpy as np
import pytest

from noneq import ising_chain as ic


def test_fig5_prints_settings_then_numbers(capsys):
    assert ic.main(["fig5", "--scale", "ci"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("Fig. 5 [scale ci]") and "times = (25, 100, 400)" in out[0]
    assert sum("max |I(J) - I(-J)" in line for line in out) == 4
    assert sum("t x deviation" in line for line in out) == 3


def test_efficiency_and_fig6(capsys):
    ic.main(["efficiency", "--scale", "ci"])
    out = capsys.readouterr().out
    assert "a0 (eq. 56) = 2.3993572805" in out and " 1   0.5000000000" in out
    ic.main(["fig6", "--scale", "ci"])
    out = capsys.readouterr().out
    assert "T_eff(T1=1, T2=2) = 1.404727" in out and "M = 100" in out and "M = 11, T2 = inf" in out


def test_fig3_runs_and_saves(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("NONEQ_PROGRESS", "0")
    out_file = tmp_path / "fig3.npz"
    ic.main(["fig3", "--scale", "ci", "--seed", "5", "--out", str(out_file)])
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("Fig. 3 [scale ci]") and "seed = 5" in out[0]
    rows = [line for line in out if line.startswith("T2=")]
    assert len(rows) == 4 and all("unpaired 0" in r and "outside 0" in r for r in rows)
    data = np.load(out_file)
    assert {"exact_prob_inf", "mc_counts_2"} <= set(data.files)
    assert data["mc_counts_2"].sum() == 200_000


def test_bad_arguments():
    with pytest.raises(SystemExit):
        ic.main(["fig7"])
    with pytest.raises(SystemExit):
        ic.main(["fig5", "--seed", "3"])
    with pytest.raises(SystemExit):
        ic.main(["fig3", "--scale", "huge"])


def test_module_entry_point():
    r = subprocess.run([sys.executable, "-m", "noneq.ising_chain", "--help"], capture_output=True, text=True,
                       check=True)
    assert "fig3" in r.stdout and "--scale" in r.stdout
    assert "RuntimeWarning" not in r.stderr
