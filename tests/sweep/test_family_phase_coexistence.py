"""The phase-coexistence figures as sweeps: grids, and one task against the package's own run."""

import dataclasses

import numpy as np
import pytest

import noneq.phase_coexistence as pc
from noneq.sweep import figure_sweep
from noneq.sweep.core import figure_names
from noneq.sweep.families import phase_coexistence as fam
from noneq.sweep.runner import normalize_outputs


def test_grids_follow_the_settings():
    assert {"fig7", "fig8"} <= set(figure_names("phase_coexistence"))
    s8 = figure_sweep("phase_coexistence", "fig8", "paper")
    assert list(s8.grid["kappa"]) == list(pc.FIG8.paper.noisy_kappas) and len(s8.grid["kappa"]) == 20
    assert list(s8.grid["run"]) == list(range(pc.FIG8.paper.n_runs)) and pc.FIG8.paper.n_runs >= 8
    s7 = figure_sweep("phase_coexistence", "fig7", "book")
    assert list(s7.grid["kappa"]) == [0.5, 1.5] and len(s7.grid["run"]) == pc.FIG7.book.n_runs


@pytest.fixture(scope="module")
def short():
    return dataclasses.replace(pc.FIG8.ci, t_max=600.0, hop_window=50.0)


def test_fig8_task_is_one_simulate_run_with_its_offsets(short):
    out = fam.fig8_task({"kappa": 0.5, "run": 0}, 123, short)
    again = fam.fig8_task({"kappa": 0.5, "run": 3}, 123, short)  # the seed, not the run label, fixes the run
    assert out["mu_I"] == again["mu_I"] and np.array_equal(out["offset"][1], again["offset"][1])
    r = pc.simulate(64, 0.5, short.phi, short.T_eff, short.rho_bar, t_max=short.t_max, seed=123, progress=False)
    assert out["mu_I"] == r.mu_I_of_mean and np.array_equal(out["rho_mean"][1], r.rho_mean)
    # 600 time units after a burn-in of 60, in windows of 50: 12 windows, all at the
    # liquid-first pinned state at kappa = 0.5 (no hops there, see chapter 03)
    dims, offsets = out["offset"]
    assert dims == ("window",) and offsets.shape == (12,) and out["window_length"] == 50.0
    normalize_outputs(out, grid_dims=("kappa", "run"))  # what the store accepts (raises otherwise)
    assert np.all(offsets == 0) and out["hops"] == 0
    other = fam.fig8_task({"kappa": 0.5, "run": 0}, 124, short)
    assert other["mu_I"] != out["mu_I"]


def test_fig8_task_counts_the_hops_it_stores(short):
    out = fam.fig8_task({"kappa": 1.5, "run": 0}, 7, dataclasses.replace(short, t_max=4000.0))
    offsets = out["offset"][1]
    assert out["hops"] == np.count_nonzero(np.diff(offsets))


def test_large_n_tasks():
    s = pc.LARGE_N.at("ci")
    assert [len(figure_sweep("phase_coexistence", f, "paper").points()) for f in ("large_n_selected", "large_n_noisy")
            ] == [45, 60]
    assert max(pc.LARGE_N.paper.sizes) >= 1024 and max(pc.LARGE_N.paper.noisy_sizes) >= 256
    # the selected state at N = 64, kappa = 0.1: the fixed-X member (m = 0), as chapter 04 finds
    got = fam.large_n_selected_task({"N": 64, "kappa": 0.1}, 0, s)
    ref = pc.selected_steady_state(64, 0.1, s.phi, s.rho_bar)
    assert got["found"] == 1 and got["m"] == 0 and got["mu_I"] == ref["mu_I"] and got["residual"] <= 1e-10
    # past the saddle-node of the family there is nothing to select
    normalize_outputs(got, grid_dims=("N", "kappa"))
    past = fam.large_n_selected_task({"N": 64, "kappa": 0.9}, 0, s)
    assert past["found"] == 0 and np.isnan(past["mu_I"])
    with pytest.raises(ValueError, match="kappa"):
        fam.large_n_selected_task({"N": 64, "kappa": -1.0}, 0, s)
    # one noisy run: its burn-in is burn_n2 N^2 capped at t_max (here 512 -> 500), same seed same run
    a = fam.large_n_noisy_task({"N": 32, "kappa": 0.5, "run": 0}, 9, s)
    r = pc.simulate(32, 0.5, s.phi, s.T_eff, s.rho_bar, t_max=s.t_max, seed=9, t_burn=min(0.5 * 32**2, s.t_max),
                    progress=False)
    assert a["mu_I"] == r.mu_I_of_mean and a["mass_drift"] < 1e-9
    normalize_outputs(a, grid_dims=("N", "kappa", "run"))
    normalize_outputs(fam.fig7_task({"kappa": 0.5, "run": 0}, 1, dataclasses.replace(pc.FIG7.ci, t_max=50.0)),
                      grid_dims=("kappa", "run"))
