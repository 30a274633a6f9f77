"""Noisy dynamics (eqs. 2.8, 2.10, 2.12) with the stochastic Heun scheme: single runs and the Fig. 8 scan.

Every run is a task of the parallel kernel :func:`._kernels._scan_kernel` with
its own child seed from :func:`noneq.rng.spawn_seeds`, so the numbers depend
only on the seed (not on the number of threads or on the chunking of a scan).
The Gaussian increments come from :func:`noneq.rng.xoshiro_normal`;
:func:`standard_normal` draws the same numbers outside the kernel.
"""

from __future__ import annotations

import time

import numpy as np

from .. import validate
from ..rng import resolve_seed, spawn_seeds
from ..rng import standard_normal as _rng_standard_normal
from ._kernels import _scan_kernel
from .model import _check_dt, _check_rho_bar, initial_profile
from .results import ScanResult, _iterate, _progress_switch, _result

__all__ = ["simulate", "simulate_dimensional", "interface_scan", "standard_normal"]


def standard_normal(n, seed=None):
    """Draw ``n`` standard normal numbers with the sampler of the noisy kernel.

    The kernel of task ``t`` of a run or scan with seed ``s`` sees exactly
    ``standard_normal(n, seed=int(noneq.rng.spawn_seeds(s, n_tasks)[t]))``, one
    number per bond and step in order (see :func:`noneq.rng.standard_normal`).

    Parameters
    ----------
    n : int
        Number of draws, >= 0.
    seed : int or None
        Same seed, same numbers.

    Returns
    -------
    ndarray, shape (n,)

    Raises
    ------
    ValueError
        If ``n`` is negative or ``seed`` invalid.
    """
    n = validate.integer("n", n, 0)
    return _rng_standard_normal(n, seed)


def _check_noise_params(N, kappa, phi, T_eff, rho_bar, t_max, dt, t_burn, sample_every):
    N = validate.integer("N", N, 3, 1 << 16)
    kappa = validate.real("kappa", kappa, 0.0, 100.0)
    phi = validate.real("phi", phi, -1.0, 1.0)
    T_eff = validate.real("T_eff", T_eff, 0.0, 1.0)
    rho_bar = _check_rho_bar(rho_bar)
    dt = _check_dt(dt, kappa)
    t_max = validate.real("t_max", t_max, 0.0, lo_open=True)
    t_burn = validate.real("t_burn", t_burn, 0.0)
    sample_every = validate.real("sample_every", sample_every, dt)
    every = max(1, int(round(sample_every / dt)))
    n_steps = int(round(t_max / dt))
    if n_steps < every:
        raise ValueError(f"t_max must be at least sample_every={sample_every:g}, got {t_max:g}")
    return N, kappa, phi, T_eff, rho_bar, t_max, dt, t_burn, every, n_steps


def _run_tasks(rho0, kappas, phi, noise2, dt, t_burn, n_steps, every, n_batches, seeds, level=1.5, inv_lam=1.0):
    """The parallel kernel on tasks given by rows of rho0, kappas and seeds (uint32)."""
    return _scan_kernel(
        np.ascontiguousarray(rho0, dtype=float), np.ascontiguousarray(kappas, dtype=float), float(phi), float(noise2),
        float(dt), float(inv_lam), int(round(t_burn / dt)), n_steps, every, n_batches,
        np.ascontiguousarray(seeds, dtype=np.uint32), float(level),
    )


def simulate(
    N, kappa, phi, T_eff, rho_bar=1.5, t_max=5e4, dt=0.01, init="liquid-first", seed=None, *,
    t_burn=None, sample_every=0.1, n_batches=20,
):
    """Noisy dynamics (eqs. 2.8, 2.10, 2.12) with the stochastic Heun scheme.

    Predictor rho* = rho - div F(rho, dW), corrector
    rho' = rho - div [F(rho, dW) + F(rho*, dW)] / 2 with the same Gaussian
    increments dW (one per bond and step, so the noise conserves mass exactly).

    Parameters
    ----------
    N : int
        Number of boxes, in [3, 65536].
    kappa : float
        kappa_Lambda in [0, 100].
    phi : float
        Battery voltage in [-1, 1].
    T_eff : float
        Noise temperature in [0, 1] (T / (A Lambda); with Lambda = 1 the paper's T / A).
    rho_bar : float
        Mean density in (0.5, 2.5).
    t_max : float
        Length of the measured part of the run (time units, after burn-in), >= sample_every.
    dt : float
        Heun step (paper: 0.01); in (0, :func:`~noneq.phase_coexistence.max_stable_dt`].
    init : str or array_like
        Initial profile (see :func:`~noneq.phase_coexistence.initial_profile`).
    seed : int or None
        Same seed, same trajectory.
    t_burn : float, optional
        Burn-in time discarded before measuring, >= 0 (default: min(t_max / 10, 2 N^2)).
    sample_every : float
        Interval between samples of mu^I and of the profiles (time units), >= dt.
    n_batches : int
        Number of batches for the standard error of mu^I, >= 2.

    Returns
    -------
    SimulationResult

    Raises
    ------
    ValueError
        For parameters outside these ranges.

    Examples
    --------
    >>> import noneq.phase_coexistence as pc
    >>> r = pc.simulate(32, 0.5, 0.05, 0.002, t_max=50.0, seed=7, t_burn=0.0)
    >>> r.mass_drift < 1e-11 and r.mu_I.size == 500
    True
    """
    t_start = time.perf_counter()
    if t_burn is None:
        t_burn = min(0.1 * float(t_max), 2.0 * float(N) ** 2) if isinstance(t_max, (int, float)) else 0.0
    N, kappa, phi, T_eff, rho_bar, t_max, dt, t_burn, every, n_steps = _check_noise_params(
        N, kappa, phi, T_eff, rho_bar, t_max, dt, t_burn, sample_every)
    n_batches = validate.integer("n_batches", n_batches, 2)
    rho0 = initial_profile(N, rho_bar, init)[None, :]
    out = _run_tasks(rho0, [kappa], phi, 2.0 * T_eff, dt, t_burn, n_steps, every, n_batches,
                     spawn_seeds(resolve_seed(seed), 1))
    params = dict(N=N, kappa=kappa, phi=phi, T_eff=T_eff, rho_bar=rho_bar, t_max=t_max, dt=dt, t_burn=t_burn,
                  sample_every=every * dt, init=init if isinstance(init, str) else "array", seed=seed)
    return _result(out[0][0], out[1][0], out[2][0], out[3][0], out[4][0], n_steps // every, t_burn, every * dt, N,
                   rho_bar, params, seconds=time.perf_counter() - t_start)


def simulate_dimensional(
    N, kappa, phi, T, A=1.0, Lambda=1.0, t_max=100.0, dt=None, init="liquid-first", seed=None, *,
    t_burn=0.0, sample_every=None, n_batches=10,
):
    """Noisy dynamics written with explicit box length Lambda and cross section A.

    Integrates eqs. 2.8, 2.10, 2.12 as printed,
    d rho_i/dt = -(j_i - j_{i-1}) / Lambda,
    j_i = -(sigma/Lambda)(mu~_{i+1} - mu~_i - phi delta_{i,N}) + sqrt(2 sigma T / (A Lambda)) xi_i,
    mu~_i = mu(rho_i) - (kappa / Lambda^2)(rho_{i+1} + rho_{i-1} - 2 rho_i),
    with physical ``kappa`` and ``T``. Used to check which combinations of
    (kappa, T, A, Lambda) the dynamics depends on: with time measured in units
    of Lambda^2 it depends only on kappa / Lambda^2 and T / (A Lambda).

    Parameters
    ----------
    N : int
        Number of boxes, in [3, 65536].
    kappa : float
        Physical kappa >= 0 (kappa / Lambda^2 at most 100).
    phi : float
        Battery voltage in [-1, 1].
    T : float
        Temperature >= 0.
    A, Lambda : float
        Cross section and box length, > 0.
    t_max : float
        Run length (physical time), >= sample_every.
    dt : float, optional
        Step (default 0.01 Lambda^2), below the Heun stability limit times Lambda^2.
    init : str or array_like
        Initial profile (mean density 1.5 for the named ones).
    seed : int or None
        Same seed, same trajectory.
    t_burn : float
        Unrecorded time before the run, >= 0.
    sample_every : float, optional
        Sampling interval, >= dt (default 100 dt).
    n_batches : int
        Number of batches for the standard errors, >= 2.

    Returns
    -------
    SimulationResult
        Times are physical; ``params`` records the dimensional inputs.

    Raises
    ------
    ValueError
        For parameters outside these ranges.
    """
    t_start = time.perf_counter()
    Lambda = validate.real("Lambda", Lambda, 0.0, lo_open=True)
    A = validate.real("A", A, 0.0, lo_open=True)
    T = validate.real("T", T, 0.0)
    N = validate.integer("N", N, 3, 1 << 16)
    kappa = validate.real("kappa", kappa, 0.0)
    phi = validate.real("phi", phi, -1.0, 1.0)
    if dt is None:
        dt = 0.01 * Lambda**2
    dt = validate.real("dt", dt, 0.0, lo_open=True)
    k_lam = kappa / Lambda**2
    _check_dt(dt / Lambda**2, k_lam)
    if sample_every is None:
        sample_every = 100 * dt
    t_max = validate.real("t_max", t_max, 0.0, lo_open=True)
    t_burn = validate.real("t_burn", t_burn, 0.0)
    every = max(1, int(round(validate.real("sample_every", sample_every, dt) / dt)))
    n_steps = int(round(t_max / dt))
    if n_steps < every:
        raise ValueError("t_max must be at least sample_every")
    rho0 = initial_profile(N, 1.5, init)
    rho_bar = float(rho0.mean())
    n_batches = validate.integer("n_batches", n_batches, 2)
    out = _run_tasks(rho0[None, :], [k_lam], phi, 2.0 * T / (A * Lambda), dt, t_burn, n_steps, every, n_batches,
                     spawn_seeds(resolve_seed(seed), 1), inv_lam=1.0 / Lambda)
    params = dict(N=N, kappa=kappa, phi=phi, T=T, A=A, Lambda=Lambda, t_max=t_max, dt=dt, seed=seed)
    return _result(out[0][0], out[1][0], out[2][0], out[3][0], out[4][0], n_steps // every, t_burn, every * dt, N,
                   rho_bar, params, seconds=time.perf_counter() - t_start)


def interface_scan(
    N, kappas, phi=0.05, T_eff=0.002, rho_bar=1.5, t_max=5e4, dt=0.01, init="liquid-first", seed=None, *,
    n_runs=1, t_burn=None, sample_every=0.1, n_batches=20, n_chunks=None, progress=None, show_progress=None,
):
    """mu^I against kappa_Lambda from independent noisy runs (Fig. 8), in parallel.

    Every (kappa, run) pair is one task with its own child seed from
    :func:`noneq.rng.spawn_seeds`; tasks are grouped into a fixed number of
    chunks (``n_chunks``, default: four tasks per chunk) run one after the
    other through a parallel kernel. Since every task carries its own seed,
    the numbers depend neither on the number of threads nor on the chunking;
    the chunks only let the progress bar advance.

    Parameters
    ----------
    N : int
        Number of boxes, in [3, 65536].
    kappas : array_like
        kappa_Lambda values, each in [0, 100].
    phi, T_eff, rho_bar, t_max, dt, init, t_burn, sample_every, n_batches
        As in :func:`simulate` (``t_burn`` default: min(t_max / 10, 2 N^2)).
    seed : int or None
        Same seed, same numbers.
    n_runs : int
        Independent runs per kappa, >= 1.
    n_chunks : int, optional
        Number of chunks, in [1, n_tasks].
    progress : bool, optional
        Progress bar: None (default) follows ``NONEQ_PROGRESS``, True/False force it.
    show_progress : bool, optional
        Old spelling: True = ``progress=None``, False = ``progress=False``.

    Returns
    -------
    ScanResult
        Arrays indexed [kappa, run]; :meth:`ScanResult.combined` averages the runs.

    Raises
    ------
    ValueError
        For parameters outside these ranges.

    Examples
    --------
    >>> import noneq.phase_coexistence as pc
    >>> s = pc.interface_scan(16, [0.4, 0.8], t_max=20.0, seed=3, n_runs=2, t_burn=0.0, progress=False)
    >>> s.mu_I_mean.shape, s.combined()[0].shape
    ((2, 2), (2,))
    """
    t_start = time.perf_counter()
    kappas = validate.array("kappas", kappas, ndim=1, lo=0.0)
    N, _, phi, T_eff, rho_bar, t_max, dt, _, every, n_steps = _check_noise_params(
        N, float(kappas.max()), phi, T_eff, rho_bar, t_max, dt, 0.0, sample_every)
    n_runs = validate.integer("n_runs", n_runs, 1)
    n_batches = validate.integer("n_batches", n_batches, 2)
    prog = _progress_switch(progress, show_progress, None)
    if t_burn is None:
        t_burn = min(0.1 * t_max, 2.0 * N**2)
    t_burn = validate.real("t_burn", t_burn, 0.0)
    rho0 = initial_profile(N, rho_bar, init)
    tasks_k = np.repeat(kappas, n_runs)
    n_tasks = tasks_k.size
    if n_chunks is None:
        n_chunks = -(-n_tasks // 4)  # four tasks per chunk: both cores busy, a progress tick per chunk
    n_chunks = validate.integer("n_chunks", n_chunks, 1, n_tasks)
    seeds_all = spawn_seeds(resolve_seed(seed), n_tasks)
    bounds = np.linspace(0, n_tasks, n_chunks + 1).astype(int)
    n_series = n_steps // every
    shape = (kappas.size, n_runs)
    res = {k: np.empty(n_tasks) for k in ("mean", "err", "of_mean", "of_mean_err", "tau", "drift")}
    rho_m = np.empty((n_tasks, N))
    mt_m = np.empty((n_tasks, N))
    series = np.empty((n_tasks, n_series))
    rho_f = np.empty((n_tasks, N))
    for c in _iterate(range(n_chunks), prog, f"mu^I scan N={N}", n_chunks):
        a, b = bounds[c], bounds[c + 1]
        if a == b:
            continue
        out = _run_tasks(np.repeat(rho0[None, :], b - a, axis=0), tasks_k[a:b], phi, 2.0 * T_eff, dt, t_burn, n_steps,
                         every, n_batches, seeds_all[a:b])
        for k in range(b - a):
            r = _result(out[0][k], out[1][k], out[2][k], out[3][k], out[4][k], n_series, t_burn, every * dt, N,
                        rho_bar, {})
            t = a + k
            res["mean"][t], res["err"][t], res["of_mean"][t] = r.mu_I_mean, r.mu_I_err, r.mu_I_of_mean
            res["of_mean_err"][t] = r.mu_I_of_mean_err
            res["tau"][t], res["drift"][t] = r.tau_int, r.mass_drift
            rho_m[t], mt_m[t], series[t], rho_f[t] = r.rho_mean, r.mu_tilde_mean, r.mu_I, r.rho_final
    params = dict(N=N, phi=phi, T_eff=T_eff, rho_bar=rho_bar, t_max=t_max, dt=dt, t_burn=t_burn,
                  sample_every=every * dt, init=init if isinstance(init, str) else "array", seed=seed,
                  n_runs=n_runs, n_chunks=n_chunks)
    return ScanResult(
        kappas=kappas, mu_I_mean=res["mean"].reshape(shape), mu_I_err=res["err"].reshape(shape),
        mu_I_of_mean=res["of_mean"].reshape(shape), mu_I_of_mean_err=res["of_mean_err"].reshape(shape),
        tau_int=res["tau"].reshape(shape),
        rho_mean=rho_m.reshape(shape + (N,)), mu_tilde_mean=mt_m.reshape(shape + (N,)),
        mass_drift=res["drift"].reshape(shape), mu_I=series.reshape(shape + (n_series,)),
        rho_final=rho_f.reshape(shape + (N,)), params=params, n_blocks=n_batches,
        seconds=time.perf_counter() - t_start,
    )
