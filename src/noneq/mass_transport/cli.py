"""Command line: ``python -m noneq.mass_transport fig3|fig5|fig6|fig7|zrp [--scale ci|book|paper] [--seed N]``.

The runs are those of :mod:`~noneq.mass_transport.figures`; the settings are
printed before the numbers. The scale defaults to ``NONEQ_SCALE`` when it is set
and to ``paper`` otherwise (the command line has always been the paper-scale
entry point). The parsing and the runs live here rather than in ``__main__.py``
so that :func:`main` can be imported by the package without importing a
``__main__`` module (which ``python -m`` would then execute twice).
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import os
import time

import numpy as np

from ..progress import progress as _progress_bar
from ..scale import ENV_VAR, SCALES
from ..scale import scale as _active_scale
from .dynamics import simulate, stationary_masses
from .figures import FIGURES
from .graphs import BRANCHES, ring_graph
from .models import simulate_ring_probe, simulate_three_branch, simulate_zrp_three_branch
from .theory import alpha_theory, three_branch_theory

__all__ = ["main"]


def _fig5_branch(args):
    """One probe run of Fig. 5 (top level, so that it can run in a worker process)."""
    b, s, seed, show = args
    r = simulate_three_branch(s.N_b, s.rho, s.gamma_B, s.gamma_C, p=s.p, t_max=s.t_max, t_relax=s.t_relax,
                              init=s.init, probe=b, N_pr=s.N_pr, rho_pr=s.rho_pr, n_blocks=s.n_blocks,
                              n_relax_blocks=s.n_relax_blocks, seed=seed, progress=None if show else False,
                              desc=f"branch {b}")
    return b, r


def _in_workers(fn, jobs, n_workers):
    """``[fn(j) for j in jobs]`` in ``n_workers`` processes.

    On ``KeyboardInterrupt`` (or any error) the workers are interrupted too: each
    receives ``SIGINT``, which stops its simulation at the end of the current
    chunk, and the pool is shut down before the exception goes on, so that an
    interrupt of this process alone does not leave it waiting for the workers.
    """
    import signal
    from concurrent.futures import ProcessPoolExecutor

    ex = ProcessPoolExecutor(max_workers=n_workers)
    try:
        results = list(ex.map(fn, jobs))
    except BaseException:
        procs = getattr(ex, "_processes", None) or {}
        for proc in list(procs.values()):
            if proc.is_alive():
                os.kill(proc.pid, signal.SIGINT)
        ex.shutdown(wait=True, cancel_futures=True)
        raise
    ex.shutdown(wait=True)
    return results


def _save(path, out):
    """Write the results to ``path`` (.npz) through a temporary file: the file is complete or absent."""
    path = str(path)
    if not path.endswith(".npz"):
        path += ".npz"  # what np.savez would do
    tmp = f"{path}.{os.getpid()}.tmp.npz"
    try:
        np.savez(tmp, **{k: np.asarray(v) for k, v in out.items()})
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return path


def _run_fig3(s, a, out):
    for k, (name, (eta, site)) in enumerate(s.cases().items()):
        r = simulate_ring_probe(s.N, eta, site, s.N_pr, rho=s.rho, rho_pr=s.rho_pr, p=s.p, t_max=s.t_max,
                                n_blocks=s.n_blocks, seed=s.seed + k, desc=name)
        tail = r.lam_probe[len(r.lam_probe) // 2:]
        print(f"{name}: probe lambda (second half) = {tail.mean():.4f}, main = "
              f"{r.lam_main[-1]:.4f}, expected {r.lam_expected:.4f}, {r.run.events / r.run.seconds:.3g} events/s")
        out[name + "_t"], out[name + "_probe"], out[name + "_main"] = r.times, r.lam_probe, r.lam_main
        out[name + "_expected"] = r.lam_expected


def _run_fig5(s, a, out, error):
    th = three_branch_theory(s.rho, s.gamma_B, s.gamma_C)
    if not a.branches or any(b not in BRANCHES for b in a.branches):
        error("--branches must be a non-empty subset of ABC")
    jobs = [(b, s, s.seed + k, True) for k, b in enumerate(BRANCHES) if b in a.branches]
    t0 = time.perf_counter()
    if a.jobs > 1 and len(jobs) > 1:
        results = _in_workers(_fig5_branch, jobs, a.jobs)
    else:
        results = [_fig5_branch(j) for j in jobs]
    for b, r in results:
        print(f"probe in {b}: lambda~ = {r.lam_probe:.4f} +- {r.lam_probe_err:.4f} (second half), "
              f"bulk 1/rho = {r.lam[b]:.4f}, flux balance eq. 17: {th['lam'][b]:.4f}; "
              f"{r.events:.3g} events at {r.events / r.seconds:.3g} events/s")
        out[b + "_t"] = r.series["times"][-r.n_blocks:]
        out[b + "_probe"] = r.series["lam_probe"]
    print(f"wall time {time.perf_counter() - t0:.0f} s")


def _density_scan(s):
    return [simulate_three_branch(s.N_b, rho, s.gamma_B, s.gamma_C, p=s.p, t_max=s.t_max, t_relax=s.t_relax,
                                  sub_sizes=s.sub_sizes, seed=s.seed + k, progress=False)
            for k, rho in enumerate(_progress_bar(s.rhos, desc="rho"))]


def _run_fig6(s, a, out):
    runs = _density_scan(s)
    for rho, r in zip(s.rhos, runs):
        print(f"rho={rho:.3f}: rho_nu = " + " ".join(f"{r.density[b]:.4f}" for b in BRANCHES)
              + "; g/rho_nu^2 (N_b/8 sites) = " + " ".join(f"{r.g_sub[b][0, 0] / r.density[b] ** 2:.3f}"
                                                      for b in BRANCHES)
              + "; lam = " + " ".join(f"{r.lam[b]:.4f}+-{r.lam_err[b]:.4f}" for b in BRANCHES))
        for b in BRANCHES:
            out.setdefault("density_" + b, []).append(r.density[b])
            out.setdefault("g_sub_" + b, []).append(r.g_sub[b])
            out.setdefault("lam_" + b, []).append(r.lam[b])
    # control: homogeneous rings of 3 N_b sites, exact Dirichlet variance (1 - l/N) N / (N + 1) of g/rho^2
    Nr = 3 * s.N_b
    ells = np.array(s.sub_sizes + [s.N_b])
    vals = []
    for k in range(s.n_ring):
        g = ring_graph(Nr, p=1.0)
        m0 = stationary_masses(g.eta, 1.0 * Nr, seed=500 + k)
        run = simulate(g, m0, 20.0 * s.N_b, n_blocks=20, regions=[np.arange(ell) for ell in ells], seed=600 + k,
                       progress=False)
        m1, m2 = run.region_mean.mean(axis=0), run.region_sq.mean(axis=0)
        vals.append((m2 - m1 ** 2) / ells)
    vals = np.array(vals)
    print(f"ring control, sizes {ells.tolist()}: g/rho^2 = " + " ".join(f"{v:.3f}" for v in vals.mean(axis=0))
          + "; exact " + " ".join(f"{v:.3f}" for v in (1 - ells / Nr) * Nr / (Nr + 1)))
    out["ring_control"] = vals


def _run_fig7(s, a, out):
    scan = s.scan
    runs = _density_scan(scan)
    for rho, r in zip(scan.rhos, runs):
        print(f"rho={rho:.3f}: lam_A, lam_B/sqrt2, lam_C/sqrt2 = {r.lam['A']:.4f} {r.lam['B'] / math.sqrt(2):.4f} "
              f"{r.lam['C'] / math.sqrt(2):.4f}; B-A = {r.lam['B'] - r.lam['A']:.4f} +- "
              f"{math.hypot(r.lam_err['B'], r.lam_err['A']):.4f}, C-A = {r.lam['C'] - r.lam['A']:.4f}, "
              f"alpha (eq. 35) = {alpha_theory(rho):.4f}")
        for b in BRANCHES:
            out.setdefault("lam_" + b, []).append(r.lam[b])
            out.setdefault("lam_err_" + b, []).append(r.lam_err[b])
    means, errs = [], []
    for Nb in s.sizes:
        vals, ers = [], []
        for rep in range(s.n_rep):
            r = simulate_three_branch(Nb, s.rho, seed=s.seed + 10 * Nb + rep, progress=False)
            for b in "BC":
                vals.append(3 * s.rho * (r.lam[b] - r.lam["A"]))
                ers.append(3 * s.rho * math.hypot(r.lam_err[b], r.lam_err["A"]))
        w = 1 / np.array(ers) ** 2
        means.append(float(np.sum(w * vals) / np.sum(w)))
        errs.append(float(1 / np.sqrt(np.sum(w))))
        print(f"N_b = {Nb:5d}: 3 rho (lambda_BC - lambda_A) = {means[-1]:.4f} +- {errs[-1]:.4f} (eq. 35: 1)")
    A = np.vstack([np.ones(len(s.sizes)), 1 / np.array(s.sizes)]).T
    W = np.diag(1 / np.array(errs) ** 2)
    cov = np.linalg.inv(A.T @ W @ A)
    coef = cov @ A.T @ W @ np.array(means)
    print(f"fit a + b/N_b: a = {coef[0]:.4f} +- {math.sqrt(cov[0, 0]):.4f}, b = {coef[1]:.2f}")
    out["sizes"], out["shift"], out["shift_err"] = np.array(s.sizes), np.array(means), np.array(errs)


def _run_zrp(s, a, out):
    r = simulate_zrp_three_branch(s.n, s.n, s.n, s.rho, p=s.p, t_max=s.t_max, t_relax=s.t_relax,
                                  n_blocks=s.n_blocks, seed=s.seed, desc="zrp")
    print(f"z_A/z_B (mid-branch) = {math.exp(r.shift_exact):.6f}; shift lam_B - lam_A = "
          f"{r.shift:.4f} +- {r.shift_err:.4f} (exact fixed-M {r.shift_canonical:.4f}, "
          f"ln(z_A/z_B) = {r.shift_exact:.4f}, ln 2 = {math.log(2):.4f}); {r.events:.3g} events in {r.seconds:.1f} s")
    out["site_density"], out["theory_density"] = r.site_density, r.theory_density


def _overrides(name, s, a):
    """Apply the command-line overrides (--seed, --N, --N-pr, --t-max, --t-relax) to the settings ``s``."""
    rep = {}
    if name == "fig7":
        scan = _overrides("fig6", s.scan, a)
        rep["scan"] = scan
        if a.seed is not None:
            rep["seed"] = a.seed
        return dataclasses.replace(s, **rep)
    size = {"fig3": "N", "fig5": "N_b", "fig6": "N_b", "zrp": "n"}[name]
    if a.N is not None:
        rep[size] = a.N
    if a.N_pr is not None and name in ("fig3", "fig5"):
        rep["N_pr"] = a.N_pr
    if a.t_max is not None:
        rep["t_max"] = a.t_max
    if a.t_relax is not None and name != "fig3":
        rep["t_relax"] = a.t_relax
    if a.seed is not None:
        rep["seed"] = a.seed
        if name == "fig3":
            rep["eta_seed"] = a.seed
    return dataclasses.replace(s, **rep)


def main(argv=None):
    """Run one figure of arXiv 1106.5652 from the command line.

    ``python -m noneq.mass_transport {fig3,fig5,fig6,fig7,zrp} [--scale ci|book|paper] [--seed N]
    [--out file.npz] [--N ...] [--N-pr ...] [--t-max ...] [--t-relax ...] [--jobs 3] [--branches ABC]``.

    Parameters
    ----------
    argv : list of str, optional
        Arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 on success (argument errors exit through :mod:`argparse`).
    """
    ap = argparse.ArgumentParser(prog="python -m noneq.mass_transport",
                                 description="Simulations of arXiv 1106.5652 (mass transport, flux balance and "
                                             "the chemical potential), figure by figure.")
    ap.add_argument("what", choices=sorted(FIGURES), help="which figure")
    ap.add_argument("--scale", choices=SCALES, default=None,
                    help=f"work size (default: ${ENV_VAR} if set, else paper)")
    ap.add_argument("--seed", type=int, default=None, help="base seed (default: the figure's)")
    ap.add_argument("--out", default=None, help="save results to this .npz file")
    ap.add_argument("--t-max", type=float, default=None, help="measurement time")
    ap.add_argument("--t-relax", type=float, default=None, help="relaxation time (fig5, fig6, fig7, zrp)")
    ap.add_argument("--N", type=int, default=None, help="system size (N for fig3, N_b for fig5-7, n for zrp)")
    ap.add_argument("--N-pr", type=int, default=None, help="probe size (fig3, fig5)")
    ap.add_argument("--jobs", type=int, default=3, help="fig5: run the three branches in this many processes")
    ap.add_argument("--branches", default="ABC", help="fig5: which probe runs (subset of ABC)")
    a = ap.parse_args(argv)
    if a.seed is not None and a.seed < 0:
        ap.error("--seed must be a non-negative integer")
    scale = a.scale or (_active_scale() if os.environ.get(ENV_VAR, "").strip() else "paper")
    fig = FIGURES[a.what]
    try:
        s = _overrides(a.what, fig.at(scale), a)
    except ValueError as exc:
        ap.error(str(exc))
    fig = dataclasses.replace(fig, **{scale: s})
    print(fig.describe(scale), flush=True)
    out = {}
    if a.what == "fig5":
        _run_fig5(s, a, out, ap.error)
    else:
        {"fig3": _run_fig3, "fig6": _run_fig6, "fig7": _run_fig7, "zrp": _run_zrp}[a.what](s, a, out)
    if a.out:
        print("saved", _save(a.out, out))
    return 0
