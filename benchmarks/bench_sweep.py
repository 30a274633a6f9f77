"""Strong scaling of a sweep on the local Dask cluster: the same sweep on 1 and on 2 workers.

Run: ``.venv/bin/python benchmarks/bench_sweep.py [--family mass_transport] [--figure fig6] [--scale book]
[--workers 1 2]``

Each worker count computes the whole sweep into a fresh temporary store
(:func:`noneq.sweep.run_sweep`, a new ``LocalCluster`` each time, so the wall
time includes starting the workers). Reported per worker count: the wall time
of the call, the summed task wall and CPU times from the stored provenance,
the speed-up against the first worker count and the parallel efficiency; and
the 1-minute load average before and after, since other processes on the
machine take cores from the workers. The stored results of all runs are
checked to be identical bit for bit.
"""

from __future__ import annotations

import argparse
import os
import tempfile

import numpy as np

from noneq.sweep import Store, figure_sweep, run_sweep


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--family", default="mass_transport")
    ap.add_argument("--figure", default="fig6")
    ap.add_argument("--scale", default="book")
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    a = ap.parse_args()
    sweep = figure_sweep(a.family, a.figure, a.scale)
    print(f"{sweep!r}: {sweep.size} tasks; {os.cpu_count()} cores")
    # compile (numba cache) once outside the timed runs
    with tempfile.TemporaryDirectory() as warm:
        small = figure_sweep(a.family, a.figure, "ci")
        run_sweep(small, warm, n_workers=1, progress=False)
    first, reference = None, None
    for n in a.workers:
        with tempfile.TemporaryDirectory() as tmp:
            load0 = os.getloadavg()[0]
            report = run_sweep(sweep, tmp, n_workers=n, progress=False)
            load1 = os.getloadavg()[0]
            store = Store(tmp)
            entries = store.entries()
            task_wall = sum(e.attrs["wall_time_s"] for e in entries)
            task_cpu = sum(e.attrs["cpu_time_s"] for e in entries)
            data = store.assemble(sweep)
            arrays = {k: v.values.tobytes() for k, v in data.variables.items()}
            if reference is None:
                reference = arrays
            same = arrays == reference
        first = first or report.wall_time
        speedup = first / report.wall_time
        print(f"{n} worker(s): {report.wall_time:7.1f} s wall; tasks {task_wall:7.1f} s wall, {task_cpu:7.1f} s CPU; "
              f"speed-up {speedup:5.2f}, efficiency {speedup * a.workers[0] / n:.2f}; "
              f"load {load0:.1f} -> {load1:.1f}; identical results: {same}")
        assert same
        np.testing.assert_equal(report.done, sweep.size)


if __name__ == "__main__":
    main()
