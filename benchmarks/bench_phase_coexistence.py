"""Speed of the noisy Heun integration (noneq.phase_coexistence) against vectorised NumPy.

Rates are site-steps per CPU second (``time.process_time``), so that other work
on the machine does not distort them; the ratio column divides by the NumPy
rate measured in the same run. Each entry is the best of ``REPEAT`` runs. The
two-task line also gives the wall-clock rate, which shows the parallel speed-up
only on an otherwise idle machine.

Target: >= 5e7 site-steps per CPU second at N = 64 (one task).
Run: .venv/bin/python benchmarks/bench_phase_coexistence.py
"""

import time

import numpy as np

import noneq.phase_coexistence as pc
from _phase_coexistence_reference import numpy_heun
from noneq.phase_coexistence._kernels import _scan_kernel

N, KAPPA, PHI, T_EFF, DT = 64, 0.5, 0.05, 0.002, 0.01
N_STEPS = 1_000_000
REPEAT = 3
NEVER = 10**9  # sampling interval longer than the run: no samples


def _run(n_tasks, n_steps, every):
    rho0 = np.repeat(pc.initial_profile(N, 1.5, "liquid-first")[None, :], n_tasks, axis=0)
    seeds = np.arange(1, n_tasks + 1, dtype=np.uint32)
    _scan_kernel(rho0, np.full(n_tasks, KAPPA), PHI, 2 * T_EFF, DT, 1.0, 0, n_steps, every, 2, seeds, 1.5)


def _rate(f, site_steps):
    best_cpu, best_wall = np.inf, np.inf
    for _ in range(REPEAT):
        c, w = time.process_time(), time.perf_counter()
        f()
        best_cpu = min(best_cpu, time.process_time() - c)
        best_wall = min(best_wall, time.perf_counter() - w)
    return site_steps / best_cpu, site_steps / best_wall


def main():
    _run(1, 100, 10)  # compile or load the cache
    _run(2, 100, 10)
    rate, _ = _rate(lambda: _run(1, N_STEPS, NEVER), N * N_STEPS)
    rate_s, _ = _rate(lambda: _run(1, N_STEPS, 10), N * N_STEPS)
    rate2, rate2_wall = _rate(lambda: _run(2, N_STEPS, NEVER), 2 * N * N_STEPS)
    n_np = 20_000
    rng = np.random.default_rng(1)
    rho = pc.initial_profile(N, 1.5, "liquid-first")
    rate_np, _ = _rate(lambda: numpy_heun(rho.copy(), KAPPA, PHI, T_EFF, DT, n_np, rng), N * n_np)
    print(f"{'implementation (N = 64, Heun, dt = 0.01)':<46} {'site-steps/CPU-s':>17} {'ratio':>8}")
    print(f"{'numba kernel, 1 task':<46} {rate:17.3e} {rate / rate_np:8.1f}")
    print(f"{'numba kernel, 1 task, sampling every 10 steps':<46} {rate_s:17.3e} {rate_s / rate_np:8.1f}")
    print(f"{'numba kernel, 2 tasks in parallel':<46} {rate2:17.3e} {rate2 / rate_np:8.1f}"
          f"   (wall clock: {rate2_wall:.3e} site-steps/s)")
    print(f"{'vectorised NumPy, same scheme':<46} {rate_np:17.3e} {1.0:8.1f}")
    print(f"target >= 5e7 site-steps per CPU second: {'met' if rate >= 5e7 else 'NOT met'} ({rate:.2e})")


if __name__ == "__main__":
    main()
