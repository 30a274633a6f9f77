"""Noisy dynamics (eqs. 2.8, 2.10, 2.12) with the stochastic Heun scheme: single runs and the Fig. 8 scan.

Every run is a task of the parallel kernel :func:`._kernels._scan_chunk` with
its own child seed from :func:`noneq.rng.spawn_seeds`, so the numbers depend
only on the seed (not on the number of threads or on the chunking of a scan).
The kernel is called in chunks of time steps of 0.25 s (0.5 s for parallel runs)
(:class:`noneq.progress.Chunked`): ``SIGINT`` stops a run within about a second,
the progress bar moves, and the memory of a run is checked before it allocates
(:func:`noneq.memory.require`); the stored mu^I series is thinned beyond
:data:`MAX_SAMPLES` samples, so memory does not grow with ``t_max``.
The Gaussian increments come from :func:`noneq.rng.xoshiro_normal`;
:func:`standard_normal` draws the same numbers outside the kernel.
"""

from __future__ import annotations

import time

import numpy as np

from .. import memory, validate
from ..progress import Chunked
from ..rng import resolve_seed, spawn_seeds
from ..rng import standard_normal as _rng_standard_normal
from ._kernels import _heun_steps, _scan_chunk, _task_states
from .model import _check_dt, _check_rho_bar, initial_profile
from .results import ScanResult, _progress_switch, _result

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


#: Largest number of stored mu^I samples per run: longer runs keep every k-th sample
#: (the profile averages and batch sums still use every sample).
MAX_SAMPLES = 2**19


def _plan(n_tasks, N, n_steps, every, n_batches, max_samples=None):
    """Storage stride and length of the mu^I series, and the bytes a run of ``n_tasks`` tasks needs."""
    n_series = n_steps // every
    max_samples = MAX_SAMPLES if max_samples is None else max_samples
    stride = max(1, -(-n_series // max_samples))
    n_store = -(-n_series // stride)
    # accumulators (2 n_b N), stored series (2 n_store) and profiles in the kernel; profile and
    # series copies in the results (3 N + n_store)
    nbytes = 8.0 * n_tasks * (2 * n_batches * N + 3 * n_store + 10 * N + 8)
    return n_series, stride, n_store, nbytes


def _require(n_tasks, N, n_steps, every, n_batches, what):
    """Check the memory of a run before allocating; returns (n_series, stride, n_store)."""
    n_series, stride, n_store, nbytes = _plan(n_tasks, N, n_steps, every, n_batches)
    memory.require(nbytes, what, "the profiles, batch sums and mu^I series of the runs")
    return n_series, stride, n_store


def _run_tasks(rho0, kappas, phi, noise2, dt, t_burn, n_steps, every, n_batches, seeds, level=1.5, inv_lam=1.0,
               progress=None, desc="noisy run", plan=None):
    """Integrate tasks given by rows of rho0, kappas and seeds (uint32) in chunks of 0.25 s (one task) or 0.5 s.

    Returns (final profiles, per-batch sums of rho and mu~, mu^I series, X^I
    series, storage stride of the series). A ``KeyboardInterrupt`` between two
    chunks leaves nothing behind: every array is local until the run is complete.
    """
    rho = np.array(rho0, dtype=float, order="C")
    n_tasks, N = rho.shape
    kappas = np.ascontiguousarray(kappas, dtype=float)
    n_burn = int(round(t_burn / dt))
    n_series, stride, n_store = plan if plan is not None else _plan(n_tasks, N, n_steps, every, n_batches)[:3]
    states = _task_states(np.ascontiguousarray(seeds, dtype=np.uint32))
    acc_rho = np.zeros((n_tasks, n_batches, N))
    acc_mt = np.zeros((n_tasks, n_batches, N))
    mu_s = np.full((n_tasks, n_store), np.nan)
    x_s = np.full((n_tasks, n_store), np.nan)
    step = 0
    # parallel chunks end on a barrier that waits for the slowest thread: 0.5 s keeps that cost
    # under 2 % on a loaded machine and SIGINT still stops the run within about a second
    run = Chunked(n_burn + n_steps, seconds=0.25 if n_tasks == 1 else 0.5, first=max(1, 50_000 // (N * n_tasks)),
                  progress=progress, desc=desc, unit="step")
    args = float(phi), float(noise2), float(dt), float(inv_lam)
    for n in run:
        if n_tasks == 1:  # no parallel region to start (and its idle threads to wake) for every chunk
            _heun_steps(rho[0], kappas[0], *args, step, n, n_burn, every, stride, n_series, float(level), states[0],
                        acc_rho[0], acc_mt[0], mu_s[0], x_s[0])
        else:
            _scan_chunk(rho, kappas, *args, step, n, n_burn, every, stride, n_series, float(level), states, acc_rho,
                        acc_mt, mu_s, x_s)
        step += n
    return rho, acc_rho, acc_mt, mu_s, x_s, stride


def simulate(
    N, kappa, phi, T_eff, rho_bar=1.5, t_max=5e4, dt=0.01, init="liquid-first", seed=None, *,
    t_burn=None, sample_every=0.1, n_batches=20, progress=None,
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
    progress : bool, optional
        Progress bar (None follows ``NONEQ_PROGRESS``).

    Returns
    -------
    SimulationResult
        The run runs in chunks of about 0.25 s, so ``SIGINT`` (Ctrl-C,
        "Interrupt kernel") stops it within about a second; runs of more than
        :data:`MAX_SAMPLES` samples store every k-th mu^I sample only.

    Raises
    ------
    ValueError
        For parameters outside these ranges, or a run whose arrays would not fit
        in memory (:func:`noneq.memory.require`).

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
    plan = _require(1, N, n_steps, every, n_batches, f"N = {N} with n_batches = {n_batches}")
    rho0 = initial_profile(N, rho_bar, init)[None, :]
    out = _run_tasks(rho0, [kappa], phi, 2.0 * T_eff, dt, t_burn, n_steps, every, n_batches,
                     spawn_seeds(resolve_seed(seed), 1), progress=progress, desc=f"noisy run N={N}", plan=plan)
    params = dict(N=N, kappa=kappa, phi=phi, T_eff=T_eff, rho_bar=rho_bar, t_max=t_max, dt=dt, t_burn=t_burn,
                  sample_every=every * dt, init=init if isinstance(init, str) else "array", seed=seed,
                  series_stride=out[5])
    return _result(out[0][0], out[1][0], out[2][0], out[3][0], out[4][0], n_steps // every, t_burn, every * dt, N,
                   rho_bar, params, seconds=time.perf_counter() - t_start, stride=out[5])


def simulate_dimensional(
    N, kappa, phi, T, A=1.0, Lambda=1.0, t_max=100.0, dt=None, init="liquid-first", seed=None, *,
    t_burn=0.0, sample_every=None, n_batches=10, progress=None,
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
    progress : bool, optional
        Progress bar (None follows ``NONEQ_PROGRESS``).

    Returns
    -------
    SimulationResult
        Times are physical; ``params`` records the dimensional inputs. Runs in
        interruptible chunks, as :func:`simulate`.

    Raises
    ------
    ValueError
        For parameters outside these ranges, or a run whose arrays would not fit in memory.
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
    plan = _require(1, N, n_steps, every, n_batches, f"N = {N} with n_batches = {n_batches}")
    out = _run_tasks(rho0[None, :], [k_lam], phi, 2.0 * T / (A * Lambda), dt, t_burn, n_steps, every, n_batches,
                     spawn_seeds(resolve_seed(seed), 1), inv_lam=1.0 / Lambda, progress=progress,
                     desc=f"noisy run N={N}", plan=plan)
    params = dict(N=N, kappa=kappa, phi=phi, T=T, A=A, Lambda=Lambda, t_max=t_max, dt=dt, seed=seed,
                  series_stride=out[5])
    return _result(out[0][0], out[1][0], out[2][0], out[3][0], out[4][0], n_steps // every, t_burn, every * dt, N,
                   rho_bar, params, seconds=time.perf_counter() - t_start, stride=out[5])


def interface_scan(
    N, kappas, phi=0.05, T_eff=0.002, rho_bar=1.5, t_max=5e4, dt=0.01, init="liquid-first", seed=None, *,
    n_runs=1, t_burn=None, sample_every=0.1, n_batches=20, n_chunks=None, progress=None, show_progress=None,
):
    """mu^I against kappa_Lambda from independent noisy runs (Fig. 8), in parallel.

    Every (kappa, run) pair is one task with its own child seed from
    :func:`noneq.rng.spawn_seeds`; the tasks run side by side in a parallel
    kernel, in chunks of time steps of about 0.5 s each (so ``SIGINT`` stops the
    scan within about a second and the progress bar moves), optionally split
    into ``n_chunks`` groups of tasks run one after the other. Since every task
    carries its own seed and generator state, the numbers depend neither on the
    number of threads nor on either chunking.

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
        Number of groups of tasks run one after the other, in [1, n_tasks] (default 1).
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
        For parameters outside these ranges, or a scan whose arrays would not fit in memory.

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
    n_tasks = kappas.size * n_runs
    n_series, stride, n_store = _require(n_tasks, N, n_steps, every, n_batches,
                                         f"N = {N} with n_batches = {n_batches} for {n_tasks} runs "
                                         f"(len(kappas) = {kappas.size} times n_runs = {n_runs})")
    rho0 = initial_profile(N, rho_bar, init)
    tasks_k = np.repeat(kappas, n_runs)
    n_chunks = validate.integer("n_chunks", 1 if n_chunks is None else n_chunks, 1, n_tasks)
    seeds_all = spawn_seeds(resolve_seed(seed), n_tasks)
    bounds = np.linspace(0, n_tasks, n_chunks + 1).astype(int)
    shape = (kappas.size, n_runs)
    res = {k: np.empty(n_tasks) for k in ("mean", "err", "of_mean", "of_mean_err", "tau", "drift")}
    rho_m = np.empty((n_tasks, N))
    mt_m = np.empty((n_tasks, N))
    series = np.empty((n_tasks, n_store))
    xseries = np.empty((n_tasks, n_store))
    rho_f = np.empty((n_tasks, N))
    for c in range(n_chunks):
        a, b = bounds[c], bounds[c + 1]
        if a == b:
            continue
        desc = f"mu^I scan N={N}" + (f", runs {a + 1}-{b} of {n_tasks}" if n_chunks > 1 else "")
        out = _run_tasks(np.repeat(rho0[None, :], b - a, axis=0), tasks_k[a:b], phi, 2.0 * T_eff, dt, t_burn, n_steps,
                         every, n_batches, seeds_all[a:b], progress=prog, desc=desc, plan=(n_series, stride, n_store))
        for k in range(b - a):
            r = _result(out[0][k], out[1][k], out[2][k], out[3][k], out[4][k], n_series, t_burn, every * dt, N,
                        rho_bar, {}, stride=stride)
            t = a + k
            res["mean"][t], res["err"][t], res["of_mean"][t] = r.mu_I_mean, r.mu_I_err, r.mu_I_of_mean
            res["of_mean_err"][t] = r.mu_I_of_mean_err
            res["tau"][t], res["drift"][t] = r.tau_int, r.mass_drift
            rho_m[t], mt_m[t], series[t], rho_f[t] = r.rho_mean, r.mu_tilde_mean, r.mu_I, r.rho_final
            xseries[t] = r.x_I
    params = dict(N=N, phi=phi, T_eff=T_eff, rho_bar=rho_bar, t_max=t_max, dt=dt, t_burn=t_burn,
                  sample_every=every * dt, init=init if isinstance(init, str) else "array", seed=seed,
                  n_runs=n_runs, n_chunks=n_chunks, series_stride=stride)
    return ScanResult(
        kappas=kappas, mu_I_mean=res["mean"].reshape(shape), mu_I_err=res["err"].reshape(shape),
        mu_I_of_mean=res["of_mean"].reshape(shape), mu_I_of_mean_err=res["of_mean_err"].reshape(shape),
        tau_int=res["tau"].reshape(shape),
        rho_mean=rho_m.reshape(shape + (N,)), mu_tilde_mean=mt_m.reshape(shape + (N,)),
        mass_drift=res["drift"].reshape(shape), mu_I=series.reshape(shape + (n_store,)),
        rho_final=rho_f.reshape(shape + (N,)), params=params, n_blocks=n_batches,
        seconds=time.perf_counter() - t_start, x_I=xseries.reshape(shape + (n_store,)),
    )
