"""Command line: ``python -m noneq.mass_transport NAME [--scale ci|book|paper] [--seed N]``.

``NAME`` is one of ``ring``, ``fig3``, ``fig5``, ``fig6``, ``fig7``, ``zrp``, ``gamma_eta``.

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
from .graphs import BRANCHES, ring_graph, sinusoidal_eta
from .models import simulate_ring, simulate_ring_probe, simulate_three_branch
from .theory import alpha_theory, flux_theory, g_conservation_baseline, three_branch_theory
from .windows import ring_windows, three_branch_windows
from .zrp import simulate_zrp_three_branch

__all__ = ["main"]


def _mean_err(x):
    """Mean and standard error of independent values."""
    x = np.asarray(x, dtype=float)
    return float(x.mean()), float(x.std(ddof=1) / math.sqrt(x.size))


def _run_ring(s, a, out):
    eta_sin = sinusoidal_eta(s.N)
    rings = {"hom": (s.eta, 1.0, s.eta / s.rho), "dis": (eta_sin, s.p_dis, eta_sin.sum() / (s.rho * s.N))}
    for j, (key, (eta, p, lam)) in enumerate(rings.items()):
        flux = [simulate_ring(s.N, rho=s.rho, eta=eta, p=p, t_max=s.t_max, seed=s.seeds(k)[j],
                              n_blocks=s.n_blocks if k == 0 else 10, progress=False)["flux"].mean()
                for k in _progress_bar(range(s.n_seed), desc=key)]
        m, e = _mean_err(flux)
        print(f"{key} ring (p = {p:g}): mean flux per link over {s.n_seed} runs = {m:.4f} +- {e:.4f}, "
              f"eq. (11): {flux_theory(lam, p):.4f}")
        out[key + "_flux"] = np.array(flux)


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
    _run_windows(s, out)


def _window_excess(res, part):
    """g / rho^2 minus the conservation baseline on every window of ``part`` (start, middle, end per size), then
    on the whole part."""
    sizes, dens = list(res.sizes.values()), list(res.density.values())
    rw = res.window_density[part]
    ell2 = np.broadcast_to(res.ells[:, None], rw.shape)
    meas = np.append(res.g[part] / rw ** 2, res.g_whole[part] / res.density[part] ** 2)
    base = np.append(g_conservation_baseline(ell2, rw, sizes, dens),
                     g_conservation_baseline(res.sizes[part], res.density[part], sizes, dens))
    return meas - base


def _run_windows(s, out):
    win = [three_branch_windows(s.N_b, s.win_rho, gamma_B=s.gamma_B, gamma_C=s.gamma_C, p=s.p, t_max=s.t_max,
                                t_relax=s.t_relax, seed=s.win_seed + k)
           for k in _progress_bar(range(s.n_win), desc="windows")]
    ctl = [ring_windows(3 * s.N_b, s.win_rho, part=s.N_b, t_max=s.t_max, seed=s.ring_seed + k)
           for k in _progress_bar(range(s.n_win), desc="ring windows")]
    ells = win[0].ells
    print(f"windows of {ells.tolist()} sites, {s.n_win} runs at rho = {s.win_rho:g}: g/rho^2 minus the "
          f"conservation baseline (eq. 14), start / middle / end of {ells[0]} sites, whole part")
    for part, runs in [(b, win) for b in BRANCHES] + [("ring", ctl)]:
        d = np.array([_window_excess(r, part) for r in runs])
        m, e = d.mean(axis=0), d.std(axis=0, ddof=1) / math.sqrt(len(runs))
        print(f"  {part:>4}: " + " ".join(f"{m[i]:+.3f}+-{e[i]:.3f}" for i in (0, 1, 2, -1))
              + f"; z(start) = {m[0] / e[0]:+.1f}")
        out["window_excess_" + part] = d


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
    # one value per run, 3 rho (lambda_BC - lambda_A) with lambda_BC the mean of B and C; errors from the spread
    means, errs = [], []
    for Nb in s.sizes:
        vals = []
        for rep in range(s.n_rep):
            r = simulate_three_branch(Nb, s.rho, seed=s.seed + 10 * Nb + rep, progress=False)
            vals.append(3 * s.rho * ((r.lam["B"] + r.lam["C"]) / 2 - r.lam["A"]))
        m, e = _mean_err(vals)
        means.append(m)
        errs.append(e)
        print(f"N_b = {Nb:5d}: 3 rho (lambda_BC - lambda_A) = {m:.4f} +- {e:.4f} over {s.n_rep} runs (eq. 35: 1)")
    A = np.vstack([np.ones(len(s.sizes)), 1 / np.array(s.sizes)]).T
    W = np.diag(1 / np.array(errs) ** 2)
    cov = np.linalg.inv(A.T @ W @ A)
    coef = cov @ A.T @ W @ np.array(means)
    print(f"fit a + b/N_b: a = {coef[0]:.4f} +- {math.sqrt(cov[0, 0]):.4f}, b = {coef[1]:.2f}")
    out["sizes"], out["shift"], out["shift_err"] = np.array(s.sizes), np.array(means), np.array(errs)
    for j, p in enumerate(s.p_values):
        t_max, t_relax = s.p_times(p)
        vals = []
        for rep in range(s.n_rep_p):
            r = simulate_three_branch(s.N_b_p, s.rho, p=p, t_max=t_max, t_relax=t_relax,
                                      seed=s.p_seed + 100 * j + rep, progress=False)
            vals.append(3 * s.rho * ((r.lam["B"] + r.lam["C"]) / 2 - r.lam["A"]))
        m, e = _mean_err(vals)
        print(f"p = {p:g}, N_b = {s.N_b_p}: 3 rho (lambda_BC - lambda_A) = {m:.4f} +- {e:.4f} over {s.n_rep_p} runs")
        out[f"shift_p{p:g}"] = np.array(vals)


def _run_zrp(s, a, out):
    r = simulate_zrp_three_branch(s.n, s.n, s.n, s.rho, p=s.p, t_max=s.t_max, t_relax=s.t_relax,
                                  n_blocks=s.n_blocks, seed=s.seed, desc="zrp")
    print(f"z_A/z_B (mid-branch) = {math.exp(r.shift_exact):.6f}; shift lam_B - lam_A = "
          f"{r.shift:.4f} +- {r.shift_err:.4f} (exact fixed-M {r.shift_canonical:.4f}, "
          f"ln(z_A/z_B) = {r.shift_exact:.4f}, ln 2 = {math.log(2):.4f}); {r.events:.3g} events in {r.seconds:.1f} s")
    out["site_density"], out["theory_density"] = r.site_density, r.theory_density


def _run_gamma_eta(s, a, out):
    lam = np.zeros((len(s.gammas), len(s.etas), 3))
    th = np.zeros_like(lam)
    for i, g in enumerate(_progress_bar(s.gammas, desc="gamma")):
        for j, eta in enumerate(s.etas):
            r = simulate_three_branch(s.N_b, s.rho, g, 1 - g, p=s.p, eta=eta, n_blocks=s.n_blocks, seed=s.seed,
                                      progress=False)
            t = three_branch_theory(s.rho, g, 1 - g, eta)
            lam[i, j] = [r.lam[b] for b in BRANCHES]
            th[i, j] = [t["lam"][b] for b in BRANCHES]
            print(f"gamma_B = {g:g}, eta = {eta:g}: lam~ A, B, C = "
                  + " ".join(f"{r.lam[b]:.4f}+-{r.lam_err[b]:.4f}" for b in BRANCHES)
                  + "; flux balance eq. (18): " + " ".join(f"{t['lam'][b]:.4f}" for b in BRANCHES))
    out["lam"], out["lam_theory"] = lam, th


def _overrides(name, s, a):
    """Apply the command-line overrides (--seed, --N, --N-pr, --t-max, --t-relax) to the settings ``s``."""
    rep = {}
    if name == "fig7":
        scan = _overrides("fig6", s.scan, a)
        rep["scan"] = scan
        if a.seed is not None:
            rep["seed"] = a.seed
        return dataclasses.replace(s, **rep)
    names = {f.name for f in dataclasses.fields(s)}
    size = {"ring": "N", "fig3": "N", "fig5": "N_b", "fig6": "N_b", "zrp": "n", "gamma_eta": "N_b"}[name]
    if a.N is not None:
        rep[size] = a.N
    for arg, field in ((a.N_pr, "N_pr"), (a.t_max, "t_max"), (a.t_relax, "t_relax")):
        if arg is not None and field in names:
            rep[field] = arg
    if a.seed is not None:
        if name == "ring":
            rep["seed_hom"], rep["seed_dis"] = a.seed, a.seed + 1
        else:
            rep["seed"] = a.seed
        if name == "fig3":
            rep["eta_seed"] = a.seed
    return dataclasses.replace(s, **rep)


def main(argv=None):
    """Run one figure of arXiv 1106.5652 from the command line.

    ``python -m noneq.mass_transport {ring,fig3,fig5,fig6,fig7,zrp,gamma_eta} [--scale ci|book|paper] [--seed N]
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
    ap.add_argument("--N", type=int, default=None,
                    help="system size (N for ring and fig3, N_b for fig5-7 and gamma_eta, n for zrp)")
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
        runs = {"ring": _run_ring, "fig3": _run_fig3, "fig6": _run_fig6, "fig7": _run_fig7, "zrp": _run_zrp,
                "gamma_eta": _run_gamma_eta}
        runs[a.what](s, a, out)
    if a.out:
        print("saved", _save(a.out, out))
    return 0
