"""Compiled integrators: the noiseless Heun relaxation and the stochastic Heun runs.

Both integrate eq. 2.8 with the Heun scheme on the integrated bond currents of
eq. 2.10 (:func:`.model._fluxes`, inlined) and update by a discrete divergence
(:func:`.model._divergence`), so the total mass is conserved to rounding. The
noisy runs draw one Gaussian per bond and step from the package's xoshiro256**
stream (:func:`noneq.rng.xoshiro_normal`), used by predictor and corrector alike.

The kernels advance their state in place by a given number of steps and return,
so that a long computation runs as a sequence of short calls
(:class:`noneq.progress.Chunked`), between which ``SIGINT`` gets through and a
progress bar moves; the state carried from call to call (profiles, generator
states, accumulators, step counter) makes the result independent of the chunking.
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


@njit(cache=True)
def _task_states(seeds):
    """xoshiro256** states (one row of 4 x uint64 per task) seeded by ``seeds`` (:func:`noneq.rng.xoshiro_state`)."""
    st = np.empty((seeds.shape[0], 4), dtype=np.uint64)
    for t in range(seeds.shape[0]):
        st[t] = xoshiro_state(seeds[t])
    return st


@njit(cache=True, fastmath={"contract", "arcp", "reassoc"})
def _heun_steps(rho, kappa, phi, noise2, dt, inv_lam, step0, n, n_burn, every, stride, n_series, level, st,
                acc_rho, acc_mt, mu_series, x_series):
    """Advance ``rho`` in place by the stochastic Heun steps ``step0 .. step0 + n - 1`` of a run.

    ``noise2 = 2 T_eff`` (or 2 T / (A Lambda)); ``st`` is the xoshiro256** state
    (4 x uint64), advanced in place, so a run split into several calls draws the
    same numbers as one call. Steps before ``n_burn`` are not recorded; after
    them, every ``every``-th step is sample ``k`` (``k < n_series``): rho and mu~
    are added to the accumulator row of batch ``k n_b // n_series``, and every
    ``stride``-th sample stores mu^I and X^I (eqs. 6.3-6.4) at index ``k // stride``.
    """
    n_rho = rho.shape[0]
    n_b = acc_rho.shape[0]
    mt = np.empty(n_rho)
    f1 = np.empty(n_rho)
    f2 = np.empty(n_rho)
    rs = np.empty(n_rho)
    dw = np.empty(n_rho)
    sdt = math.sqrt(dt)
    kdt = dt * inv_lam
    s0, s1, s2, s3 = st[0], st[1], st[2], st[3]
    for step in range(step0, step0 + n):
        for i in range(n_rho):
            z, s0, s1, s2, s3 = xoshiro_normal(s0, s1, s2, s3)
            dw[i] = sdt * z
        _fluxes(rho, mt, f1, dw, kappa, phi, kdt, noise2)
        _heun_finish(rho, rs, mt, f1, f2, dw, kappa, phi, kdt, noise2, inv_lam)
        r = step - n_burn + 1
        if r > 0 and r % every == 0:
            k = r // every - 1
            if k < n_series:
                b = (k * n_b) // n_series
                _mu_tilde_into(rho, kappa, mt)
                for i in range(n_rho):
                    acc_rho[b, i] += rho[i]
                    acc_mt[b, i] += mt[i]
                if k % stride == 0:
                    x, m, c = _interface(rho, mt, level)
                    mu_series[k // stride] = m
                    x_series[k // stride] = x
    st[0], st[1], st[2], st[3] = s0, s1, s2, s3


@njit(cache=True, parallel=True)
def _scan_chunk(rho, kappas, phi, noise2, dt, inv_lam, step0, n, n_burn, every, stride, n_series, level, states,
                acc_rho, acc_mt, mu_s, x_s):
    """Advance independent tasks (rows of ``rho``, own kappa and state) in parallel by steps ``step0 .. step0 + n - 1``.

    Every array is updated in place (see :func:`_heun_steps`); the caller runs a
    whole computation as a sequence of such chunks, between which control
    returns to Python.
    """
    for t in prange(rho.shape[0]):
        _heun_steps(rho[t], kappas[t], phi, noise2, dt, inv_lam, step0, n, n_burn, every, stride, n_series, level,
                    states[t], acc_rho[t], acc_mt[t], mu_s[t], x_s[t])
