"""Command line: ``python -m noneq.phase_coexistence FIGURE [--scale ci|book|paper] [--seed N]``.

``FIGURE`` is ``fig6``, ``fig7``, ``fig8``, ``rho-bar`` or ``bifurcation`` (noiseless, no seed).

The runs are those of :mod:`~noneq.phase_coexistence.figures`; the settings are
printed before the numbers. The scale defaults to ``NONEQ_SCALE`` (``book`` when
unset). Without a figure name the options of the former command line are
accepted and run Fig. 8 at the book scale with those overrides
(``--N 64 128 --n-kappa 10 --t-max 1e4 ...``). The parsing lives here rather than
in ``__main__.py`` so that the package can re-export :func:`main` without
importing a ``__main__`` module (which ``python -m`` would then execute twice).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys

import numpy as np

from .. import validate
from ..scale import SCALES
from .figures import BIFURCATION, FIG6, FIG7, FIG8, FIGURES, PAPER_MU_I, RHO_BAR
from .model import INITS
from .runs import run_fig6, run_fig7, run_fig8, run_rho_bar
from .theory import interface_chemical_potential_theory

__all__ = ["main"]


def _parser():
    ap = argparse.ArgumentParser(
        prog="python -m noneq.phase_coexistence",
        description="Sasa & Nakagawa, non-equilibrium phase coexistence, figure by figure: the noisy snapshot "
        "(Fig. 6), steady profiles (Fig. 7), the interface chemical potential against kappa_Lambda (Fig. 8) "
        "and against the mean density, and the bifurcation diagram of the pinned states.",
    )
    sub = ap.add_subparsers(dest="figure", required=True)
    for name, fig in FIGURES.items():
        p = sub.add_parser(name, help=fig.title)
        p.add_argument("--scale", choices=SCALES, default=None, help="work sizes (default: NONEQ_SCALE, else book)")
        p.add_argument("--seed", type=int, default=None, help="seed of the noisy runs (default: the figure's)")
        p.add_argument("--out", default=None, help="save the results to this .npz file")
    p = sub.choices["fig8"]
    p.add_argument("--N", type=int, nargs="+", default=None, help="ring sizes (default 64; try 64 128 256)")
    p.add_argument("--kappa-min", type=float, default=None)
    p.add_argument("--kappa-max", type=float, default=None)
    p.add_argument("--n-kappa", type=int, default=None, help="number of kappa_Lambda values (noiseless and noisy)")
    p.add_argument("--phi", type=float, default=None)
    p.add_argument("--T-eff", type=float, default=None)
    p.add_argument("--rho-bar", type=float, default=None)
    p.add_argument("--t-max", type=float, default=None, help="measured time per noisy run")
    p.add_argument("--t-burn", type=float, default=None, help="burn-in per run (default min(t_max/10, 2 N^2))")
    p.add_argument("--runs", type=int, default=None, help="independent noisy runs per kappa")
    p.add_argument("--init", default=None, choices=[i for i in INITS if i != "uniform"])
    p.add_argument("--noiseless-only", action="store_true")
    return ap


def _fig8_settings(a):
    """FIG8 at the chosen scale with the command line's overrides."""
    s = FIG8.at(a.scale)
    over = {}
    if a.kappa_min is not None or a.kappa_max is not None or a.n_kappa is not None:
        lo = s.kappas[0] if a.kappa_min is None else a.kappa_min
        hi = s.kappas[-1] if a.kappa_max is None else a.kappa_max
        n = len(s.kappas) if a.n_kappa is None else validate.integer("n_kappa", a.n_kappa, 1)
        over["kappas"] = over["noisy_kappas"] = tuple(np.linspace(lo, hi, n).tolist())
    for key, val in (("phi", a.phi), ("T_eff", a.T_eff), ("rho_bar", a.rho_bar), ("t_max", a.t_max),
                     ("n_runs", a.runs), ("init", a.init), ("seed", a.seed)):
        if val is not None:
            over[key] = val
    return dataclasses.replace(s, **over)


def _describe(fig, s):
    """The settings ``s`` of ``fig`` as printed before a run."""
    return dataclasses.replace(fig, **{s.scale: s}).describe(s.scale)


def _save(path, data):
    if path:
        np.savez(path, **data)
        print(f"saved {path}")


def _main_fig6(a, s):
    r = run_fig6(settings=s)
    print(f"interfaces: up at {r.up}, down at {r.down}; psi(1) = {r.psi[-1]:.1e}; "
          f"mass drift {r.run.mass_drift:.1e}; {r.seconds:.1f} s")
    _save(a.out, {"rho": r.run.rho_final, "psi": r.psi, "up": np.array(r.up), "down": np.array(r.down)})


def _main_fig7(a, s):
    r = run_fig7(settings=s, progress=None)
    noisy_i = r.scan.combined(of_mean=False)
    print(f"{'kappa':>6} {'noiseless mu^I':>15} {'noisy mu^I (avg profile)':>27} {'noisy (avg of inst.)':>24} "
          f"{'paper':>8}")
    for n, k in enumerate(s.kappas):
        print(f"{k:6.2f} {r.noiseless_mu_I[n]:15.4e} {r.mu_I[n]:14.4e} +- {r.mu_I_err[n]:8.1e} "
              f"{noisy_i[0][n]:12.4e} +- {noisy_i[1][n]:7.1e} {PAPER_MU_I.get(k, float('nan')):8.1e}")
    print(f"max tau_int {np.nanmax(r.scan.tau_int):.1f} time units (batch length {s.t_max / 20:g}); "
          f"max mass drift {r.scan.mass_drift.max():.1e}; {r.seconds:.1f} s")
    save = {"kappas": np.array(s.kappas), "noiseless_mu_I": r.noiseless_mu_I, "noisy_mu_I": r.mu_I,
            "noisy_mu_I_err": r.mu_I_err}
    for n, k in enumerate(s.kappas):
        save[f"rho_noiseless_{k:g}"] = r.noiseless[n][0]
        save[f"rho_noisy_{k:g}"] = r.scan.rho_mean[n].mean(axis=0)
        save[f"mu_tilde_noisy_{k:g}"] = r.scan.mu_tilde_mean[n].mean(axis=0)
    _save(a.out, save)


def _main_fig8(a, s):
    sizes = tuple(a.N) if a.N else (s.N,)
    print(f"  ring sizes = {sizes!r}")
    theory = interface_chemical_potential_theory(s.phi, s.rho_bar)
    print(f"eq. 4.22: mu^I = {theory:.4e} (kappa << 1); mu_c = 0 (kappa >> 1)")
    kappas = np.array(s.kappas)
    save = {"kappas": kappas, "noisy_kappas": np.array(s.noisy_kappas), "theory": theory}
    for N in sizes:
        r = run_fig8(settings=s, sizes=(N,), noisy=not a.noiseless_only, t_burn=a.t_burn, progress=None)
        det = r.noiseless[N]
        print(f"N={N}: noiseless steady states in {det.seconds:.1f} s")
        save[f"N{N}_noiseless"] = det.mu_I
        scan = r.noisy.get(N)
        if scan is not None:
            m, e = scan.combined()
            mi, ei = scan.combined(of_mean=False)
            save[f"N{N}_noisy"], save[f"N{N}_noisy_err"] = m, e
            save[f"N{N}_noisy_inst"], save[f"N{N}_noisy_inst_err"] = mi, ei
            print(f"N={N}: noisy runs in {scan.seconds:.1f} s (T_eff={s.T_eff:g}, t_max={s.t_max:g}, runs={s.n_runs})")
        print(f"{'kappa':>7} {'noiseless':>11} " + ("" if scan is None else
              f"{'noisy (avg profile)':>24} {'noisy (avg of inst.)':>24}"))
        for n, k in enumerate(kappas):
            line = f"{k:7.3f} {det.mu_I[n]:11.4e} "
            if scan is not None:
                hit = np.flatnonzero(np.isclose(scan.kappas, k, rtol=0.0, atol=1e-12))
                if hit.size:
                    j = hit[0]
                    line += f"{m[j]:12.4e} +- {e[j]:8.1e} {mi[j]:12.4e} +- {ei[j]:8.1e}"
            print(line)
    _save(a.out, save)


def _main_rho_bar(a, s):
    r = run_rho_bar(settings=s, progress=None)
    print(f"{'rho_bar':>8} " + " ".join(f"{'phi=' + format(p, 'g'):>22}" for p in s.phis))
    print(f"{'':>8} " + " ".join(f"{'mu^I/phi (4.22, X_eq)':>22}" for _ in s.phis))
    for n, rb in enumerate(s.rhos):
        cells = [f"{r.noiseless[p][n] / p:6.3f} ({r.theory[p][n] / p:5.3f}, {r.fixed_x[p][n] / p:5.3f})"
                 for p in s.phis]
        print(f"{rb:8.4f} " + " ".join(f"{c:>22}" for c in cells))
    for rb, m, e in zip(s.noisy_rhos, r.noisy_mu_I, r.noisy_mu_I_err):
        print(f"noisy rho_bar={rb:g}, phi={s.noisy_phi:g}: mu^I/phi = {m / s.noisy_phi:.3f} +- {e / s.noisy_phi:.3f}")
    print(f"{r.seconds:.1f} s")
    save = {"rhos": np.array(s.rhos), "noisy_rhos": np.array(s.noisy_rhos), "noisy_mu_I": r.noisy_mu_I,
            "noisy_mu_I_err": r.noisy_mu_I_err}
    for p in s.phis:
        save[f"phi{p:g}_noiseless"], save[f"phi{p:g}_theory"] = r.noiseless[p], r.theory[p]
        save[f"phi{p:g}_fixed_x"] = r.fixed_x[p]
    _save(a.out, save)


def _main_bifurcation(a, s):
    from .continuation import run_bifurcation

    r = run_bifurcation(settings=s)
    print(f"{'offset':>6} {'fold kappa':>11} {'mu^I there':>11} {'points':>7} {'max residual':>13}")
    for o, b in r.branches.items():
        f = b.folds[0] if b.folds else None
        print(f"{o:6d} {f.kappa if f else float('nan'):11.5f} {f.mu_I if f else float('nan'):11.3e} {len(b):7d} "
              f"{b.residual.max():13.1e}")
    steps = np.flatnonzero(np.diff(r.count))
    print("stable states: " + ", ".join(f"{r.count[i]} -> {r.count[i + 1]} at kappa ~ {r.kappas[i + 1]:.3f}"
                                        for i in steps[:12]) + (" ..." if steps.size > 12 else ""))
    print(f"{r.seconds:.1f} s")
    _save(a.out, {"offsets": np.arange(s.N), "first_fold": r.first_fold, "first_fold_mu_I": r.first_fold_mu_I,
                  "kappas": r.kappas, "count": r.count})


def main(argv=None):
    """Run one figure of the chapter from the command line; print its settings, then the numbers.

    ``python -m noneq.phase_coexistence {fig6,fig7,fig8,rho-bar,bifurcation} [--scale ci|book|paper] [--seed N]
    [--out file.npz]``, and for ``fig8`` the overrides ``--N 64 128 --kappa-min --kappa-max --n-kappa
    --phi --T-eff --rho-bar --t-max --t-burn --runs --init --noiseless-only``. Without a figure
    name the arguments are those of the former command line (Fig. 8 at the book scale).

    Parameters
    ----------
    argv : list of str, optional
        Arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 on success (argument errors exit through :mod:`argparse`).

    Examples
    --------
    >>> from noneq.phase_coexistence import main
    >>> main(["fig8", "--scale", "ci", "--noiseless-only"])  # doctest: +SKIP
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help")):
        argv = ["fig8", "--scale", "book"] + argv  # the former command line: Fig. 8 with its defaults
    ap = _parser()
    a = ap.parse_args(argv)
    if a.seed is not None and a.seed < 0:
        ap.error("--seed must be a non-negative integer")
    fig = FIGURES[a.figure]
    try:
        s = _fig8_settings(a) if fig is FIG8 else fig.at(a.scale)
        if a.seed is not None:
            if not hasattr(s, "seed"):
                raise ValueError(f"--seed: {fig.name} is noiseless and takes no seed")
            s = dataclasses.replace(s, seed=a.seed)
    except ValueError as exc:
        ap.error(str(exc))
    print(_describe(fig, s), flush=True)
    {FIG6.name: _main_fig6, FIG7.name: _main_fig7, FIG8.name: _main_fig8, RHO_BAR.name: _main_rho_bar,
     BIFURCATION.name: _main_bifurcation}[fig.name](a, s)
    return 0
