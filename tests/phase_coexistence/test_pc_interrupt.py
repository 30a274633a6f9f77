"""Long calls stop on SIGINT, keep their memory bounded and refuse what cannot fit (issue: interruptible runs)."""

import os
import queue
import resource
import signal
import subprocess
import sys
import textwrap
import threading
import time

import numpy as np
import pytest

import noneq.phase_coexistence as pc
from noneq import memory

# Each call is started twice in one child process and interrupted after the given delays; between
# the two, and after the second, the process must stay usable (as a notebook kernel must).
CALLS = {
    "simulate": "pc.simulate(64, 0.9, 0.05, 0.002, t_max=2e6, seed=1, progress=False)",
    "interface_scan": "pc.interface_scan(64, [0.3, 0.9, 1.5, 2.0], t_max=2e6, seed=1, progress=False)",
    "steady_state": "pc.steady_state(65536, 0.9, 0.05, init='gas-first')",
}

CHILD = """
import sys
import noneq.phase_coexistence as pc
pc.simulate(16, 0.5, 0.05, 0.002, t_max=1.0, t_burn=0.0, seed=1)  # compile or load the caches
pc.interface_scan(16, [0.5, 1.0], t_max=1.0, t_burn=0.0, seed=1, progress=False)
pc.steady_state(16, 0.5, 0.05)
for attempt in range(2):
    print("ready", flush=True)
    try:
        {call}
    except KeyboardInterrupt:
        print("interrupted", flush=True)
    else:
        print("finished", flush=True)
r = pc.simulate(16, 0.5, 0.05, 0.002, t_max=1.0, t_burn=0.0, seed=1)
print("usable", r.mass_drift < 1e-10, flush=True)
"""


def _line_reader(proc):
    """A function returning the child's next output line, or None after ``timeout`` seconds.

    A thread reads the pipe, so lines that arrive together are not lost in a buffer.
    """
    lines = queue.Queue()

    def pump():
        for line in proc.stdout:
            lines.put(line.strip())

    threading.Thread(target=pump, daemon=True).start()

    def next_line(timeout):
        try:
            return lines.get(timeout=timeout)
        except queue.Empty:
            return None

    return next_line


@pytest.mark.parametrize("name", list(CALLS))
def test_sigint_stops_the_call_within_a_second_or_two(name):
    env = dict(os.environ, NONEQ_PROGRESS="0")
    proc = subprocess.Popen([sys.executable, "-c", textwrap.dedent(CHILD).format(call=CALLS[name])],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    latencies = []
    next_line = _line_reader(proc)

    def expect(text, timeout):
        line = next_line(timeout)
        if line != text:
            proc.kill()
            raise AssertionError(f"expected {text!r}, got {line!r}; stderr: {proc.stderr.read()[-3000:]}")

    try:
        for delay in (1.0, 3.0):  # early (first chunks) and later (full-size chunks)
            expect("ready", 120)
            time.sleep(delay)
            t0 = time.perf_counter()
            proc.send_signal(signal.SIGINT)
            expect("interrupted", 10)
            latencies.append(time.perf_counter() - t0)
        expect("usable True", 60)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
    assert max(latencies) < 3.0, latencies


def test_chunked_run_equals_one_call():
    from noneq.phase_coexistence import noisy
    from noneq.phase_coexistence._kernels import _scan_chunk, _task_states

    N, n_burn, n_steps, every, nb = 24, 3000, 40_000, 7, 4
    kappas = np.array([0.4, 1.1])
    rho0 = np.repeat(pc.initial_profile(N, 1.5)[None, :], 2, axis=0)
    seeds = np.array([11, 12], dtype=np.uint32)
    chunked = noisy._run_tasks(rho0, kappas, 0.05, 0.004, 0.01, n_burn * 0.01, n_steps, every, nb, seeds)
    rho = rho0.copy()
    n_series = n_steps // every
    acc = np.zeros((2, nb, N)), np.zeros((2, nb, N))
    ser = np.full((2, n_series), np.nan), np.full((2, n_series), np.nan)
    _scan_chunk(rho, kappas, 0.05, 0.004, 0.01, 1.0, 0, n_burn + n_steps, n_burn, every, 1, n_series, 1.5,
                _task_states(seeds), *acc, *ser)
    for a, b in zip(chunked[:5], (rho, *acc, *ser)):
        np.testing.assert_array_equal(a, b)


def test_long_series_are_thinned_not_grown(monkeypatch):
    from noneq.phase_coexistence import noisy

    full = pc.simulate(16, 0.5, 0.05, 0.002, t_max=100.0, seed=4, t_burn=5.0)
    monkeypatch.setattr(noisy, "MAX_SAMPLES", 128)
    thin = pc.simulate(16, 0.5, 0.05, 0.002, t_max=100.0, seed=4, t_burn=5.0)
    stride = thin.params["series_stride"]
    assert full.mu_I.size == 1000 and stride == 8 and thin.mu_I.size == 125
    np.testing.assert_array_equal(thin.mu_I, full.mu_I[::stride])
    np.testing.assert_array_equal(thin.t, full.t[::stride])
    # the averaged profiles and the batch sums use every sample, thinned or not
    np.testing.assert_array_equal(thin.rho_mean, full.rho_mean)
    assert thin.mu_I_of_mean == full.mu_I_of_mean and thin.mu_I_of_mean_err == full.mu_I_of_mean_err
    # the memory a run needs does not grow with t_max once the series is thinned
    sizes = [noisy._plan(1, 64, n_steps, 10, 20)[3] for n_steps in (10**8, 10**10, 10**12)]
    assert sizes[0] == sizes[1] == sizes[2] < 2**24


def test_oversized_request_fails_fast_naming_the_memory(monkeypatch):
    monkeypatch.setenv(memory.ENV_VAR, str(2**30))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    with pytest.raises(ValueError, match=r"N = 65536 with n_batches = 2048 needs 2\.\d GiB .*1\.0 GiB is available"):
        pc.simulate(65536, 0.5, 0.05, 0.002, t_max=1.0, n_batches=2048)
    with pytest.raises(ValueError, match=r"n_runs = 1000000000\) needs .*TiB"):
        pc.interface_scan(1024, [0.5, 1.0], t_max=1.0, n_runs=10**9, progress=False)
    assert time.perf_counter() - t0 < 1.0
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 50 * 1024  # KiB: under 50 MB grown
