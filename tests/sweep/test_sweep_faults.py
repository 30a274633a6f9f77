"""Sweeps on real Dask clusters, and what survives a killed worker, an interruption or bad input.

Every sweep here is compared bit for bit with the same sweep computed task by
task in this process (``serial``): the result must not depend on the number of
workers, the order of completion, a killed worker or an interruption.
"""

from __future__ import annotations

import concurrent.futures
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
import sweep_tasks as st

from noneq.sweep import ENV_SCHEDULER, Store, SweepInterrupted, figure_sweep, run_sweep
from noneq.sweep.cli import main as cli_main

HERE = Path(__file__).resolve().parent
SRC = HERE.parents[1] / "src"
PYTHON = sys.executable
TASK_SECONDS = "0.3"  # long enough to act mid-sweep, short enough for the time budget


@pytest.fixture(autouse=True)
def worker_env(monkeypatch):
    """Worker processes (local or started by hand) import the example tasks from this directory."""
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(SRC), str(HERE), os.environ.get("PYTHONPATH", "")]))
    monkeypatch.setenv("NONEQ_PROGRESS", "0")
    monkeypatch.delenv(ENV_SCHEDULER, raising=False)


@pytest.fixture(scope="module")
def serial(tmp_path_factory):
    """The example sweep computed in this process, in grid order, without Dask."""
    sweep = st.walkers_sweep("ci")
    return sweep, st.serial_dataset(sweep, tmp_path_factory.mktemp("serial"))


def _stored(store):
    return sorted(store.path.rglob("*.nc")) if store.path.exists() else []


def _wait_for(predicate, timeout, what):
    t0 = time.monotonic()
    while not predicate():
        if time.monotonic() - t0 > timeout:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


def test_a_killed_worker_loses_nothing(serial, tmp_path, monkeypatch):
    sweep, reference = serial
    pids = tmp_path / "pids"
    pids.mkdir()
    monkeypatch.setenv("NONEQ_TEST_TASK_SECONDS", TASK_SECONDS)
    monkeypatch.setenv("NONEQ_TEST_PID_DIR", str(pids))
    store = Store(tmp_path / "store")
    with concurrent.futures.ThreadPoolExecutor(1) as ex:
        running = ex.submit(run_sweep, sweep, store, n_workers=2, progress=False)
        _wait_for(lambda: len(_stored(store)) >= 2 or running.done(), 60, "two stored results")
        victim = next(int(p.name[4:]) for p in pids.iterdir() if psutil.pid_exists(int(p.name[4:])))
        assert victim != os.getpid()
        n_before = len(_stored(store))
        os.kill(victim, signal.SIGKILL)
        report = running.result(timeout=120)
    assert n_before < sweep.size, "the worker was killed after the sweep had finished"
    assert not psutil.pid_exists(victim) or psutil.Process(victim).status() == psutil.STATUS_ZOMBIE
    assert (report.done, report.failed, report.workers, report.complete) == (sweep.size, 0, 2, True)
    st.assert_identical(store.assemble(sweep), reference)


def test_an_interrupted_sweep_resumes_to_the_same_result(serial, tmp_path, monkeypatch):
    sweep, reference = serial
    store = Store(tmp_path / "store")
    env = dict(os.environ, NONEQ_TEST_TASK_SECONDS=TASK_SECONDS)
    cmd = [PYTHON, "-m", "noneq.sweep", st.FAMILY, "walkers", "--import", "sweep_tasks", "--scale", "ci",
           "--store", str(store.path), "--workers", "2", "--no-progress"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for(lambda: len(_stored(store)) >= 3 or proc.poll() is not None, 60, "three stored results")
        proc.send_signal(signal.SIGINT)  # Ctrl-C
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, err
    assert "run the same command again" in err
    partial = len(_stored(store))
    assert 3 <= partial < sweep.size
    assert all(e.status == "ok" for e in store.entries())  # nothing half-written
    monkeypatch.setenv("NONEQ_TEST_TASK_SECONDS", "0")
    report = run_sweep(sweep, store, n_workers=1, progress=False)  # resumed on one worker instead of two
    assert (report.skipped, report.done, report.complete) == (partial, sweep.size - partial, True)
    st.assert_identical(store.assemble(sweep), reference)


@pytest.fixture()
def scheduler_and_workers(tmp_path):
    """A ``dask scheduler`` and a ``dask worker`` (2 single-threaded processes) on 127.0.0.1, started by hand.

    Yields the scheduler's address and its process (a test may kill it).
    """
    dask = str(Path(PYTHON).with_name("dask"))
    file = tmp_path / "scheduler.json"
    env = dict(os.environ, NUMBA_NUM_THREADS="1", NONEQ_TEST_TASK_SECONDS=TASK_SECONDS)
    procs = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                               "--scheduler-file", str(file)], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)]
    try:
        _wait_for(lambda: file.exists() and file.stat().st_size > 0, 30, "the scheduler file")
        import json

        address = json.loads(file.read_text())["address"]
        procs.append(subprocess.Popen([dask, "worker", address, "--nworkers", "2", "--nthreads", "1", "--host",
                                       "127.0.0.1", "--no-dashboard"], env=env, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL, start_new_session=True))
        from distributed import Client

        with Client(address, timeout="10s") as client:
            client.wait_for_workers(2, timeout=60)
        yield address, procs[0]
    finally:
        for p in reversed(procs):
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
        for p in reversed(procs):
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()


def test_a_scheduler_given_by_address(serial, scheduler_and_workers, tmp_path, monkeypatch):
    sweep, reference = serial
    address, scheduler = scheduler_and_workers
    store = Store(tmp_path / "store")
    report = run_sweep(sweep, store, scheduler=address, progress=False)
    assert (report.done, report.workers, report.scheduler) == (sweep.size, 2, address)
    st.assert_identical(store.assemble(sweep), reference)
    assert {e.attrs["worker"].rsplit(":", 1)[0] for e in store.entries()} == {"tcp://127.0.0.1"}
    # the scheduler from the environment, --force, and a figure of the book
    monkeypatch.setenv(ENV_SCHEDULER, address)
    assert cli_main([st.FAMILY, "walkers", "--store", str(store.path), "--scale", "ci", "--force"]) == 0
    st.assert_identical(store.assemble(sweep), reference)
    fig7 = figure_sweep("mass_transport", "fig7", "ci")
    assert run_sweep(fig7, store, progress=False).done == fig7.size
    st.assert_identical(store.assemble(fig7), st.serial_dataset(fig7, tmp_path / "fig7"))
    # the scheduler killed mid-sweep: what arrived is stored, a rerun elsewhere completes the same result
    monkeypatch.delenv(ENV_SCHEDULER)
    other = Store(tmp_path / "other")
    with concurrent.futures.ThreadPoolExecutor(1) as ex:
        running = ex.submit(run_sweep, sweep, other, scheduler=address, progress=False)
        _wait_for(lambda: len(_stored(other)) >= 2 or running.done(), 60, "two stored results")
        os.killpg(scheduler.pid, signal.SIGKILL)
        with pytest.raises(SweepInterrupted, match=f"lost the connection to the Dask scheduler at {address}"):
            running.result(timeout=120)
    partial = len(_stored(other))
    assert 2 <= partial < sweep.size and all(e.status == "ok" for e in other.entries())
    monkeypatch.setenv("NONEQ_TEST_TASK_SECONDS", "0")
    report = run_sweep(sweep, other, n_workers=1, progress=False)
    assert (report.skipped, report.done) == (partial, sweep.size - partial)
    st.assert_identical(other.assemble(sweep), reference)


@pytest.fixture(scope="module")
def http_port():
    """A port where something other than a Dask scheduler answers (a plain HTTP server)."""
    import http.server
    import threading

    class Quiet(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope", "walkers"], "unknown family 'nope'"),
        ([st.FAMILY, "fig9"], "unknown figure 'fig9' of family 'sweep_demo'"),
        ([st.FAMILY, "walkers", "--scheduler", "tcp:/127.0.0.1:8786"], "scheduler must be a Dask scheduler address"),
        ([st.FAMILY, "walkers", "--scheduler", "tcp://127.0.0.1:99999"], "port 1-65535"),
        ([st.FAMILY, "walkers", "--scheduler", "tcp://127.0.0.1:9", "--force", "--timeout", "1"],
         "cannot reach the Dask scheduler at tcp://127.0.0.1:9"),
        ([st.FAMILY, "walkers", "--scheduler", "tcp://10.255.255.1:8786", "--force", "--timeout", "1"],
         "cannot reach the Dask scheduler at tcp://10.255.255.1:8786"),
        ([st.FAMILY, "walkers", "--scheduler", "tcp://127.0.0.1:{http}", "--force", "--timeout", "1"],
         "but not a Dask scheduler"),
    ],
)
def test_bad_input_gives_a_clear_error_and_touches_nothing(serial, tmp_path, capsys, args, message, http_port):
    sweep, reference = serial
    args = [a.format(http=http_port) for a in args]
    store = Store(tmp_path / "store")
    st.serial_dataset(sweep, store.path)
    before = st.snapshot(store.path)
    t0 = time.monotonic()
    assert cli_main([*args, "--store", str(store.path), "--scale", "ci"]) == 2
    assert time.monotonic() - t0 < 10
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err, err
    assert st.snapshot(store.path) == before


def test_a_corrupt_entry_stops_the_command_line(serial, tmp_path, capsys):
    sweep, _ = serial
    store = Store(tmp_path / "store")
    st.serial_dataset(sweep, store.path)
    victim = _stored(store)[5]
    victim.write_bytes(victim.read_bytes()[:-100])
    before = st.snapshot(store.path)
    assert cli_main([st.FAMILY, "walkers", "--store", str(store.path), "--scale", "ci"]) == 2
    err = capsys.readouterr().err
    assert "corrupt" in err and victim.name in err and "Delete the corrupt files" in err
    assert st.snapshot(store.path) == before
