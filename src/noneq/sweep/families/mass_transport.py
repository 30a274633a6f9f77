"""The figures of arXiv 1106.5652 (mass transport) as sweeps.

The settings are the frozen objects of :mod:`noneq.mass_transport.figures` at
the requested scale, unchanged: they are stored with every result, so a
changed setting marks the stored results stale. The grid is read from the
settings; the sweep's seed is the settings' ``seed`` and every task's seed is
derived from it and the task's parameters (:func:`noneq.sweep.task_seed`), so
these runs are not the notebook's runs (which use ``seed + k``), but are
statistically equivalent and reproducible on their own.

========  ===========================================  ==========================
figure    grid                                         one task
========  ===========================================  ==========================
``fig3``  ``case`` (the three rings of Fig. 3)         :func:`simulate_ring_probe`
``fig5``  ``branch`` x ``replica`` (probe on A, B, C) :func:`simulate_three_branch`
``fig6``  ``rho`` (the density scan of Figs. 6, 7)    :func:`simulate_three_branch`
``fig7``  ``N_b`` x ``replica`` (finite-size series)   :func:`simulate_three_branch`
========  ===========================================  ==========================
"""

from __future__ import annotations

import numpy as np

from ...mass_transport import figures as mtf
from ...mass_transport.graphs import BRANCHES
from ...mass_transport.models import simulate_ring_probe, simulate_three_branch
from ..core import Sweep, register_figure, sweep_name

__all__ = ["fig3_task", "fig5_task", "fig6_task", "fig7_task"]

FAMILY = "mass_transport"
_NU = ("nu",)


def _per_branch(d) -> tuple:
    return _NU, np.array([d[b] for b in BRANCHES], dtype=np.float64)


def fig3_task(params, seed, settings):
    """One ring of Fig. 3: the probe's and the ring's chemical potential after contact (eqs. 7-8)."""
    eta, site = settings.cases()[params["case"]]
    s = settings
    r = simulate_ring_probe(s.N, eta, site, s.N_pr, rho=s.rho, rho_pr=s.rho_pr, p=s.p, t_max=s.t_max,
                            n_blocks=s.n_blocks, seed=seed, progress=False)
    return {
        "times": (("block",), r.times),
        "lam_probe": (("block",), r.lam_probe),
        "lam_main": (("block",), r.lam_main),
        "lam_expected": float(r.lam_expected),
        "lam0_main": float(r.lam0_main),
        "events": int(r.events),
    }


def _branch_outputs(r) -> dict:
    return {
        "density": _per_branch(r.density),
        "density_err": _per_branch(r.density_err),
        "lam": _per_branch(r.lam),
        "lam_err": _per_branch(r.lam_err),
        "g": _per_branch(r.g),
        "g_err": _per_branch(r.g_err),
        "flux": _per_branch(r.flux),
        "events": int(r.events),
    }


def fig5_task(params, seed, settings):
    """One probe run of Fig. 5: the probe on branch ``params["branch"]`` (eqs. 17-18)."""
    s = settings
    r = simulate_three_branch(s.N_b, s.rho, s.gamma_B, s.gamma_C, p=s.p, t_max=s.t_max, t_relax=s.t_relax,
                              init=s.init, probe=params["branch"], N_pr=s.N_pr, rho_pr=s.rho_pr,
                              n_blocks=s.n_blocks, n_relax_blocks=s.n_relax_blocks, seed=seed, progress=False)
    out = _branch_outputs(r)
    out.update(
        times=(("time",), np.asarray(r.series["times"], dtype=np.float64)),
        series_density=(("time", "nu"), np.asarray(r.series["density"], dtype=np.float64)),
        lam_probe_series=(("block",), np.asarray(r.series["lam_probe"], dtype=np.float64)),
        lam_probe=float(r.lam_probe),
        lam_probe_err=float(r.lam_probe_err),
    )
    return out


def fig6_task(params, seed, settings):
    """One density of the scan of Figs. 6-7: bulk densities, ``g`` (eq. 14), chemical potentials."""
    s = settings
    r = simulate_three_branch(s.N_b, params["rho"], s.gamma_B, s.gamma_C, p=s.p, t_max=s.t_max,
                              t_relax=s.t_relax, sub_sizes=s.sub_sizes, seed=seed, progress=False)
    out = _branch_outputs(r)
    g_sub = np.stack([np.asarray(r.g_sub[b]) for b in BRANCHES])
    out.update(
        sub_size=(("sub",), np.asarray(r.sub_sizes, dtype=np.int64)),
        g_sub=(("nu", "sub"), g_sub[:, :, 0]),
        g_sub_err=(("nu", "sub"), g_sub[:, :, 1]),
    )
    return out


def fig7_task(params, seed, settings):
    """One run of the finite-size series of Fig. 7: ``3 rho (lambda_nu - lambda_A)`` (eq. 35 predicts 1)."""
    s = settings
    r = simulate_three_branch(params["N_b"], s.rho, seed=seed, progress=False)
    out = _branch_outputs(r)
    shift = np.array([3 * s.rho * (r.lam[b] - r.lam["A"]) for b in "BC"])
    err = np.array([3 * s.rho * np.hypot(r.lam_err[b], r.lam_err["A"]) for b in "BC"])
    out.update(shift=(("pair",), shift), shift_err=(("pair",), err))
    return out


def fig3_sweep(scale) -> Sweep:
    s = mtf.FIG3.at(scale)
    return Sweep(sweep_name(FAMILY, "fig3"), fig3_task, {"case": list(s.cases())}, s, s.seed, scale=scale)


def fig5_sweep(scale) -> Sweep:
    s = mtf.FIG5.at(scale)
    grid = {"branch": list(BRANCHES), "replica": list(range(s.n_rep))}
    return Sweep(sweep_name(FAMILY, "fig5"), fig5_task, grid, s, s.seed, scale=scale)


def fig6_sweep(scale) -> Sweep:
    s = mtf.FIG6.at(scale)
    return Sweep(sweep_name(FAMILY, "fig6"), fig6_task, {"rho": list(s.rhos)}, s, s.seed, scale=scale)


def fig7_sweep(scale) -> Sweep:
    s = mtf.FIG7.at(scale)
    grid = {"N_b": list(s.sizes), "replica": list(range(s.n_rep))}
    return Sweep(sweep_name(FAMILY, "fig7"), fig7_task, grid, s, s.seed, scale=scale)


for _name, _factory in (("fig3", fig3_sweep), ("fig5", fig5_sweep), ("fig6", fig6_sweep), ("fig7", fig7_sweep)):
    register_figure(FAMILY, _name, _factory)
