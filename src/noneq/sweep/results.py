"""The committed summary store: one small netCDF file per figure and scale, for the website.

The full store (``sweeps/``, one file per task, not committed) can hold hundreds of
tasks; the book's pages only need each figure's assembled data. :func:`summarise`
assembles a sweep from the full store (:meth:`Store.assemble`) and writes it as one
file, ``<results>/<family>.<figure>/<scale>.nc``, into a directory that is committed
with the sources (``results/`` at the top of the repository, ``NONEQ_RESULTS`` to
use another). Its global attributes keep what the task files record, summarised
over the tasks: the settings (JSON and hash), the sweep seed, the git commit(s) and
whether the tree was dirty, the package and library versions, the first start and
the last end of a task (UTC), the summed wall and CPU time of the tasks, the elapsed
time from the first start to the last end, the number of distinct workers and
hosts, and a checksum over every variable.

Why one assembled file per figure rather than the task files: the data of a figure
is small (Fig. 3 at the paper scale is three curves of 300 blocks), while every task
file repeats about 3 kB of HDF5 header and provenance, and the website needs the
grid assembled anyway. One file per figure is what a page loads, and a rerun
changes one file.

:func:`paper_result` is what a notebook calls: it returns a :class:`PaperResult`
whose ``status`` is ``"ok"`` (then ``data`` is the dataset and ``provenance`` a
line for the text), ``"missing"``, ``"stale"`` (stored with other settings or
another seed than the current code's) or ``"corrupt"``, and in every case the
command that (re)makes the file (``command``). It never raises for a missing or
stale file, so the book builds without the committed results.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from .core import Sweep, figure_sweep
from .store import ENGINE, SUFFIX, Store

__all__ = ["ENV_RESULTS", "PaperResult", "default_results_dir", "paper_result", "result_path", "summarise",
           "summary_checksum", "SUMMARY_FORMAT"]

#: Environment variable naming the summary store (default: ``results/`` of the repository).
ENV_RESULTS = "NONEQ_RESULTS"
#: Version of the summary layout (attribute ``noneq_summary_format``).
SUMMARY_FORMAT = 1
#: Libraries whose versions are copied from the task files.
_LIBS = ("numpy", "numba", "scipy", "dask", "distributed", "xarray", "h5netcdf", "h5py")


def default_results_dir() -> Path:
    """``$NONEQ_RESULTS``, else ``results/`` at the top of the source tree (next to ``src/``)."""
    env = os.environ.get(ENV_RESULTS)
    if env:
        return Path(env).expanduser().absolute()
    return Path(__file__).resolve().parents[3] / "results"


def result_path(family, figure, scale="paper", results=None) -> Path:
    """The summary file of one figure: ``<results>/<family>.<figure>/<scale>.nc``.

    Parameters
    ----------
    family, figure : str
        A registered figure (see ``python -m noneq.sweep --list``).
    scale : {"ci", "book", "paper"}
        The scale of the sweep.
    results : str or os.PathLike, optional
        The summary store (default :func:`default_results_dir`).

    Raises
    ------
    ValueError
        If the figure is not registered or ``scale`` is unknown.
    """
    sweep = figure_sweep(family, figure, scale)
    root = Path(results).expanduser().absolute() if results is not None else default_results_dir()
    return root / sweep.name / f"{sweep.scale}{SUFFIX}"


def summary_checksum(ds) -> str:
    """SHA-256 over the settings hash, the sweep seed and every variable's name, dims, dtype, shape and bytes."""
    h = hashlib.sha256()
    head = {"figure": str(ds.attrs.get("figure")), "scale": str(ds.attrs.get("scale")),
            "settings_hash": str(ds.attrs.get("settings_hash")), "sweep_seed": str(ds.attrs.get("sweep_seed"))}
    h.update(json.dumps(head, sort_keys=True).encode("ascii"))
    for name in sorted(ds.variables):
        var = ds.variables[name]
        arr = np.asarray(var.values)
        if arr.dtype.kind in "OSU":  # labels: read back as objects, so hash their text
            h.update(json.dumps([name, list(var.dims), "text", list(arr.shape)]).encode("ascii"))
            h.update(json.dumps([str(v) for v in arr.ravel()]).encode("utf-8"))
            continue
        arr = np.ascontiguousarray(arr)
        h.update(json.dumps([name, list(var.dims), arr.dtype.str, list(arr.shape)]).encode("ascii"))
        h.update(arr.tobytes())
    return h.hexdigest()


def _command(sweep: Sweep, family: str, figure: str) -> str:
    return f"python -m noneq.sweep {family} {figure} --scale {sweep.scale} --summarise results"


def _joined(values) -> str:
    return ",".join(sorted({str(v) for v in values}))


def _provenance(store: Store, sweep: Sweep) -> dict:
    """Provenance of the sweep's task files, summarised."""
    attrs = [store.load(store.key(sweep, p)).attrs for p in sweep.points()]
    starts = [datetime.fromisoformat(str(a["started_utc"])) for a in attrs]
    ends = [s + timedelta(seconds=float(a["wall_time_s"])) for s, a in zip(starts, attrs)]
    out = {
        "n_tasks": len(attrs),
        "git_commit": _joined(a.get("git_commit", "unknown") for a in attrs),
        "git_dirty": _joined(a.get("git_dirty", "unknown") for a in attrs),
        "noneq_version": _joined(a.get("noneq_version", "unknown") for a in attrs),
        "python_version": _joined(a.get("python_version", "unknown") for a in attrs),
        "first_start_utc": min(starts).isoformat(timespec="seconds"),
        "last_end_utc": max(ends).isoformat(timespec="seconds"),
        "elapsed_s": (max(ends) - min(starts)).total_seconds(),
        "wall_time_s": sum(float(a["wall_time_s"]) for a in attrs),
        "cpu_time_s": sum(float(a["cpu_time_s"]) for a in attrs),
        "workers": len({(a.get("hostname"), a.get("worker"), a.get("pid")) for a in attrs}),
        "hosts": len({a.get("hostname") for a in attrs}),
    }
    for lib in _LIBS:
        out[f"version_{lib}"] = _joined(a.get(f"version_{lib}", "unknown") for a in attrs)
    return out


def summarise(family, figure, scale="paper", store="sweeps", results=None) -> Path:
    """Write one figure's assembled sweep from the full store into the summary store.

    Parameters
    ----------
    family, figure : str
        A registered figure.
    scale : {"ci", "book", "paper"}
        The scale of the sweep.
    store : str, os.PathLike or Store
        The full store holding every task of the sweep with the current settings.
    results : str or os.PathLike, optional
        The summary store (default :func:`default_results_dir`).

    Returns
    -------
    pathlib.Path
        The file written, ``<results>/<family>.<figure>/<scale>.nc`` (atomically:
        temporary file, then :func:`os.replace`).

    Raises
    ------
    ValueError
        If the figure is unknown, or a task of the sweep is missing, corrupt or
        stale in ``store``.
    """
    sweep = figure_sweep(family, figure, scale)
    store = store if isinstance(store, Store) else Store(store)
    ds = store.assemble(sweep)
    ds.attrs.update(_provenance(store, sweep))
    ds.attrs.update(noneq_summary_format=SUMMARY_FORMAT, family=str(family), figure_name=str(figure),
                    summarised_utc=datetime.now(UTC).isoformat(timespec="seconds"))
    ds.attrs["content_sha256"] = summary_checksum(ds)
    path = result_path(family, figure, scale, results)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    encoding = {name: {"_FillValue": None} for name in ds.variables}
    try:
        ds.to_netcdf(tmp, engine=ENGINE, encoding=encoding)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


@dataclasses.dataclass(frozen=True)
class PaperResult:
    """What :func:`paper_result` found.

    Attributes
    ----------
    status : str
        ``"ok"``, ``"missing"``, ``"stale"`` or ``"corrupt"``.
    data : xarray.Dataset or None
        The figure's data over its grid (only when ``status == "ok"``).
    provenance : str
        One line for the text: when, where and how long it ran, or why there is no data.
    command : str
        The command that writes (or rewrites) the file.
    path : pathlib.Path
        The summary file.
    """

    status: str
    data: object
    provenance: str
    command: str
    path: Path

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def note(self) -> str:
        """A sentence for the page (plain text) when there is no usable data, else the empty string."""
        if self.ok:
            return ""
        what = {"missing": "is not in this copy of the book",
                "stale": "was computed with other settings than the current code's",
                "corrupt": "cannot be read"}[self.status]
        return f"The paper-scale result {what}; make it with: {self.command} (or: make results)."


def _describe(attrs) -> str:
    date = str(attrs.get("last_end_utc", ""))[:10]
    commit = str(attrs.get("git_commit", "unknown"))
    commit = ",".join(c[:10] for c in commit.split(","))
    dirty = " (uncommitted changes)" if "true" in str(attrs.get("git_dirty", "")) else ""
    workers = int(attrs.get("workers", 0))
    return (f"computed on {date} at commit {commit}{dirty}: {int(attrs.get('n_tasks', 0))} tasks on "
            f"{workers} worker{'s' if workers != 1 else ''}, {float(attrs.get('elapsed_s', 0)):.0f} s elapsed, "
            f"{float(attrs.get('cpu_time_s', 0)):.0f} s of CPU time; settings "
            f"{str(attrs.get('settings_hash', ''))[:12]}")


def paper_result(family, figure, scale="paper", results=None) -> PaperResult:
    """The committed summary of one figure, checked against the current settings.

    Parameters
    ----------
    family, figure : str
        A registered figure, e.g. ``("mass_transport", "fig3")``.
    scale : {"ci", "book", "paper"}
        The scale (default ``"paper"``).
    results : str or os.PathLike, optional
        The summary store (default :func:`default_results_dir`).

    Returns
    -------
    PaperResult
        ``status == "ok"`` with the dataset and a provenance line, or
        ``"missing"``, ``"stale"`` or ``"corrupt"`` with ``data=None``; ``command``
        names what makes the file. Never raises for a missing or stale file.

    Raises
    ------
    ValueError
        If the figure is not registered or ``scale`` is unknown.
    """
    import xarray as xr

    sweep = figure_sweep(family, figure, scale)
    path = result_path(family, figure, scale, results)
    command = _command(sweep, family, figure)
    if not path.is_file():
        return PaperResult("missing", None, f"no stored result ({path.name} of {sweep.name})", command, path)
    try:
        with xr.open_dataset(path, engine=ENGINE, mask_and_scale=False, decode_times=False,
                             decode_timedelta=False, decode_coords=False, cache=False) as f:
            ds = f.load()
        if ds.attrs.get("noneq_summary_format") != SUMMARY_FORMAT:
            raise ValueError(f"format {ds.attrs.get('noneq_summary_format')!r}, expected {SUMMARY_FORMAT}")
        if ds.attrs.get("figure") != sweep.name or ds.attrs.get("scale") != sweep.scale:
            raise ValueError(f"it holds {ds.attrs.get('figure')}/{ds.attrs.get('scale')}")
        if summary_checksum(ds) != ds.attrs.get("content_sha256"):
            raise ValueError("content does not match its checksum")
    except Exception as exc:  # noqa: BLE001 - HDF5, xarray and the checks above all mean: unusable
        return PaperResult("corrupt", None, f"unreadable result {path} ({exc})", command, path)
    if ds.attrs.get("settings_hash") != sweep.settings_hash or str(ds.attrs.get("sweep_seed")) != str(sweep.seed):
        return PaperResult("stale", None, f"stale result {path.name} of {sweep.name} "
                           f"(settings {str(ds.attrs.get('settings_hash'))[:12]}, now {sweep.settings_hash[:12]})",
                           command, path)
    return PaperResult("ok", ds, _describe(ds.attrs), command, path)
