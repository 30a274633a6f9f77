"""The Ising-chain sweep of Figs. 3-4 (``ising_chain fig3``) at the ci scale, without Dask."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
import sweep_tasks as st

from noneq import ising_chain as ic
from noneq.ising_chain._common import half_bins, log_p
from noneq.ising_chain.mpa import mpa_tau
from noneq.sweep import figure_names, figure_sweep
from noneq.sweep.families import ising_chain as fam


@pytest.fixture(scope="module")
def ci_sweep():
    return figure_sweep("ising_chain", "fig3", "ci")


@pytest.fixture(scope="module")
def ci_data(ci_sweep, tmp_path_factory):
    """Every ci task (4 T2 x 2 chunks of 10^5 runs, t = 4 MCS), run in this process and assembled."""
    return st.serial_dataset(ci_sweep, tmp_path_factory.mktemp("store"))


def test_registered_with_the_settings_of_fig3():
    assert "fig3" in figure_names("ising_chain")
    for scale in ("ci", "book", "paper"):
        sweep = figure_sweep("ising_chain", "fig3", scale)
        s = sweep.settings
        assert s == ic.FIG3.at(scale) and sweep.seed == ic.FIG3.seed
        assert sweep.grid == {"T2": ("2", "5", "10", "inf"), "chunk": tuple(range(s.n_chunks))}
        assert [float(label) for label in sweep.grid["T2"]] == list(s.T2)
    assert figure_sweep("ising_chain", "fig3", "paper").size == 4 * 16


def test_a_task_is_deterministic_in_its_seed(ci_sweep):
    s = ci_sweep.settings
    params = {"T2": "5", "chunk": 1}
    seed = ci_sweep.seed_of(params)
    a, b = fam.fig3_task(params, seed, s), fam.fig3_task(params, seed, s)
    assert a.keys() == b.keys()
    for name in a:
        assert np.array_equal(np.asarray(a[name][1] if name == "counts" else a[name]),
                              np.asarray(b[name][1] if name == "counts" else b[name])), name
    c = fam.fig3_task(params, seed + 1, s)
    assert not np.array_equal(a["counts"][1], c["counts"][1])
    # the other chunk of the same T2 has its own seed
    assert ci_sweep.seed_of({"T2": "5", "chunk": 0}) != seed


def test_the_grid_is_common_to_every_task_and_holds_every_window(ci_sweep, ci_data):
    s = ci_sweep.settings
    nb, centers = fam.delta_s_grid(s)
    assert centers.size == 2 * nb + 1 and centers[nb] == 0.0
    assert np.allclose(centers[::-1], -centers, atol=0)  # mirror bins for Fig. 4
    own = []
    for T2 in s.T2:
        p1, p2 = ic.insertion_probabilities(s.T1, T2, s.eps)
        own.append(half_bins(s.M, s.t, s.T1, T2, s.eps, log_p(mpa_tau(s.M - 1, p1, p2)), s.bin_width))
    assert nb == max(own) and min(own) < nb  # the T2 windows differ; the grid is the widest
    assert ci_data["counts"].dims == ("T2", "chunk", fam.BIN_DIM)
    assert ci_data.sizes[fam.BIN_DIM] == centers.size


def test_chunk_counts_add_up_to_the_runs_of_each_t2(ci_sweep, ci_data):
    s = ci_sweep.settings
    per_chunk = ci_data["counts"].values.sum(axis=-1)
    assert np.array_equal(per_chunk, ci_data["samples"].values)
    assert np.all(ci_data["samples"].values.sum(axis=1) == s.samples)
    hist = fam.fig3_histograms(ci_data, s)
    assert sorted(hist) == sorted(s.T2)
    for h in hist.values():
        assert h["counts"].sum() == h["samples"] == s.samples
        assert h["counts"].dtype == np.int64


def test_the_samples_split_spreads_the_remainder():
    s = dataclasses.replace(ic.FIG3.at("ci"), samples=10, n_chunks=4)
    runs = [fam.fig3_task({"T2": "inf", "chunk": c}, 7, s)["samples"] for c in range(4)]
    assert runs == [3, 3, 2, 2]
    with pytest.raises(ValueError, match=r"params\['chunk'\]"):
        fam.fig3_task({"T2": "inf", "chunk": 4}, 7, s)
    with pytest.raises(ValueError, match=r"params\['T2'\]"):
        fam.fig3_task({"T2": "3", "chunk": 0}, 7, s)


def test_summed_histograms_follow_the_exact_law(ci_sweep, ci_data):
    # the binning can fail here: a bin shifted on the common grid, a chunk counted twice or a
    # wrong T2 gives a chi-square far in the tail. Two of the four T2 (the exact law at t = 4
    # takes ~1 s each); p > 1e-4 per test, a false alarm has probability 2e-4.
    s = ci_sweep.settings
    hist = fam.fig3_histograms(ci_data, s)
    for T2 in (2.0, math.inf):
        h = hist[T2]
        c, p = ic.entropy_production_distribution(s.M, s.t, s.T1, T2, bin_width=s.bin_width)
        test = ic.chi2_test(c, p, h["bin_centers"], h["counts"], s.bin_width)
        assert test.outside == 0 and test.dof > 5, (T2, test)
        assert test.pvalue > 1e-4, (T2, test)
        # heat per MCS taken from B2: the exact current J_Q (eq. 9), within 5 standard errors
        jq = ic.heat_current(s.M, s.T1, T2, s.eps)
        assert abs(h["Q2_mean"] / s.t - jq) < 5 * h["Q2_err"] / s.t, (T2, h["Q2_mean"], h["Q2_err"])
        assert h["Q2_err"] < 0.05 * abs(jq) * s.t
