"""Every compiled implementation of eqs. 2.8-2.12 against plain NumPy references written here.

The references below are independent of the package: mu is the expanded
polynomial rho^3 - 4.5 rho^2 + 5.75 rho - 1.875 (eq. 6.1 multiplied out), the
ring is handled with np.roll, and the Heun scheme is written out. The noisy
kernel is checked with the very normals it draws: task t of a run with seed s
uses the stream of ``noneq.rng.standard_normal(., seed=spawn_seeds(s, n_tasks)[t])``,
one number per bond and step, burn-in first.
"""

import numpy as np
import pytest

import noneq.phase_coexistence as pc
from noneq.phase_coexistence import _kernels, model
from noneq.rng import resolve_seed, spawn_seeds, standard_normal


def np_mu(rho):
    return rho**3 - 4.5 * rho**2 + 5.75 * rho - 1.875


def np_rhs(rho, kappa, phi):
    """(mu~, j, d rho/dt) of eqs. 2.12, 2.10 (no noise) and 2.8, with Lambda = 1."""
    right, left = np.roll(rho, -1), np.roll(rho, 1)
    mt = np_mu(rho) - kappa * (right + left - 2.0 * rho)
    force = np.roll(mt, -1) - mt
    force[-1] -= phi  # the battery sits on bond N -> 1
    j = -0.5 * (rho + right) * force
    return mt, j, -(j - np.roll(j, 1))


def np_heun(rho, kappa, phi, noise2, dt, z, lam=1.0):
    """Stochastic Heun steps of eqs. 2.8, 2.10 with box length ``lam``; z[step, bond] are the normals."""
    rho = np.array(rho, dtype=float)

    def flux(r, dw):
        sigma = 0.5 * (r + np.roll(r, -1))
        return np_rhs(r, kappa, phi)[1] * dt / lam + np.sqrt(noise2 * np.maximum(sigma, 0.0)) * dw

    for zs in z:
        dw = np.sqrt(dt) * zs
        f1 = flux(rho, dw)
        pred = rho - (f1 - np.roll(f1, 1)) / lam
        f = 0.5 * (f1 + flux(pred, dw))
        rho = rho - (f - np.roll(f, 1)) / lam
    return rho


@pytest.mark.parametrize("kappa,phi", [(0.0, 0.0), (0.7, 0.05), (1.9, -0.3)])
def test_rhs_matches_numpy_reference(rough_profile, kappa, phi):
    mt, j, d = np_rhs(rough_profile, kappa, phi)
    np.testing.assert_allclose(pc.mu_tilde(rough_profile, kappa), mt, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(pc.currents(rough_profile, kappa, phi), j, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(pc.drho_dt(rough_profile, kappa, phi), d, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(model._drho_dt_raw(rough_profile, kappa, phi), d, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(pc.mu(rough_profile), np_mu(rough_profile), rtol=1e-12, atol=1e-12)


def test_jacobian_matches_finite_differences(rough_profile):
    for kappa, phi in [(0.0, 0.0), (0.7, 0.05), (1.9, -0.3)]:
        jac = model._jacobian(rough_profile, kappa, phi).toarray()
        h = 1e-6
        fd = np.empty_like(jac)
        for c in range(rough_profile.size):
            e = np.zeros(rough_profile.size)
            e[c] = h
            fd[:, c] = (np_rhs(rough_profile + e, kappa, phi)[2] - np_rhs(rough_profile - e, kappa, phi)[2]) / (2 * h)
        np.testing.assert_allclose(jac, fd, rtol=1e-6, atol=1e-7 * np.abs(fd).max())
        np.testing.assert_allclose(jac.sum(axis=0), 0.0, atol=1e-12 * np.abs(jac).max())  # mass conservation


def test_relaxation_kernel_is_noiseless_heun(rough_profile):
    kappa, phi, dt = 0.7, 0.05, 0.01
    rho = rough_profile.copy()
    steps, res = _kernels._relax_kernel(rho, kappa, phi, dt, 3, 0.0, 1)
    assert steps == 3
    ref = np_heun(rough_profile, kappa, phi, 0.0, dt, np.zeros((3, rho.size)))
    np.testing.assert_allclose(rho, ref, rtol=1e-12, atol=1e-12)
    # the residual it reports is max |d rho/dt| of the profile before the last step
    before = np_heun(rough_profile, kappa, phi, 0.0, dt, np.zeros((2, rho.size)))
    assert res == pytest.approx(np.abs(np_rhs(before, kappa, phi)[2]).max(), rel=1e-10)


@pytest.mark.parametrize("n_steps", [1, 7])
def test_noisy_kernel_heun_steps_with_the_same_normals(n_steps):
    N, kappa, phi, T_eff, dt, seed = 11, 0.6, 0.05, 0.02, 0.01, 321
    rho0 = pc.initial_profile(N, 1.5, "liquid-first")
    r = pc.simulate(N, kappa, phi, T_eff, t_max=n_steps * dt, dt=dt, seed=seed, t_burn=0.0, sample_every=dt,
                    n_batches=2)
    child = int(spawn_seeds(resolve_seed(seed), 1)[0])
    z = standard_normal(N * n_steps, seed=child).reshape(n_steps, N)
    ref = np_heun(rho0, kappa, phi, 2.0 * T_eff, dt, z)
    np.testing.assert_allclose(r.rho_final, ref, rtol=1e-12, atol=1e-12)
    assert np.max(np.abs(ref - np_heun(rho0, kappa, phi, 0.0, dt, z))) > 1e-3  # the noise matters here


def test_scan_tasks_use_their_child_streams_after_burn_in():
    N, phi, T_eff, dt, seed = 9, 0.05, 0.01, 0.01, 77
    kappas = [0.3, 1.1]
    n_burn, n_run = 2, 3
    s = pc.interface_scan(N, kappas, phi, T_eff, t_max=n_run * dt, dt=dt, seed=seed, t_burn=n_burn * dt,
                          sample_every=dt, n_batches=2, progress=False)
    rho0 = pc.initial_profile(N, 1.5)
    children = spawn_seeds(resolve_seed(seed), len(kappas))
    for t, k in enumerate(kappas):
        z = standard_normal(N * (n_burn + n_run), seed=int(children[t])).reshape(-1, N)
        np.testing.assert_allclose(s.rho_final[t, 0], np_heun(rho0, k, phi, 2 * T_eff, dt, z), rtol=1e-12, atol=1e-12)
        # the recorded samples: eq. 6.4 of the profile after each recorded step
        prof = np_heun(rho0, k, phi, 2 * T_eff, dt, z[: n_burn + 1])
        m = pc.interface_chemical_potential(prof, np_rhs(prof, k, phi)[0])
        assert s.mu_I[t, 0, 0] == pytest.approx(m, rel=1e-10, abs=1e-13)


def test_dimensional_kernel_matches_numpy_with_lambda():
    N, kappa, phi, T, A, lam, seed = 10, 0.8, 0.05, 0.01, 2.0, 1.5, 9
    dt = 0.01 * lam**2
    r = pc.simulate_dimensional(N, kappa, phi, T, A=A, Lambda=lam, t_max=4 * dt, dt=dt, seed=seed, sample_every=dt,
                                n_batches=2)
    z = standard_normal(4 * N, seed=int(spawn_seeds(resolve_seed(seed), 1)[0])).reshape(4, N)
    ref = np_heun(pc.initial_profile(N, 1.5), kappa / lam**2, phi, 2 * T / (A * lam), dt, z, lam=lam)
    np.testing.assert_allclose(r.rho_final, ref, rtol=1e-12, atol=1e-12)
