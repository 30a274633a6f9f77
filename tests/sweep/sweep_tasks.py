"""Deterministic example tasks, a registered example figure and helpers for the sweep tests.

Imported by the test processes and, by name, by the Dask workers (the tests put
this directory on ``PYTHONPATH``, which worker processes inherit).
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass

import numpy as np

from noneq.sweep import Store, Sweep, register_figure
from noneq.sweep.runner import execute_task, task_attrs


@dataclass(frozen=True)
class WalkSettings:
    """Settings of the example figure: the time step, saved steps, histogram bins."""

    dt: float = 0.5
    n_saved: int = 400
    n_bins: int = 12


def ou_walkers(params, seed, settings):
    """N Ornstein-Uhlenbeck walkers of stiffness kappa from x = 0, sampled exactly every ``dt``.

    Returns the mean square displacement over time, the variance over the second half, the
    histogram of the last positions and the number beyond 3. Deterministic in ``seed``
    (numpy's PCG64); a few milliseconds. With ``NONEQ_TEST_TASK_SECONDS`` set, a task lasts at
    least that many seconds of wall time (for the interruption tests; the result is the same);
    with ``NONEQ_TEST_PID_DIR`` set, a task leaves an empty file ``pid-<process id>`` there when
    it starts.
    """
    t0 = time.perf_counter()
    pid_dir = os.environ.get("NONEQ_TEST_PID_DIR")
    if pid_dir:  # tell the fault tests which process runs a task
        open(os.path.join(pid_dir, f"pid-{os.getpid()}"), "w").close()
    rng = np.random.default_rng(seed)
    kappa, n = float(params["kappa"]), int(params["N"])
    a = np.exp(-kappa * settings.dt)
    b = np.sqrt((1.0 - a * a) / kappa)
    noise = rng.standard_normal((settings.n_saved, n))
    x = np.empty_like(noise)
    prev = np.zeros(n)
    for i in range(settings.n_saved):
        prev = x[i] = a * prev + b * noise[i]
    counts, _ = np.histogram(x[-1], bins=settings.n_bins, range=(-3.0, 3.0))
    rest = float(os.environ.get("NONEQ_TEST_TASK_SECONDS", "0")) - (time.perf_counter() - t0)
    if rest > 0:
        time.sleep(rest)
    return {
        "msd": (("time",), (x * x).mean(axis=1)),
        "variance": float(x[settings.n_saved // 2 :].var()),
        "counts": (("bin",), counts.astype(np.int64)),
        "escaped": int(np.count_nonzero(np.abs(x[-1]) > 3.0)),
    }


def failing_for_large_n(params, seed, settings):
    """Like :func:`ou_walkers`, but raises for ``N > 8``."""
    if params["N"] > 8:
        raise RuntimeError(f"no walkers beyond 8, asked for {params['N']}")
    return ou_walkers(params, seed, settings)


GRID = {"kappa": [0.5, 1.0, 2.0], "N": [8, 16], "replica": [0, 1]}
SEED = 20240611
FAMILY = "sweep_demo"


def walkers_sweep(scale, task=ou_walkers, settings=None, seed=SEED, grid=None, name=f"{FAMILY}.walkers"):
    """The example figure's sweep: 3 x 2 x 2 = 12 tasks."""
    return Sweep(name, task, grid or GRID, settings or WalkSettings(), seed, scale=scale)


register_figure(FAMILY, "walkers", walkers_sweep)


def serial_dataset(sweep, path):
    """The sweep computed task by task in this process, no Dask, stored in ``path`` and assembled."""
    store = Store(path)
    for params in sweep.points():
        seed = sweep.seed_of(params)
        result = execute_task(sweep.task, params, seed, sweep.settings if sweep.passes_settings else None,
                              sweep.dims)
        store.write(store.key(sweep, params), result["outputs"], task_attrs(sweep, seed, result["provenance"]))
    return store.assemble(sweep)


def assert_identical(a, b):
    """Two assembled sweeps hold the same variables, dimensions, coordinates, dtypes and bytes."""
    assert set(a.variables) == set(b.variables)
    for name in a.variables:
        va, vb = a.variables[name], b.variables[name]
        assert va.dims == vb.dims, name
        assert va.dtype == vb.dtype, name
        assert va.values.tobytes() == vb.values.tobytes(), f"{name} differs"


def snapshot(path):
    """Every file under ``path`` (hidden ones too): relative path -> (size, mtime in ns, SHA-256)."""
    out = {}
    for root, _, files in os.walk(path):
        for f in files:
            p = os.path.join(root, f)
            st = os.stat(p)
            with open(p, "rb") as fh:
                out[os.path.relpath(p, path)] = (st.st_size, st.st_mtime_ns, hashlib.sha256(fh.read()).hexdigest())
    return out
