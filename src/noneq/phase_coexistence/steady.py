"""Noiseless stationary profiles (eqs. 2.8, 2.10 with T_eff = 0) and the noiseless mu^I scan of Fig. 8.

A profile is relaxed with the compiled Heun kernel (:func:`._kernels._relax_kernel`,
called in pieces of about 0.25 s so that ``SIGINT`` gets through) and polished
by Newton's method on the stationarity equations with the mass constraint, using
the sparse Jacobian of the right-hand side (:func:`.model._jacobian`); a solution
is accepted only if linearly stable.
"""

from __future__ import annotations

import time

import numpy as np

from .. import validate
from ..progress import Chunked
from ._kernels import _relax_kernel
from .interface import interface_chemical_potential
from .model import _check_dt, _check_rho_bar, _drho_dt_raw, _jacobian, drho_dt, initial_profile, mu_tilde
from .model import stationary_current as _stationary_current
from .results import SteadyScanResult, SteadyStateInfo, _iterate, _progress_switch

__all__ = ["steady_state", "steady_state_scan"]


def _relax(rho, kappa, phi, dt, n_max, tol, check_every=10):
    """:func:`._kernels._relax_kernel` run as calls of about 0.25 s, with the result of one call.

    Each call covers whole multiples of ``check_every`` steps, so the residual is
    checked at the same steps as in a single call; between calls ``SIGINT`` gets through.
    Returns (steps done, last residual checked).
    """
    done, res = 0, np.inf
    for blocks in Chunked(-(-n_max // check_every), first=max(1, 5000 // rho.shape[0]), progress=False):
        n = min(blocks * check_every, n_max - done)
        steps, res = _relax_kernel(rho, kappa, phi, dt, n, tol, check_every)
        done += int(steps)
        if steps < n:  # stopped early: max |d rho/dt| < tol
            break
    return done, res


def _newton(rho, kappa, phi, rho_bar, tol, max_iter=60):
    """Newton's method on d rho_i/dt = 0 (i < N) and sum rho = N rho_bar, with a backtracking line search."""
    from scipy import sparse
    from scipy.sparse.linalg import spsolve

    n = rho.shape[0]
    target = n * rho_bar

    def resid(r):
        f = _drho_dt_raw(r, kappa, phi)
        f[-1] = r.sum() - target
        return f

    res = resid(rho)
    norm = np.max(np.abs(res))
    for it in range(max_iter):
        if norm <= tol:
            return rho, it, norm
        jac = _jacobian(rho, kappa, phi).tolil()
        jac[n - 1, :] = np.ones(n)
        delta = spsolve(sparse.csr_matrix(jac), -res)
        if not np.all(np.isfinite(delta)):
            return rho, it, np.inf
        step = 1.0
        while step > 1e-4:
            trial = rho + step * delta
            if np.all(trial > 0):
                tres = resid(trial)
                tnorm = np.max(np.abs(tres))
                if tnorm < norm or norm < 1e-8:
                    break
            step *= 0.5
        else:
            return rho, it, norm
        rho, res, norm = trial, tres, tnorm
    return rho, max_iter, norm


def _growth_rate(rho, kappa, phi):
    """Largest real part of the linearised noiseless dynamics on the zero-mass subspace."""
    n = rho.shape[0]
    jac = _jacobian(rho, kappa, phi).toarray()
    # mass is conserved, so one eigenvalue is 0 with left eigenvector (1,...,1);
    # project onto sum(delta) = 0 with an orthonormal basis
    q, _ = np.linalg.qr(np.vstack([np.ones(n), np.eye(n)[:-1]]).T)
    basis = q[:, 1:]
    red = basis.T @ jac @ basis
    return float(np.max(np.linalg.eigvals(red).real))


def steady_state(
    N, kappa, phi, rho_bar=1.5, init="liquid-first", *, tol=1e-10, dt=0.01, t_relax_max=None, return_info=False
):
    """Noiseless stationary profile of the ring (eqs. 2.8, 2.10 with T_eff = 0).

    The initial profile (see :func:`~noneq.phase_coexistence.initial_profile`) is
    relaxed with the deterministic Heun dynamics in stretches of 500 time units
    (or until max |d rho/dt| < 1e-6); after each stretch that ends with
    max |d rho/dt| < 1e-4, Newton's method is tried on d rho_i/dt = 0
    (i = 1..N-1) plus sum_i rho_i = N rho_bar, whose Jacobian is a sparse cyclic
    band. A Newton solution is accepted when its residual is below ``tol`` and
    it is linearly stable (no growing mode on the zero-mass subspace);
    otherwise the relaxation goes on.

    Parameters
    ----------
    N : int
        Number of boxes, in [3, 65536].
    kappa : float
        kappa_Lambda in [0, 100].
    phi : float
        Battery voltage in [-1, 1].
    rho_bar : float
        Mean density in (0.5, 2.5).
    init : str or array_like
        Initial profile: ``"liquid-first"`` (default), ``"gas-first"``,
        ``"uniform"`` or an array of N densities.
    tol : float
        Required residual max_i |d rho_i/dt| (and mass error), in (0, 1e-3].
    dt : float
        Step of the relaxation stage, below the Heun stability limit.
    t_relax_max : float, optional
        Cap on the relaxation time, > 0 (default max(5e4, 20 N^2)). For kappa of
        order one the liquid domain of a ``"gas-first"`` start travels round
        the ring before it stops, which takes of order 10^4 time units at N = 64.
    return_info : bool
        Also return a :class:`SteadyStateInfo` with the residual, Newton
        iterations, relaxation time and the largest linear growth rate
        (negative: linearly stable).

    Returns
    -------
    ndarray, shape (N,) or (ndarray, SteadyStateInfo)

    Raises
    ------
    ValueError
        For invalid parameters, or if the residual cannot be brought below tol.

    Examples
    --------
    >>> import noneq.phase_coexistence as pc
    >>> rho, info = pc.steady_state(64, 0.5, 0.05, return_info=True)
    >>> info["residual"] <= 1e-10 and info["growth_rate"] < 0
    True
    >>> round(pc.interface_chemical_potential(rho, pc.mu_tilde(rho, 0.5)), 4)  # paper: 7.7e-3
    0.0077
    """
    t_start = time.perf_counter()
    N = validate.integer("N", N, 3, 1 << 16)
    kappa = validate.real("kappa", kappa, 0.0, 100.0)
    phi = validate.real("phi", phi, -1.0, 1.0)
    rho_bar = _check_rho_bar(rho_bar)
    tol = validate.real("tol", tol, 0.0, 1e-3, lo_open=True)
    rho = initial_profile(N, rho_bar, init)
    dt = _check_dt(dt, kappa, max(2.75, float(rho.max())))
    if t_relax_max is None:
        t_relax_max = max(5e4, 20.0 * N * N)
    t_relax_max = validate.real("t_relax_max", t_relax_max, 0.0, lo_open=True)
    n_max_total = int(t_relax_max / dt)
    chunk = max(1, int(round(500.0 / dt)))
    steps_done = 0
    best = None
    growth = float("nan")
    iters = 0
    failures, wait = 0, 0
    relax_tol = 1e-6
    while steps_done < n_max_total:
        # relax for up to `chunk` steps (stops early once max|d rho/dt| < 1e-6) ...
        steps, res_relax = _relax(rho, kappa, phi, dt, min(chunk, n_max_total - steps_done), relax_tol)
        if steps == 0:
            # already below the threshold but no acceptable Newton solution (e.g. close to a
            # saddle): keep relaxing for a whole stretch so the loop always advances
            steps, res_relax = _relax(rho, kappa, phi, dt, min(chunk, n_max_total - steps_done), 0.0)
        steps_done += int(steps)
        if res_relax > 1e-4 and steps_done < n_max_total:
            continue  # still far from stationary (e.g. a travelling liquid domain)
        if wait > 0 and steps_done < n_max_total and res_relax > relax_tol:
            wait -= 1  # back off after failed Newton attempts while the domain creeps
            continue
        # ... then polish with Newton; accept a converged, linearly stable point
        cand, iters, res = _newton(rho.copy(), kappa, phi, rho_bar, tol, max_iter=20)
        failures += 1
        wait = min(2**failures, 32)
        if res <= tol and np.all(cand > 0):
            # reject a stationary point that is linearly unstable (a saddle the
            # relaxation was only passing by) and keep relaxing instead
            growth = _growth_rate(cand, kappa, phi) if N <= 1024 else float("nan")
            if not growth > 1e-10:
                best = cand
                break
    if best is None:
        raise ValueError(
            f"steady_state did not converge to tol={tol:g} (N={N}, kappa={kappa:g}, phi={phi:g}); "
            "increase t_relax_max"
        )
    if not return_info:
        return best
    info = SteadyStateInfo(
        residual=float(np.max(np.abs(drho_dt(best, kappa, phi)))),
        mass_error=float(abs(best.sum() - N * rho_bar)),
        newton_iterations=int(iters),
        t_relax=steps_done * dt,
        growth_rate=growth,
        current=_stationary_current(best, phi),
        seconds=time.perf_counter() - t_start,
    )
    return best, info


def steady_state_scan(N, kappas, phi=0.05, rho_bar=1.5, init="liquid-first", *, continuation=False,
                      progress=None, show_progress=None):
    """Noiseless mu^I (eq. 6.4 on :func:`steady_state`) for each kappa_Lambda (Fig. 8, noiseless curve).

    Parameters
    ----------
    N : int
        Number of boxes, in [3, 65536].
    kappas : array_like
        Values of kappa_Lambda, each in [0, 100].
    phi : float
        Battery voltage in [-1, 1].
    rho_bar : float
        Mean density in (0.5, 2.5).
    init : str or array_like
        Initial profile, as in :func:`steady_state`.
    continuation : bool
        If True, each steady state starts from the previous kappa's solution
        (follows one branch; much faster for large N, where a fresh start creeps
        for ~N^2 time units). If False, every kappa starts from ``init``.
    progress : bool, optional
        Progress bar: None follows ``NONEQ_PROGRESS``, True/False force it;
        default (both unset): no bar.
    show_progress : bool, optional
        Old spelling: True = ``progress=None``, False = ``progress=False``.

    Returns
    -------
    SteadyScanResult
        ``kappa``, ``mu_I``, ``x_I``, ``growth_rate``, ``t_relax`` (arrays over
        kappa) and the profiles ``rho`` (len(kappas), N); also indexable as
        ``r["mu_I"]``.

    Raises
    ------
    ValueError
        For invalid parameters or a steady state that does not converge.

    Examples
    --------
    >>> import noneq.phase_coexistence as pc
    >>> r = pc.steady_state_scan(32, [0.2, 1.5])
    >>> bool(r["mu_I"][0] > r["mu_I"][1])  # mu^I falls from ~phi/6 towards mu_c = 0
    True
    """
    t_start = time.perf_counter()
    kappas = validate.array("kappas", kappas, ndim=1, lo=0.0)
    N = validate.integer("N", N, 3, 1 << 16)
    prog = _progress_switch(progress, show_progress, False)
    out = {k: np.empty(kappas.size) for k in ("mu_I", "x_I", "growth_rate", "t_relax")}
    rhos = np.empty((kappas.size, N))
    start = init
    for n in _iterate(range(kappas.size), prog, f"steady states N={N}", kappas.size):
        k = float(kappas[n])
        rho, info = steady_state(N, k, phi, rho_bar, start, return_info=True)
        m, x = interface_chemical_potential(rho, mu_tilde(rho, k), return_position=True)
        out["mu_I"][n], out["x_I"][n] = m, x
        out["growth_rate"][n], out["t_relax"][n] = info.growth_rate, info.t_relax
        rhos[n] = rho
        if continuation:
            start = rho
    return SteadyScanResult(kappa=kappas, rho=rhos, seconds=time.perf_counter() - t_start, **out)
