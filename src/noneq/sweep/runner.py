"""Running a sweep as Dask tasks and storing each result as it finishes.

:func:`run_sweep` checks the store first (stored tasks are skipped, stale ones
reported, corrupt ones an error unless ``force``), then submits the rest to a Dask
cluster: a :class:`distributed.LocalCluster` with one single-threaded worker
process per core by default, or an existing scheduler given by address (the
``scheduler`` argument or the ``NONEQ_SCHEDULER`` environment variable,
``tcp://host:port``). The client writes each result into the store the moment
it arrives, so an interruption (Ctrl-C, a killed worker, a killed scheduler)
loses at most the tasks in flight; a rerun computes only what is missing, and
since every task's seed depends only on the sweep seed and its parameters, the
assembled result is the same bit for bit.

Workers run one task at a time with numba (and BLAS) single-threaded:
``NUMBA_NUM_THREADS=1`` is set for local workers, and every task runs under
``numba.set_num_threads(1)``. Workers started by hand should be started with
``--nthreads 1`` and ``NUMBA_NUM_THREADS=1``.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import os
import platform
import socket
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import numpy as np

from .. import __version__, validate
from ..progress import progress as progress_bar
from .cluster import ENV_SCHEDULER, _connect, _local_cluster, _resolve_address, default_workers, parse_address
from .core import IDENT_RE, RESERVED_NAMES, Sweep
from .store import CorruptEntryError, Store

__all__ = ["run_sweep", "SweepReport", "SweepInterrupted", "parse_address", "ENV_SCHEDULER"]

#: Libraries whose versions are stored with every result.
LIBRARIES = ("numpy", "numba", "scipy", "dask", "distributed", "xarray", "h5netcdf", "h5py")


class SweepInterrupted(RuntimeError):
    """The connection to the scheduler was lost mid-sweep; ``report`` says what was stored."""

    def __init__(self, message, report):
        super().__init__(message)
        self.report = report


@dataclasses.dataclass(frozen=True)
class SweepReport:
    """What one :func:`run_sweep` call did.

    Attributes
    ----------
    figure, scale : str
        The sweep.
    total : int
        Tasks in the grid.
    done : int
        Tasks computed and stored by this call.
    skipped : int
        Tasks already stored with the current settings, left as they were.
    stale : int
        Tasks found stored with other settings (recomputed, and then counted in
        ``done``, only with ``recompute_stale=True`` or ``force=True``).
    corrupt : int
        Tasks whose entry was unreadable or failed its checksum (an error
        unless ``force``; then recomputed).
    failed : int
        Tasks that raised, or whose worker died too often; see ``errors``.
    workers : int
        Workers of the cluster when the tasks were submitted (0 if nothing ran).
    wall_time : float
        Seconds for the whole call.
    scheduler : str
        The scheduler's address, or ``""`` if no cluster was needed.
    errors : dict
        Canonical parameters (JSON) of each failed task to its error.
    stale_params : tuple of str
        Canonical parameters (JSON) of the stale tasks.
    """

    figure: str
    scale: str
    total: int
    done: int = 0
    skipped: int = 0
    stale: int = 0
    corrupt: int = 0
    failed: int = 0
    workers: int = 0
    wall_time: float = 0.0
    scheduler: str = ""
    errors: dict = dataclasses.field(default_factory=dict)
    stale_params: tuple = ()

    @property
    def complete(self) -> bool:
        """Whether every task now has a current entry in the store."""
        return self.done + self.skipped == self.total

    def __str__(self) -> str:
        return (
            f"{self.figure} [{self.scale}]: {self.done} computed, {self.skipped} already stored, "
            f"{self.stale} stale, {self.corrupt} corrupt, {self.failed} failed of {self.total} tasks "
            f"in {self.wall_time:.1f} s on {self.workers} workers"
        )


# --------------------------------------------------------------------------- the worker side


@functools.lru_cache(maxsize=1)
def _static_provenance() -> dict:
    """What does not change between the tasks of one worker process."""
    info = {"noneq_version": __version__, "hostname": socket.gethostname(), "pid": os.getpid(),
            "python_version": platform.python_version()}
    for lib in LIBRARIES:
        try:
            info[f"version_{lib}"] = metadata.version(lib)
        except metadata.PackageNotFoundError:
            info[f"version_{lib}"] = "not installed"
    info["git_commit"], info["git_dirty"] = "unknown", "unknown"
    src = Path(__file__).resolve().parent
    try:
        head = subprocess.run(["git", "-C", str(src), "rev-parse", "HEAD"], capture_output=True, text=True,
                              timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(src), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=10, check=True).stdout.strip()
        info["git_commit"], info["git_dirty"] = head, "true" if dirty else "false"
    except (OSError, subprocess.SubprocessError):
        pass
    return info


def normalize_outputs(result, grid_dims=()) -> dict:
    """Check a task's return value; return ``{name: (dims, array)}`` with native-order contiguous arrays.

    Raises
    ------
    ValueError
        If the result is not a non-empty dict of valid names to numbers,
        numeric arrays or ``(dims, array)`` pairs, or dimensions clash.
    """
    if not isinstance(result, dict) or not result:
        raise ValueError(f"a task must return a non-empty dict of output name to array, got {type(result).__name__}")
    out, sizes = {}, {}
    for name, value in result.items():
        if not isinstance(name, str) or not IDENT_RE.fullmatch(name) or name in RESERVED_NAMES or name in grid_dims:
            raise ValueError(
                f"output names must be identifiers other than 'task_seed' and the grid names, got {name!r}"
            )
        if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], tuple | list):
            dims, arr = tuple(value[0]), np.asarray(value[1])
        else:
            arr = np.asarray(value)
            dims = tuple(f"{name}_dim_{i}" for i in range(arr.ndim))
        if arr.dtype.kind not in "biuf":
            raise ValueError(f"output {name!r} must be bool, integer or float, got dtype {arr.dtype}")
        if len(dims) != arr.ndim:
            raise ValueError(f"output {name!r} has {arr.ndim} dimensions but {len(dims)} names {dims}")
        for d, n in zip(dims, arr.shape):
            if not isinstance(d, str) or not IDENT_RE.fullmatch(d) or d in grid_dims or d in result:
                raise ValueError(
                    f"dimension names must be identifiers other than the grid and output names, got {d!r}"
                )
            if sizes.setdefault(d, n) != n:
                raise ValueError(f"dimension {d!r} has length {sizes[d]} in one output and {n} in {name!r}")
        out[name] = (dims, np.array(arr, dtype=arr.dtype.newbyteorder("="), order="C", copy=True))
    return out


def execute_task(task, params: dict, seed: int, settings, grid_dims) -> dict:
    """Run one task on a worker: single-threaded numba, timed, outputs checked.

    Returns ``{"outputs": {name: (dims, array)}, "provenance": {...}}``.
    """
    import numba

    numba.set_num_threads(1)
    info = dict(_static_provenance())
    try:
        from distributed import get_worker

        info["worker"] = get_worker().address
    except (ImportError, ValueError):
        info["worker"] = "none"
    info["started_utc"] = datetime.now(UTC).isoformat(timespec="seconds")
    wall0, cpu0 = time.perf_counter(), time.thread_time()
    kwargs = {"settings": settings} if settings is not None else {}
    result = task(dict(params), int(seed), **kwargs)
    info["cpu_time_s"] = time.thread_time() - cpu0
    info["wall_time_s"] = time.perf_counter() - wall0
    return {"outputs": normalize_outputs(result, tuple(grid_dims)), "provenance": info}


# --------------------------------------------------------------------------- the client side


def task_attrs(sweep: Sweep, seed: int, provenance: dict) -> dict:
    """The attributes stored with one task's result: its provenance, seeds and the sweep's settings."""
    attrs = dict(provenance)
    attrs.update(task_seed=int(seed), sweep_seed=str(sweep.seed), settings=sweep.settings_json,
                 settings_hash=sweep.settings_hash,
                 settings_class=f"{type(sweep.settings).__module__}.{type(sweep.settings).__qualname__}")
    return attrs


def run_sweep(
    sweep,
    store,
    scheduler=None,
    n_workers=None,
    force=False,
    progress=None,
    *,
    recompute_stale=False,
    connect_timeout=5.0,
) -> SweepReport:
    """Compute the sweep's missing tasks as Dask tasks, storing each result as it finishes.

    Parameters
    ----------
    sweep : Sweep
        What to compute.
    store : Store or str or os.PathLike
        Where results go (a path opens a :class:`Store`).
    scheduler : str, optional
        Address of a running Dask scheduler, ``tcp://host:port``. By default
        ``NONEQ_SCHEDULER`` if set, else a local cluster started for this call.
    n_workers : int, optional
        Worker processes of the local cluster, in ``[1, 1024]``; by default one
        per core. Only for the local cluster (an error with ``scheduler``).
    force : bool
        Recompute every task, stored or not (stored entries are replaced one by
        one as the new results arrive).
    progress : bool, optional
        Show a text progress bar; by default unless ``NONEQ_PROGRESS=0``.
    recompute_stale : bool
        Recompute tasks stored with other settings (otherwise they are only
        counted in ``stale`` and left as they are).
    connect_timeout : float
        Seconds, in ``(0, 300]``, to wait for the scheduler before failing.

    Returns
    -------
    SweepReport
        Counts of computed, skipped, stale, corrupt and failed tasks, workers and
        wall time. Task errors do not raise: they are counted in ``failed``.

    Raises
    ------
    ValueError
        If an argument is invalid, the address is malformed, or the scheduler
        cannot be reached (the message names the address). Nothing is stored or
        changed in that case.
    CorruptEntryError
        (a ``ValueError``) If a stored entry of the sweep is unreadable or fails
        its checksum, unless ``force``; raised before anything runs, so nothing
        is stored or changed.
    SweepInterrupted
        If the connection to the scheduler is lost mid-sweep (the results that
        arrived before are stored; rerun to compute the rest).
    KeyboardInterrupt
        On Ctrl-C, after cancelling the tasks and shutting the local cluster
        down; the results that arrived before are stored.

    Examples
    --------
    >>> from dataclasses import dataclass
    >>> from noneq.sweep import Store, Sweep, run_sweep
    >>> @dataclass(frozen=True)
    ... class Settings:
    ...     n_samples: int = 1000
    >>> sweep = Sweep("demo", mymodule.task, {"kappa": [0.5, 1.0], "replica": [0, 1]},
    ...               Settings(), seed=1)  # doctest: +SKIP
    >>> store = Store("sweeps")  # doctest: +SKIP
    >>> report = run_sweep(sweep, store, n_workers=2)  # doctest: +SKIP
    >>> report.done, report.skipped  # doctest: +SKIP
    (4, 0)
    >>> run_sweep(sweep, store).skipped  # a rerun computes nothing  # doctest: +SKIP
    4
    >>> store.assemble(sweep)  # an xarray.Dataset over (kappa, replica)  # doctest: +SKIP
    """
    t0 = time.perf_counter()
    if not isinstance(sweep, Sweep):
        raise ValueError(f"sweep must be a Sweep, got {sweep!r}")
    if not isinstance(store, Store):
        store = Store(store)
    for name, value in (("force", force), ("recompute_stale", recompute_stale)):
        if not isinstance(value, bool):
            raise ValueError(f"{name} must be a bool, got {value!r}")
    if progress is not None and not isinstance(progress, bool):
        raise ValueError(f"progress must be None or a bool, got {progress!r}")
    connect_timeout = validate.real("connect_timeout", connect_timeout, 0.0, 300.0, lo_open=True)
    address = _resolve_address(scheduler)
    if n_workers is not None:
        n_workers = validate.integer("n_workers", n_workers, 1, 1024)
        if address is not None:
            raise ValueError(f"n_workers applies to a local cluster only, but a scheduler is given ({address})")

    counts = dict(done=0, skipped=0, stale=0, corrupt=0, failed=0)
    todo, stale, corrupt = [], [], []
    for params in sweep.points():
        key = store.key(sweep, params)
        seed = sweep.seed_of(params)
        status, message = store.check(key, sweep.settings_hash, seed)
        if status == "stale":
            counts["stale"] += 1
            stale.append(key.params_json)
        elif status == "corrupt":
            counts["corrupt"] += 1
            corrupt.append(message)
        if status == "missing" or force or (status == "stale" and recompute_stale):
            todo.append((key, params, seed))
        elif status == "ok":
            counts["skipped"] += 1
    if corrupt and not force:
        listed = "; ".join(corrupt[:3]) + (f"; and {len(corrupt) - 3} more" if len(corrupt) > 3 else "")
        raise CorruptEntryError(
            f"{len(corrupt)} store entries of {sweep.name!r} ({sweep.scale}) are corrupt, nothing was run: {listed}. "
            f"Delete the corrupt files to recompute those tasks, or recompute everything with force=True (--force)"
        )

    def report(**extra):
        return SweepReport(sweep.name, sweep.scale, sweep.size, wall_time=time.perf_counter() - t0,
                           stale_params=tuple(stale), **counts, **extra)

    if not todo:
        return report()

    errors = {}
    cluster = None
    client = _connect(address, connect_timeout) if address else None
    if client is None:
        cluster, client = _local_cluster(n_workers or default_workers())
    futures = []
    bar = None
    try:
        from distributed import as_completed

        scheduler_address = client.scheduler.address
        n_seen = len(client.scheduler_info().get("workers", {}))
        run_id = uuid.uuid4().hex[:8]
        settings = sweep.settings if sweep.passes_settings else None
        by_future = {}
        for key, params, seed in todo:
            fut = client.submit(execute_task, sweep.task, params, seed, settings, sweep.dims,
                                key=f"{sweep.name}-{key.digest}-{run_id}", pure=False)
            futures.append(fut)
            by_future[fut.key] = (key, params, seed)
        bar = progress_bar(total=len(todo), desc=f"{sweep.name} [{sweep.scale}]", unit="task",
                           **({} if progress is None else {"disable": not progress}))
        lost = 0
        for fut in as_completed(futures, loop=client.loop):
            key, params, seed = by_future[fut.key]
            if fut.status == "finished":
                try:
                    result = fut.result()
                except Exception as exc:  # noqa: BLE001 - the task ran but its result could not be fetched
                    counts["failed"] += 1
                    errors[key.params_json] = f"{type(exc).__name__}: {exc}"
                else:
                    store.write(key, result["outputs"], task_attrs(sweep, seed, result["provenance"]))
                    counts["done"] += 1
            elif fut.status == "cancelled":
                lost += 1
            else:
                exc = fut.exception()
                counts["failed"] += 1
                errors[key.params_json] = f"{type(exc).__name__}: {exc}"
            fut.release()
            bar.update(1)
            if counts["failed"]:
                bar.set_postfix(failed=counts["failed"], refresh=False)
        if lost:
            rep = report(workers=n_seen, scheduler=scheduler_address, errors=errors)
            raise SweepInterrupted(
                f"lost the connection to the Dask scheduler at {scheduler_address}: {rep.done} results stored, "
                f"{lost} tasks not finished; rerun to compute the missing ones",
                rep,
            )
        return report(workers=n_seen, scheduler=scheduler_address, errors=errors)
    finally:
        if bar is not None:
            bar.close()
        _shutdown(client, cluster, futures)


def _shutdown(client, cluster, futures):
    """Cancel what is left and close the client (and the local cluster), quietly and quickly."""
    quiet = [logging.getLogger(n) for n in ("distributed", "distributed.client", "distributed.nanny")]
    levels = [lg.level for lg in quiet]
    for lg in quiet:
        lg.setLevel(logging.CRITICAL)
    try:
        pending = [f for f in futures if f.status == "pending"]
        if pending and client.status == "running":
            try:
                client.cancel(pending, force=True)
            except Exception:  # noqa: BLE001 - best effort on the way out
                pass
        try:
            client.close(timeout=10)
        except Exception:  # noqa: BLE001
            pass
        if cluster is not None:
            try:
                cluster.close(timeout=20)
            except Exception:  # noqa: BLE001
                pass
    finally:
        for lg, level in zip(quiet, levels):
            lg.setLevel(level)
        sys.stderr.flush()
