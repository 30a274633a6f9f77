"""The figures of arXiv 2407.12353 (phase coexistence) as sweeps.

The settings are the frozen objects of :mod:`noneq.phase_coexistence.figures` at
the requested scale, unchanged, so a changed setting marks the stored results
stale. Every task is one independent noisy run (:func:`noneq.phase_coexistence.simulate`)
from the liquid-first profile, with its seed derived from the settings' seed and
the task's parameters (:func:`noneq.sweep.task_seed`): these are not the
notebook's runs (which use :func:`~noneq.phase_coexistence.interface_scan` with
child seeds), but statistically equivalent and reproducible on their own.

* ``fig7``: ``kappa`` (0.5, 1.5) x ``run``; one task: the time-averaged profiles and mu^I;
* ``fig8``: ``kappa`` (20 values) x ``run``; one task: mu^I (eq. 6.4), offsets and hops;
* ``large_n_selected``: ``N`` x ``kappa``; one task: the selected state (eqs. 3.39, 4.9);
* ``large_n_noisy``: ``N`` x ``kappa`` x ``run``; one task: mu^I of one noisy run at ring size N.

A ``fig8`` task also records the offset of the liquid domain from the battery
in windows of ``hop_window`` time units (:func:`~noneq.phase_coexistence.series_offsets`),
so the stored result shows which pinned state every run occupies and when it hops.
"""

from __future__ import annotations

import numpy as np

from ...phase_coexistence import figures as pcf
from ...phase_coexistence.interface import series_offsets
from ...phase_coexistence.noisy import simulate
from ...phase_coexistence.variational import selected_steady_state
from ..core import Sweep, register_figure, sweep_name

__all__ = ["fig7_task", "fig8_task", "large_n_selected_task", "large_n_noisy_task"]

FAMILY = "phase_coexistence"
_SITE = ("site",)


def _run(params, seed, s):
    return simulate(s.N, float(params["kappa"]), s.phi, s.T_eff, s.rho_bar, t_max=s.t_max, dt=s.dt, init=s.init,
                    seed=seed, progress=False)


def _common(r) -> dict:
    return {
        "mu_I": float(r.mu_I_of_mean),
        "mu_I_err": float(r.mu_I_of_mean_err),
        "tau_int": float(r.tau_int),
        "mass_drift": float(r.mass_drift),
        "rho_mean": (_SITE, np.asarray(r.rho_mean, dtype=np.float64)),
        "mu_tilde_mean": (_SITE, np.asarray(r.mu_tilde_mean, dtype=np.float64)),
    }


def fig7_task(params, seed, settings):
    """One noisy run of Fig. 7: the time-averaged profiles rho_i, mu~_i and mu^I (eqs. 6.2-6.4)."""
    return _common(_run(params, seed, settings))


def fig8_task(params, seed, settings):
    """One noisy run of Fig. 8: mu^I (eq. 6.4), the offset of the liquid domain per window, and its hops."""
    s = settings
    r = _run(params, seed, s)
    out = _common(r)
    spacing = float(r.params["sample_every"]) * int(r.params.get("series_stride", 1))
    offsets, hops, window = series_offsets(r.x_I, s.N, s.rho_bar, s.hop_window, spacing)
    out.update(offset=(("window",), offsets.astype(np.int16)), hops=int(hops), window_length=float(window))
    return out


def large_n_selected_task(params, seed, settings):
    """The state selected by eqs. 3.39 / 4.9 at one (N, kappa): mu^I, m = n_L - N X_eq, the continuum estimate.

    Where fewer than three pinned members exist (past the saddle-node of the
    family) ``found`` is 0 and the values are NaN. The seed is not used.
    """
    s = settings
    N, kappa = int(params["N"]), float(params["kappa"])
    try:
        r = selected_steady_state(N, kappa, s.phi, s.rho_bar)
    except ValueError as exc:
        if "fewer than three pinned states" not in str(exc):
            raise
        nan = float("nan")
        return {"found": 0, "mu_I": nan, "m": 0, "m_star": nan, "mu_I_star": nan, "residual": nan}
    return {"found": 1, "mu_I": float(r["mu_I"]), "m": int(r["m"]), "m_star": float(r["m_star"]),
            "mu_I_star": float(r["mu_I_star"]), "residual": float(r["residual"])}


def large_n_noisy_task(params, seed, settings):
    """One noisy run at ring size N: mu^I of its mean profile (eq. 6.4), after a burn-in of ``burn_n2`` N^2."""
    s = settings
    N = int(params["N"])
    r = simulate(N, float(params["kappa"]), s.phi, s.T_eff, s.rho_bar, t_max=s.t_max, dt=s.dt, init=s.init,
                 seed=seed, t_burn=min(s.burn_n2 * N**2, s.t_max), progress=False)
    return {"mu_I": float(r.mu_I_of_mean), "mu_I_err": float(r.mu_I_of_mean_err), "mass_drift": float(r.mass_drift),
            "x_I_final": float(r.x_I[np.isfinite(r.x_I)][-1]) if np.isfinite(r.x_I).any() else float("nan")}


def _grid(kappas, n_runs) -> dict:
    return {"kappa": [float(k) for k in kappas], "run": list(range(n_runs))}


def fig7_sweep(scale) -> Sweep:
    s = pcf.FIG7.at(scale)
    return Sweep(sweep_name(FAMILY, "fig7"), fig7_task, _grid(s.kappas, s.n_runs), s, s.seed, scale=scale)


def fig8_sweep(scale) -> Sweep:
    s = pcf.FIG8.at(scale)
    return Sweep(sweep_name(FAMILY, "fig8"), fig8_task, _grid(s.noisy_kappas, s.n_runs), s, s.seed, scale=scale)


def large_n_selected_sweep(scale) -> Sweep:
    s = pcf.LARGE_N.at(scale)
    grid = {"N": [int(n) for n in s.sizes], "kappa": [float(k) for k in s.kappas]}
    return Sweep(sweep_name(FAMILY, "large_n_selected"), large_n_selected_task, grid, s, s.seed, scale=scale)


def large_n_noisy_sweep(scale) -> Sweep:
    s = pcf.LARGE_N.at(scale)
    grid = {"N": [int(n) for n in s.noisy_sizes], "kappa": [float(k) for k in s.noisy_kappas],
            "run": list(range(s.n_runs))}
    return Sweep(sweep_name(FAMILY, "large_n_noisy"), large_n_noisy_task, grid, s, s.seed, scale=scale)


for _name, _factory in (("fig7", fig7_sweep), ("fig8", fig8_sweep), ("large_n_selected", large_n_selected_sweep),
                        ("large_n_noisy", large_n_noisy_sweep)):
    register_figure(FAMILY, _name, _factory)
