"""Where a sweep runs: a local Dask cluster, or an existing scheduler given by address.

:func:`parse_address` checks a scheduler address (``tcp://host:port``, also from the
``NONEQ_SCHEDULER`` environment variable) before anything runs; a local cluster has
one single-threaded worker process per core (:func:`default_workers`), with numba
single-threaded in each worker.
"""

from __future__ import annotations

import logging
import os
import re
import socket

__all__ = ["ENV_SCHEDULER", "parse_address", "default_workers"]

#: Environment variable holding the address of a scheduler to use by default.
ENV_SCHEDULER = "NONEQ_SCHEDULER"
_HOST = r"(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?)"
_ADDRESS = re.compile(rf"(?:(?P<scheme>tcp|tls)://)?(?P<host>{_HOST}):(?P<port>[0-9]{{1,5}})")


# --------------------------------------------------------------------------- scheduler address


def parse_address(address, name: str = "scheduler") -> str:
    """Check a scheduler address and return it as ``scheme://host:port``.

    Parameters
    ----------
    address : str
        ``tcp://host:port`` or ``tls://host:port`` (``host:port`` means tcp);
        host a name, an IPv4 address or a bracketed IPv6 address; port in
        ``[1, 65535]``.
    name : str
        The parameter's name, for the error message.

    Returns
    -------
    str

    Raises
    ------
    ValueError
        If the address is malformed.
    """
    m = _ADDRESS.fullmatch(address.strip()) if isinstance(address, str) else None
    if m is None or not 1 <= int(m["port"]) <= 65535:
        raise ValueError(
            f"{name} must be a Dask scheduler address like tcp://host:port (port 1-65535), got {address!r}"
        )
    return f"{m['scheme'] or 'tcp'}://{m['host']}:{int(m['port'])}"


def _resolve_address(scheduler):
    if scheduler is not None:
        return parse_address(scheduler, "scheduler")
    env = os.environ.get(ENV_SCHEDULER, "").strip()
    return parse_address(env, ENV_SCHEDULER) if env else None


async def _identify(address: str, timeout: float) -> dict:
    """Ask whatever listens at ``address`` who it is, with Dask's own protocol."""
    import asyncio

    from distributed.comm import connect

    comm = await connect(address, timeout=timeout)
    try:
        await asyncio.wait_for(comm.write({"op": "identity", "reply": True}), timeout)
        return await asyncio.wait_for(comm.read(), timeout)
    finally:
        comm.abort()


def _check_scheduler(address: str, timeout: float):
    """Raise ValueError unless a Dask scheduler answers at ``address`` within about ``timeout`` seconds.

    Checked before a :class:`distributed.Client` is made, so that a wrong address
    fails at once with one message (a client retries, and leaves a half-made
    object behind when something other than a scheduler answers).
    """
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    m = _ADDRESS.fullmatch(address)
    host = m["host"].strip("[]")
    try:  # a refused or unroutable address fails here at once
        socket.create_connection((host, int(m["port"])), timeout=timeout).close()
    except OSError as exc:
        raise ValueError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    with ThreadPoolExecutor(1) as ex:  # a loop of its own, also when called from a running one (Jupyter)
        try:
            info = ex.submit(asyncio.run, asyncio.wait_for(_identify(address, timeout), 2 * timeout)).result()
        except Exception as exc:  # noqa: BLE001 - whatever answered did not speak Dask's protocol
            why = f"no answer within {2 * timeout:g} s" if isinstance(exc, TimeoutError) else (
                f"{type(exc).__name__}: {str(exc)[:200]}")
            raise ValueError(
                f"cannot reach the Dask scheduler at {address}: something answers there, but not a Dask "
                f"scheduler ({why})"
            ) from None
    if not isinstance(info, dict) or info.get("type") != "Scheduler":
        kind = info.get("type") if isinstance(info, dict) else type(info).__name__
        raise ValueError(f"cannot reach the Dask scheduler at {address}: a {kind} answers there, not a scheduler")


def _connect(address: str, timeout: float):
    """A client of the scheduler at ``address``, or ValueError within about ``timeout`` seconds."""
    from distributed import Client

    _check_scheduler(address, timeout)
    try:
        return Client(address, timeout=f"{timeout}s", set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise ValueError(f"cannot reach the Dask scheduler at {address}: {exc}") from None


def _local_cluster(n_workers: int):
    from distributed import Client, LocalCluster

    cluster = LocalCluster(
        n_workers=n_workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address="127.0.0.1:0",  # the HTTP endpoints on a free port: no clash between clusters
        host="127.0.0.1",
        silence_logs=logging.CRITICAL,  # worker chatter at shutdown; task errors reach the client
        env={"NUMBA_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"},
    )
    try:
        client = Client(cluster, set_as_default=False)
    except BaseException:
        cluster.close()
        raise
    return cluster, client


def default_workers() -> int:
    """One worker per core available to this process."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)
