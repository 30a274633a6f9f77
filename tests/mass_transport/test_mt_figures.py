"""Settings of Figs. 3, 5, 6, 7 and of the ZRP section, and the command line that runs them."""

import os
import subprocess
import sys

import numpy as np
import pytest

from noneq import mass_transport as mt
from noneq.mass_transport import figures


def test_paper_sizes():
    assert (mt.FIG3.at("paper").N, mt.FIG3.at("paper").N_pr) == (15870, 512)
    assert (mt.FIG5.at("paper").N_b, mt.FIG5.at("paper").N_pr) == (43348, 1024)
    assert mt.FIG6.at("paper").N_b == 341 and mt.FIG7.at("paper").scan is mt.FIG6.at("paper")
    assert mt.FIG5.at("paper").init == "balanced" and mt.ZRP.at("paper").n == 1000


def test_notebook_values():
    """The ci and book presets are the chapter's pick(ci=..., book=...) values."""
    assert (mt.FIG3.at("ci").N, mt.FIG3.at("ci").N_pr, mt.FIG3.at("ci").t_max, mt.FIG3.at("ci").n_blocks) == \
        (1024, 32, 800.0, 150)
    s = mt.FIG5.at("book")
    assert (s.N_b, s.N_pr, s.t_max, s.t_relax, s.init) == (512, 64, 12 * 512 / 0.5, 10 * 512 / 0.5, "uniform")
    assert np.allclose(mt.FIG6.at("book").rhos, np.linspace(0.1, 1.0, 10))
    assert mt.FIG7.at("ci").sizes == (32, 64) and mt.ZRP.at("ci").t_relax == 20 * 3 * 24 / 0.5


def test_scale_from_environment(monkeypatch):
    monkeypatch.setenv("NONEQ_SCALE", "ci")
    assert mt.FIG3.at() is mt.FIG3.ci
    monkeypatch.setenv("NONEQ_SCALE", "paper")
    assert mt.FIG3.at() is mt.FIG3.paper
    assert "N = 15870" in mt.FIG3.describe()


def test_settings_are_frozen_and_validated():
    s = mt.FIG3.at("ci")
    with pytest.raises(AttributeError):
        s.N = 3
    with pytest.raises(ValueError, match="N_pr"):
        figures.RingProbeSettings(N=10, N_pr=0, t_max=1.0, n_blocks=2)
    with pytest.raises(ValueError, match="init"):
        figures.ProbeBranchSettings(N_b=10, N_pr=2, t_max=1.0, t_relax=0.0, init="random")
    with pytest.raises(ValueError, match="rhos"):
        figures.DensityScanSettings(N_b=10, rhos=(0.5, -1.0))
    cases = s.cases()
    assert list(cases) == ["sin_N/4", "sin_3N/4", "random"] and cases["sin_3N/4"][1] == 3 * 1024 // 4


def _main(capsys, *argv):
    assert mt.main(list(argv)) == 0
    return capsys.readouterr().out


def test_cli_fig3(capsys, tmp_path):
    out = _main(capsys, "fig3", "--scale", "ci", "--N", "64", "--N-pr", "4", "--t-max", "20", "--seed", "3",
                "--out", str(tmp_path / "f3.npz"))
    assert "fig3 (ci scale)" in out and "N = 64" in out and "eta_seed = 3" in out
    assert out.count("probe lambda") == 3
    assert set(np.load(tmp_path / "f3.npz").files) >= {"random_probe", "sin_N/4_expected"}


def test_cli_fig5_serial_subset(capsys):
    out = _main(capsys, "fig5", "--scale", "ci", "--N", "16", "--N-pr", "4", "--t-max", "40", "--t-relax", "10",
                "--jobs", "1", "--branches", "AB")
    assert "probe in A" in out and "probe in B" in out and "probe in C" not in out


def test_cli_fig5_parallel(capsys):
    out = _main(capsys, "fig5", "--scale", "ci", "--N", "12", "--N-pr", "4", "--t-max", "20", "--t-relax", "5",
                "--jobs", "2", "--branches", "BC")
    assert "probe in B" in out and "probe in C" in out


def test_cli_fig6_and_fig7(capsys):
    out6 = _main(capsys, "fig6", "--scale", "ci", "--N", "16", "--t-max", "100", "--t-relax", "20")
    assert out6.count("rho=") == 4 and "ring control" in out6
    out7 = _main(capsys, "fig7", "--scale", "ci", "--N", "16", "--t-max", "100", "--t-relax", "20")
    assert "alpha (eq. 35)" in out7 and "fit a + b/N_b" in out7


def test_cli_zrp(capsys):
    out = _main(capsys, "zrp", "--scale", "ci", "--N", "6", "--t-max", "2000", "--t-relax", "100")
    assert "zrp (ci scale)" in out and "z_A/z_B" in out


def test_cli_rejects_bad_arguments(capsys):
    with pytest.raises(SystemExit):
        mt.main(["fig4"])
    with pytest.raises(SystemExit):
        mt.main(["fig3", "--scale", "ci", "--N", "1"])
    with pytest.raises(SystemExit):
        mt.main(["fig5", "--scale", "ci", "--branches", "XY", "--N", "12"])


def test_python_dash_m():
    env = dict(os.environ, NONEQ_PROGRESS="0")
    env.pop("NONEQ_SCALE", None)
    p = subprocess.run([sys.executable, "-m", "noneq.mass_transport", "zrp", "--scale", "ci", "--N", "4",
                        "--t-max", "500", "--t-relax", "10"], capture_output=True, text=True, env=env, timeout=300)
    assert p.returncode == 0, p.stderr
    assert "zrp (ci scale)" in p.stdout and "RuntimeWarning" not in p.stderr


def test_schematics_draw_and_old_module_reexports():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from noneq import mass_transport_plots as old
    from noneq.mass_transport import plots

    for name in plots.__all__:
        assert getattr(old, name) is getattr(plots, name)
        fig, ax = plt.subplots()
        assert getattr(plots, name)(ax) is ax and ax.patches
        plt.close(fig)
