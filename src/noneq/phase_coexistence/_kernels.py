"""Compiled integrators: the noiseless Heun relaxation and the stochastic Heun runs.

Both integrate eq. 2.8 with the Heun scheme on the integrated bond currents of
eq. 2.10 (:func:`.model._fluxes`, inlined) and update by a discrete divergence
(:func:`.model._divergence`), so the total mass is conserved to rounding. The
noisy runs draw one Gaussian per bond and step from the package's xoshiro256**
stream (:func:`noneq.rng.xoshiro_normal`), used by predictor and corrector alike.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from ..rng import xoshiro_normal, xoshiro_state
from .interface import _interface
from .model import _divergence, _fluxes, _mu_tilde_into


@njit(cache=True, inline="always")
def _heun_finish(rho, rs, mt, f1, f2, dw, kappa, phi, kdt, noise2, inv_lam):
    """Complete a Heun step whose predictor fluxes ``f1 = F(rho, dw)`` are known.

    Predictor rho* = rho - div F(rho, dw), corrector
    rho <- rho - div [F(rho, dw) + F(rho*, dw)] / 2 with the same increments dw.
    """
    n = rho.shape[0]
    _divergence(rs, rho, f1, inv_lam)
    _fluxes(rs, mt, f2, dw, kappa, phi, kdt, noise2)
    for i in range(n):
        f2[i] = 0.5 * (f1[i] + f2[i])
    _divergence(rho, rho, f2, inv_lam)


@njit(cache=True)
def _relax_kernel(rho, kappa, phi, dt, n_max, tol, check_every):
    """Noiseless Heun relaxation of ``rho`` in place until max |d rho/dt| < tol or n_max steps.

    Returns (steps done, last residual max |d rho/dt| checked every ``check_every`` steps).
    """
    n = rho.shape[0]
    mt = np.empty(n)
    f1 = np.empty(n)
    f2 = np.empty(n)
    rs = np.empty(n)
    res = np.inf
    steps = 0
    while steps < n_max:
        _fluxes(rho, mt, f1, f1, kappa, phi, dt, 0.0)
        if steps % check_every == 0:
            res = 0.0
            for i in range(n):
                r = abs(f1[i] - f1[i - 1]) / dt
                if r > res:
                    res = r
            if res < tol:
                break
        _heun_finish(rho, rs, mt, f1, f2, f1, kappa, phi, dt, 0.0, 1.0)
        steps += 1
    return steps, res


@njit(cache=True, fastmath={"contract", "arcp", "reassoc"})
def _heun_run(rho, kappa, phi, noise2, dt, inv_lam, n_steps, sample_every, st, level,
              acc_rho, acc_mt, mu_series, x_series, n_series):
    """Advance ``rho`` in place by ``n_steps`` stochastic Heun steps.

    ``noise2 = 2 T_eff`` (or 2 T / (A Lambda)); ``st`` is the xoshiro256** state
    (4 x uint64), advanced in place. Every ``sample_every`` steps (if
    ``n_series > 0``) records mu^I and X^I (eqs. 6.3-6.4) and adds rho and mu~ to
    the accumulator row of the current batch.
    """
    n = rho.shape[0]
    n_b = acc_rho.shape[0]
    mt = np.empty(n)
    f1 = np.empty(n)
    f2 = np.empty(n)
    rs = np.empty(n)
    dw = np.empty(n)
    sdt = math.sqrt(dt)
    kdt = dt * inv_lam
    s0, s1, s2, s3 = st[0], st[1], st[2], st[3]
    k = 0
    for step in range(n_steps):
        for i in range(n):
            z, s0, s1, s2, s3 = xoshiro_normal(s0, s1, s2, s3)
            dw[i] = sdt * z
        _fluxes(rho, mt, f1, dw, kappa, phi, kdt, noise2)
        _heun_finish(rho, rs, mt, f1, f2, dw, kappa, phi, kdt, noise2, inv_lam)
        if n_series > 0 and (step + 1) % sample_every == 0 and k < n_series:
            b = (k * n_b) // n_series
            _mu_tilde_into(rho, kappa, mt)
            for i in range(n):
                acc_rho[b, i] += rho[i]
                acc_mt[b, i] += mt[i]
            x, m, c = _interface(rho, mt, level)
            mu_series[k] = m
            x_series[k] = x
            k += 1
    st[0], st[1], st[2], st[3] = s0, s1, s2, s3


@njit(cache=True, parallel=True)
def _scan_kernel(rho0, kappas, phi, noise2, dt, inv_lam, n_burn, n_steps, sample_every, n_batches, seeds, level):
    """Run independent tasks (one per row of rho0, own kappa and seed) in parallel.

    Task ``t`` seeds its xoshiro256** stream with ``seeds[t]``
    (:func:`noneq.rng.xoshiro_state`), runs ``n_burn`` steps unrecorded and then
    ``n_steps`` recorded steps. Returns (final profiles, per-batch sums of rho and
    mu~, mu^I series, X^I series).
    """
    n_tasks, n = rho0.shape
    n_series = n_steps // sample_every
    rho_out = rho0.copy()
    acc_rho = np.zeros((n_tasks, n_batches, n))
    acc_mt = np.zeros((n_tasks, n_batches, n))
    mu_s = np.full((n_tasks, n_series), np.nan)
    x_s = np.full((n_tasks, n_series), np.nan)
    for t in prange(n_tasks):
        st = xoshiro_state(seeds[t])
        rho = rho_out[t]
        _heun_run(rho, kappas[t], phi, noise2, dt, inv_lam, n_burn, sample_every, st, level,
                  acc_rho[t], acc_mt[t], mu_s[t], x_s[t], 0)
        _heun_run(rho, kappas[t], phi, noise2, dt, inv_lam, n_steps, sample_every, st, level,
                  acc_rho[t], acc_mt[t], mu_s[t], x_s[t], n_series)
    return rho_out, acc_rho, acc_mt, mu_s, x_s
