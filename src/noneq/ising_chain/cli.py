"""Command line: ``python -m noneq.ising_chain <figure> [--scale ci|book|paper] [--seed N]``.

The parsing and the runs live here rather than in ``__main__.py`` so that
:func:`main` can be imported by the package without importing a ``__main__``
module (which ``python -m`` would then execute twice).

Runs one figure's computation with the settings of
:mod:`noneq.ising_chain.figures` at the chosen scale, prints those settings, then
the numbers that the chapter's checks are about:

* ``fig3`` / ``fig4`` -- exact P(ΔS) and Monte Carlo (χ² test, fluctuation theorem,
  mean heat against eq. 9); ``--out FILE.npz`` saves the histograms;
* ``fig5`` -- ``I(J) - I(-J)`` against the slope of eq. (36), and the finite-time law;
* ``fig6`` -- ``p(E)`` against the effective form, ansatz against the sparse solve;
* ``efficiency`` -- the coefficients of eqs. (17), (61)-(62);
* ``currents`` -- heat currents by Monte Carlo against eq. (9).
"""

from __future__ import annotations

import argparse
import math
import time
from dataclasses import replace

import numpy as np

from noneq.scale import SCALES

from .figures import FIGURES


def _label(T):
    return "inf" if math.isinf(T) else f"{T:g}"


def _fig3(st, out=None):
    import numba

    from . import checks, exact, montecarlo, theory

    print(f"numba threads: {numba.get_num_threads()}")
    save = {}
    for T2, seed in zip(st.T2, st.seeds()):
        ex = exact.entropy_production_exact(st.M, st.t, st.T1, T2, st.eps, bin_width=st.bin_width)
        res = montecarlo.simulate(st.M, st.t, st.T1, T2, eps=st.eps, samples=st.samples, bin_width=st.bin_width,
                                  seed=seed)
        rate = st.samples * st.M * st.t / res.seconds
        test = checks.chi2_test(ex.bin_centers, ex.probabilities, res.bin_centers, res.counts, st.bin_width)
        ft = checks.fluctuation_theorem_residual(ex.values, ex.atom_probabilities, min_prob=1e-250)
        jq = theory.heat_current(st.M, st.T1, T2, st.eps)
        mean = theory.mean_bath_entropy_production(st.M, st.t, st.T1, T2, st.eps)
        print(f"T2={_label(T2)}: exact {ex.seconds:.1f} s, <dS> = {ex.mean:.8f} (t J_Q (1/T1-1/T2) = {mean:.8f}), "
              f"FT max error {ft.max_error:.1e}, unpaired {ft.unpaired}; "
              f"MC {res.seconds:.1f} s ({rate:.3g} trials/s), chi2 = {test.chi2:.1f}/{test.dof} "
              f"(p = {test.pvalue:.3f}, outside {test.outside}); "
              f"<Q2>/t = {res.Q2_mean / st.t:.6f} ± {res.Q2_err / st.t:.6f} vs J_Q = {jq:.6f}")
        key = _label(T2)
        save[f"exact_centers_{key}"] = ex.bin_centers
        save[f"exact_prob_{key}"] = ex.probabilities
        save[f"mc_centers_{key}"] = res.bin_centers
        save[f"mc_counts_{key}"] = res.counts
    if out:
        np.savez(out, **save)
        print(f"saved {out}")


def _fig5(st, out=None):
    from . import large_deviations as ld
    from . import theory

    J = st.currents()
    for T2 in st.T2:
        slope = st.eps * (1 / st.T1 - (0.0 if math.isinf(T2) else 1 / T2))
        diff = ld.large_deviation_function(J, st.T1, T2, st.eps) - ld.large_deviation_function(-J, st.T1, T2, st.eps)
        p1, p2 = theory.insertion_probabilities(st.T1, T2, st.eps)
        zero = ld.large_deviation_function((p1 - p2) / 2, st.T1, T2, st.eps)
        print(f"T2={_label(T2)}: max |I(J) - I(-J) - {slope:g} J| = {np.max(np.abs(diff - slope * J)):.1e}; "
              f"I(mean current) = {zero:.1e}")
    for t in st.times:
        N, P = ld.one_site_current_distribution(t, st.T1, st.T2_finite, st.eps, nfft=max(4096, int(8 * t)))
        ok = (P > 1e-12) & (np.abs(N / t) <= st.J_max)
        rate = ld.large_deviation_function(N[ok] / t, st.T1, st.T2_finite, st.eps)
        dev = np.max(np.abs(-np.log(P[ok]) / t - rate))
        print(f"T2={_label(st.T2_finite)}, t = {t:g}: max |-ln P(N;t)/t - I(N/t)| = {dev:.4f} "
              f"(t x deviation {t * dev:.2f})")


def _fig6(st, out=None):
    from . import exact, theory

    Teff = theory.effective_temperature(st.T1, st.T2, st.eps)
    print(f"T_eff(T1={st.T1:g}, T2={_label(st.T2)}) = {Teff:.6f}")
    for M in st.M:
        E, p = exact.energy_distribution(M, st.T1, st.T2, st.eps)
        _, q = theory.effective_energy_distribution(M, Teff, st.eps)
        mean = -(M - 1) / 2 * (math.tanh(st.eps / 2 / st.T1) + math.tanh(st.eps / 2 / st.T2))
        print(f"M = {M:3d}: <E> = {np.dot(E, p):.8f} (eq. 81: {mean:.8f}); "
              f"max |p - p_eff| = {np.max(np.abs(p - q)):.3e}; total variation {0.5 * np.abs(p - q).sum():.3e}")
    for M in st.M_solve:
        for T2 in (st.T2, math.inf):
            a = exact.stationary_distribution(M, st.T1, T2, st.eps)
            t0 = time.perf_counter()
            b = exact.stationary_distribution(M, st.T1, T2, st.eps, method="solve")
            tb = time.perf_counter() - t0
            print(f"M = {M:2d}, T2 = {_label(T2)}: ansatz vs sparse solve, max relative difference "
                  f"{np.max(np.abs(a / b - 1)):.1e} (solve {tb:.2f} s)")
    for M in st.M_full:
        t0 = time.perf_counter()
        P = exact.stationary_distribution(M, st.T1, st.T2, st.eps)
        print(f"M = {M}: 2^{M} probabilities in {time.perf_counter() - t0:.2f} s, sum - 1 = {P.sum() - 1:.1e}")
        del P


def _efficiency(st, out=None):
    from . import engine as ef

    s = ef.efficiency_series(order=st.order, radius=st.radius, points=st.points)
    s2 = ef.efficiency_series(order=st.order, radius=st.check_radius, points=st.check_points)
    print(f"a0 (eq. 56) = {ef.a0():.10f}")
    print(f"{'k':>2} {'eta*':>14} {'x1*':>14} {'x2*':>14}")
    for k in range(st.order + 1):
        print(f"{k:>2} {s.eta[k]:14.10f} {s.x1[k]:14.10f} {s.x2[k]:14.10f}")
    print(f"second contour: max |difference| of the eta* coefficients = {np.max(np.abs(s.eta - s2.eta)):.1e}")
    e = np.array(st.eta_C)
    exact_eta = ef.efficiency_at_max_power(e)
    series = sum(c * e**k for k, c in enumerate(s.eta))
    for ei, x, y in zip(e, exact_eta, series):
        print(f"eta_C = {ei:g}: exact {x:.12f}, series {y:.12f}, Curzon-Ahlborn {ef.curzon_ahlborn(ei):.12f}")


def _currents(st, out=None):
    from . import montecarlo, theory

    for T2 in st.T2:
        for i, M in enumerate(st.M):
            r = montecarlo.simulate(M, st.t, st.T1, T2, eps=st.eps, samples=st.samples, seed=st.seed + i)
            jq = theory.heat_current(M, st.T1, T2, st.eps)
            q2, e2 = r.Q2_mean / st.t, r.Q2_err / st.t
            print(f"T2={_label(T2)}, M={M:2d}: <Q2>/t = {q2:.6f} ± {e2:.6f}, -<Q1>/t = {-r.Q1_mean / st.t:.6f}; "
                  f"J_Q = {jq:.6f} ({(q2 - jq) / e2:+.2f} standard errors)")


_RUNNERS = {"fig3": _fig3, "fig4": _fig3, "fig5": _fig5, "fig6": _fig6, "efficiency": _efficiency,
            "currents": _currents}


def main(argv=None):
    """Run one figure's computation from the command line.

    Parameters
    ----------
    argv : list of str, optional
        ``[figure, "--scale", scale, "--seed", N, "--out", file]``; default ``sys.argv[1:]``.
        ``figure`` is one of ``fig3``, ``fig4``, ``fig5``, ``fig6``, ``efficiency``,
        ``currents``; the scale defaults to ``NONEQ_SCALE`` (else ``book``).

    Returns
    -------
    int
        0 on success.

    Raises
    ------
    SystemExit
        On invalid arguments (from :mod:`argparse`).

    Examples
    --------
    ``NONEQ_SCALE=paper python -m noneq.ising_chain fig3`` (Fig. 3 with ``K = 10^9``
    runs per T2) or ``python -m noneq.ising_chain fig5 --scale ci``.
    """
    ap = argparse.ArgumentParser(
        prog="python -m noneq.ising_chain",
        description="Figures of Toral et al. (Ising chain / SSEP stochastic thermodynamics) at a chosen scale.",
    )
    ap.add_argument("figure", choices=list(_RUNNERS), help="which figure to compute")
    ap.add_argument("--scale", choices=SCALES, default=None, help="ci, book or paper (default: NONEQ_SCALE, else book)")
    ap.add_argument("--seed", type=int, default=None, help="root seed of the Monte Carlo runs (fig3, fig4, currents)")
    ap.add_argument("--out", default=None, help="fig3/fig4: save the histograms to this .npz file")
    args = ap.parse_args(argv)
    settings = FIGURES[args.figure].at(args.scale)
    if args.seed is not None:
        if not hasattr(settings, "seed"):
            ap.error(f"--seed does not apply to {args.figure}")
        if args.seed < 0:
            ap.error("--seed must be a non-negative integer")
        settings = replace(settings, seed=args.seed)
    print(settings.describe(), flush=True)
    _RUNNERS[args.figure](settings, out=args.out)
    return 0
