"""Long calls of noneq.ising_chain stop on SIGINT, and refuse up front what cannot fit in memory.

Each long call runs in a child process, which is sent SIGINT at two moments after
it has started; the child must raise KeyboardInterrupt and exit within 3 s.
"""

import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from noneq import ising_chain as ic
from noneq import memory

CHILD = """
import sys
import noneq.ising_chain as ic
{warm}
print("ready", flush=True)
try:
    {call}
except KeyboardInterrupt:
    print("interrupted", flush=True)
    sys.exit(3)
print("finished", flush=True)
"""

CALLS = {
    # 10^13 trials: hours on this machine
    "simulate": ("ic.simulate(10, 10, 1.0, 2.0, samples=1000, seed=0)",
                 "ic.simulate(10, 10, 1.0, 2.0, samples=10**11, seed=0)"),
    # 128 initial states of 800 trials on a 128 x 803 array each: ~20 s
    "exact": ("ic.entropy_production_distribution(4, 2, 1.0, 2.0)",
              "ic.entropy_production_distribution(8, 100, 1.0, 2.0)"),
}


def _latency(name, delay):
    """Seconds from SIGINT to the child's exit, the child started ``delay`` s before."""
    warm, call = CALLS[name]
    env = dict(os.environ, NONEQ_PROGRESS="0")
    child = subprocess.Popen([sys.executable, "-c", CHILD.format(warm=warm, call=call)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert child.stdout.readline().strip() == "ready"
        time.sleep(delay)
        assert child.poll() is None, "the call ended before it could be interrupted"
        t0 = time.perf_counter()
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=3)
        latency = time.perf_counter() - t0
    except subprocess.TimeoutExpired:
        child.kill()
        child.communicate()
        pytest.fail(f"{name}: still running 3 s after SIGINT")
    assert child.returncode == 3 and out.strip() == "interrupted", (out, err)
    return latency


@pytest.mark.parametrize("name", sorted(CALLS))
@pytest.mark.parametrize("delay", [0.3, 2.5])
def test_sigint_stops_a_long_call(name, delay):
    assert _latency(name, delay) < 3.0


def test_results_do_not_depend_on_chunk_boundaries(monkeypatch):
    # the same seed gives the same numbers whatever the chunk sizes (one call, many short chunks)
    a = ic.simulate(6, 3, 1.0, 2.0, samples=20_003, seed=4, progress=False)
    from noneq import progress

    class Tiny(progress.Chunked):
        def __init__(self, total, **kw):
            kw.update(seconds=1e-2, first=1, growth=1.5)
            super().__init__(total, **kw)

    run = []

    def tiny(total, **kw):
        run.append(Tiny(total, **kw))
        return run[-1]

    monkeypatch.setattr("noneq.ising_chain.montecarlo.Chunked", tiny)
    b = ic.simulate(6, 3, 1.0, 2.0, samples=20_003, seed=4, progress=False)
    assert run[0].chunks > 20
    np.testing.assert_array_equal(a.counts, b.counts)
    assert (a.Q1_mean, a.Q2_mean, a.Q1_err, a.Q2_err) == (b.Q1_mean, b.Q2_mean, b.Q1_err, b.Q2_err)


@pytest.mark.parametrize("call, message", [
    (lambda: ic.entropy_production_distribution(10, 10, 1.0, 2.0), r"M = 10, t = 10 needs 2\d\d\.\d MiB"),
    (lambda: ic.entropy_production_exact(10, 10, 1.0, 2.0), r"M = 10, t = 10 needs 2\d\d\.\d MiB"),
    (lambda: ic.stationary_distribution(27, 1.0, 2.0), r"M = 27 needs 2\.5 GiB"),
    (lambda: ic.stationary_tau_distribution(27, 1.0, 2.0), r"M = 27 needs 1\.2 GiB"),
    (lambda: ic.simulate(10, 10**7, 1.0, 2.0, samples=10), r"M = 10, t = 10000000, bin_width = 0.2 needs \d+\.\d GiB"),
    (lambda: ic.simulate(24, 10, 1.0, 2.0, samples=10), r"M = 24 needs 640\.0 MiB"),
])
def test_oversized_requests_fail_before_allocating(call, message, monkeypatch):
    import resource

    monkeypatch.setenv(memory.ENV_VAR, str(100 * 2**20))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    with pytest.raises(ValueError, match=message + r" for .*; 100\.0 MiB is available"):
        call()
    assert time.perf_counter() - t0 < 2.0
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 50 * 1024  # KiB
