"""The figures of arXiv 2407.12353 (phase coexistence) as sweeps.

The settings are the frozen objects of :mod:`noneq.phase_coexistence.figures` at
the requested scale, unchanged, so a changed setting marks the stored results
stale. Every task is one independent noisy run (:func:`noneq.phase_coexistence.simulate`)
from the liquid-first profile, with its seed derived from the settings' seed and
the task's parameters (:func:`noneq.sweep.task_seed`): these are not the
notebook's runs (which use :func:`~noneq.phase_coexistence.interface_scan` with
child seeds), but statistically equivalent and reproducible on their own.

========  ===========================================  ================================
figure    grid                                         one task
========  ===========================================  ================================
``fig7``  ``kappa`` (0.5, 1.5) x ``run``               time-averaged profiles, mu^I
``fig8``  ``kappa`` (20 values) x ``run``              mu^I (eq. 6.4), offsets and hops
========  ===========================================  ================================

A ``fig8`` task also records the offset of the liquid domain from the battery
in windows of ``hop_window`` time units (:func:`~noneq.phase_coexistence.domain_offsets`),
so the stored result shows which pinned state every run occupies and when it hops.
"""

from __future__ import annotations

import numpy as np

from ...phase_coexistence import figures as pcf
from ...phase_coexistence.interface import domain_offsets
from ...phase_coexistence.noisy import simulate
from ...phase_coexistence.theory import x_eq
from ..core import Sweep, register_figure, sweep_name

__all__ = ["fig7_task", "fig8_task"]

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
    per = max(1, int(round(s.hop_window / spacing)))
    offsets, hops = domain_offsets(r.x_I, s.N, int(round(s.N * x_eq(s.rho_bar))), per)
    out.update(offset=(("window",), offsets.astype(np.int16)), hops=int(hops), window=float(per * spacing))
    return out


def _grid(kappas, n_runs) -> dict:
    return {"kappa": [float(k) for k in kappas], "run": list(range(n_runs))}


def fig7_sweep(scale) -> Sweep:
    s = pcf.FIG7.at(scale)
    return Sweep(sweep_name(FAMILY, "fig7"), fig7_task, _grid(s.kappas, s.n_runs), s, s.seed, scale=scale)


def fig8_sweep(scale) -> Sweep:
    s = pcf.FIG8.at(scale)
    return Sweep(sweep_name(FAMILY, "fig8"), fig8_task, _grid(s.noisy_kappas, s.n_runs), s, s.seed, scale=scale)


for _name, _factory in (("fig7", fig7_sweep), ("fig8", fig8_sweep)):
    register_figure(FAMILY, _name, _factory)
