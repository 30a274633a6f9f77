"""Vectorised NumPy version of the noisy Heun integration of noneq.phase_coexistence, for speed ratios only.

The same scheme as the compiled kernel (eqs. 2.8, 2.10, 2.12 of Sasa & Nakagawa
with Lambda = 1): predictor and corrector share one Gaussian increment per bond.
The tests check the kernel against their own NumPy reference; this one only
sets the scale of the benchmark.
"""

import numpy as np


def numpy_heun(rho, kappa, phi, T_eff, dt, n_steps, rng):
    """Advance ``rho`` by ``n_steps`` stochastic Heun steps, vectorised over sites; returns the new profile."""
    noise2 = 2.0 * T_eff
    sdt = np.sqrt(dt)

    def flux(r, dw):
        rp, rm = np.roll(r, -1), np.roll(r, 1)
        mt = (r - 0.5) * (r - 1.5) * (r - 2.5) - kappa * (rp + rm - 2.0 * r)
        g = np.roll(mt, -1) - mt
        g[-1] -= phi
        s = 0.5 * (r + rp)
        return -s * g * dt + np.sqrt(noise2 * np.maximum(s, 0.0)) * dw

    for _ in range(n_steps):
        dw = sdt * rng.standard_normal(rho.size)
        f1 = flux(rho, dw)
        rs = rho - (f1 - np.roll(f1, 1))
        f = 0.5 * (f1 + flux(rs, dw))
        rho = rho - (f - np.roll(f, 1))
    return rho
