"""The results store: one netCDF4 file per finished task, with its provenance.

Layout
------
``<store>/<figure>/<scale>/<params>-<digest>.nc``, where ``<params>`` is a
readable form of the task parameters (``N=16,kappa=0.5,replica=0``, cut to 96
characters) and ``<digest>`` the first 16 hex digits of the SHA-256 of their
canonical JSON, so a key (figure, scale, parameters) names exactly one file.
Files whose names start with ``.`` are temporary and ignored.

Each file is an :class:`xarray.Dataset`: the task's outputs as variables (with
their own dimensions, no grid dimensions), and as global attributes the key
(``figure``, ``scale``, ``params`` as JSON), the seeds (``sweep_seed``,
``task_seed``), the settings (``settings`` as JSON, ``settings_hash``,
``settings_class``), the provenance (``noneq_version``, ``git_commit``,
``git_dirty``, ``hostname``, ``pid``, ``worker``, ``started_utc``,
``wall_time_s``, ``cpu_time_s``, ``python_version`` and ``version_<library>``
for numpy, numba, scipy, dask, distributed, xarray, h5netcdf, h5py) and
``content_sha256``, a checksum over the key, the seeds, the settings hash and
every variable's name, dimensions, dtype, shape and bytes. ``ncdump -h`` shows it all.

Why one netCDF4 file per task (written with h5netcdf)
-----------------------------------------------------
* *Many small independent writes from several processes.* Tasks finish one at
  a time, in any order, possibly from several sweeps at once. One file per
  task needs no lock and no coordination: no two tasks ever write the same
  file. A single shared netCDF or zarr array would need locking or a region
  layout fixed in advance, and a zarr group per task is a directory of many
  small files.
* *Atomicity.* A file is written under a temporary name in the same directory,
  flushed to disk and renamed with :func:`os.replace`, which is atomic on POSIX:
  readers see the old entry or the new one, never half a file, and an
  interruption leaves at most a stray temporary file. A zarr store is a
  directory, which cannot replace an existing one atomically.
* *No extra server.* Plain files on a local or shared file system; no
  database, no object store.
* *Readability.* netCDF is the standard labelled-array format of the field:
  xarray, ``ncdump``, netCDF4-python, h5py, Julia or MATLAB read the files,
  attributes included, without this package.
* *Fidelity.* netCDF4 (HDF5) keeps every numpy dtype the tasks return (int64
  counts, unsigned integers, booleans) bit for bit. The netCDF3 writer of
  scipy, which would need no new dependency, has no 64-bit or unsigned
  integers, so large counts would not round-trip.
* *Commit size.* A task's file is a few kilobytes (HDF5 headers plus raw
  data); a store of a few hundred tasks is a few megabytes and can be
  committed or shipped as a directory, and a changed task changes one file.

A truncated or altered file is detected when it is read (HDF5 refuses to open
it, or the checksum differs), reported, and never used: :meth:`Store.load`
raises :class:`CorruptEntryError` and :func:`~noneq.sweep.run_sweep` recomputes
the task.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import uuid
from pathlib import Path

import numpy as np

from .core import Sweep, check_name, params_json

__all__ = ["Store", "EntryKey", "Entry", "CorruptEntryError", "FORMAT_VERSION"]

#: Version of the entry layout (attribute ``noneq_sweep_format``).
FORMAT_VERSION = 1
ENGINE = "h5netcdf"
SUFFIX = ".nc"
_UNSAFE = re.compile(r"[^A-Za-z0-9_.=+,-]")


class CorruptEntryError(ValueError):
    """A stored entry that cannot be read, or whose content does not match its checksum or key."""


@dataclasses.dataclass(frozen=True)
class EntryKey:
    """The key of one stored task: figure, scale and canonical parameters.

    Build it with :meth:`of` (or :meth:`Store.key`).
    """

    figure: str
    scale: str
    params_json: str

    @classmethod
    def of(cls, figure, scale, params) -> EntryKey:
        """The key of the task with parameters ``params`` of ``figure`` at ``scale``."""
        from ..scale import scale as check_scale

        return cls(check_name(figure, "figure"), check_scale(scale), params_json(params))

    @property
    def params(self) -> dict:
        """The task parameters (sorted by name)."""
        return json.loads(self.params_json)

    @property
    def digest(self) -> str:
        """The first 16 hex digits of the SHA-256 of the canonical parameters."""
        return hashlib.sha256(self.params_json.encode("ascii")).hexdigest()[:16]

    @property
    def stem(self) -> str:
        """The file name without suffix: readable parameters, then the digest."""
        readable = ",".join(f"{k}={v}" for k, v in self.params.items())
        readable = _UNSAFE.sub("~", readable)[:96]
        return f"{readable}-{self.digest}"

    @property
    def relpath(self) -> str:
        """The entry's path inside the store."""
        return f"{self.figure}/{self.scale}/{self.stem}{SUFFIX}"

    def __str__(self) -> str:
        return f"{self.figure}/{self.scale} {self.params_json}"


@dataclasses.dataclass(frozen=True)
class Entry:
    """What :meth:`Store.entries` reports about one stored file.

    ``status`` is ``"ok"`` or ``"corrupt"`` (then ``error`` says why and
    ``key`` may be ``None``); ``attrs`` holds the provenance attributes.
    """

    path: Path
    key: EntryKey | None
    status: str
    attrs: dict
    error: str | None = None

    @property
    def settings_hash(self) -> str | None:
        return self.attrs.get("settings_hash")


def checksum(key: EntryKey, task_seed: int, settings_hash: str, outputs: dict) -> str:
    """SHA-256 over the key, the seed, the settings hash and every output's name, dims, dtype, shape and bytes."""
    h = hashlib.sha256()
    head = {"figure": key.figure, "scale": key.scale, "params": key.params_json, "task_seed": int(task_seed),
            "settings_hash": settings_hash}
    h.update(json.dumps(head, sort_keys=True).encode("ascii"))
    for name in sorted(outputs):
        dims, arr = outputs[name]
        arr = np.asarray(arr)
        arr = arr if arr.flags.c_contiguous else np.array(arr, order="C")
        h.update(json.dumps([name, list(dims), arr.dtype.str, list(arr.shape)]).encode("ascii"))
        h.update(arr.tobytes())
    return h.hexdigest()


def _plain(value):
    """An attribute value as a Python scalar or string."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return value


def _fsync_dir(path: Path):
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class Store:
    """A directory of task results, keyed by figure, scale and parameters.

    Parameters
    ----------
    path : str or os.PathLike
        The store's directory; created when the first entry is written. It
        must not be an existing file.

    Raises
    ------
    ValueError
        If ``path`` is not a path, or names an existing file that is not a directory.
    """

    def __init__(self, path):
        if not isinstance(path, str | os.PathLike) or not str(path):
            raise ValueError(f"path must be a non-empty path to a directory, got {path!r}")
        self.path = Path(path).expanduser().absolute()
        if self.path.exists() and not self.path.is_dir():
            raise ValueError(f"path must be a directory, got the file {str(self.path)!r}")

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    # ------------------------------------------------------------------ keys and paths

    @staticmethod
    def key(sweep_or_figure, params, scale=None) -> EntryKey:
        """The key of one task: ``key(sweep, params)`` or ``key("figure", params, scale)``."""
        if isinstance(sweep_or_figure, Sweep):
            return EntryKey.of(sweep_or_figure.name, sweep_or_figure.scale, params)
        return EntryKey.of(sweep_or_figure, scale, params)

    def path_of(self, key: EntryKey) -> Path:
        """The file of an entry (which may not exist)."""
        if not isinstance(key, EntryKey):
            raise ValueError(f"key must be an EntryKey, got {key!r}")
        return self.path / key.relpath

    def has(self, key: EntryKey) -> bool:
        """Whether an entry is stored for ``key`` (without checking its content)."""
        return self.path_of(key).is_file()

    # ------------------------------------------------------------------ reading

    def _open(self, path: Path):
        import xarray as xr

        try:
            with xr.open_dataset(path, engine=ENGINE, mask_and_scale=False, decode_times=False,
                                 decode_timedelta=False, decode_coords=False, cache=False) as ds:
                return ds.load()
        except Exception as exc:  # HDF5 raises OSError, xarray ValueError/KeyError, ...
            raise CorruptEntryError(f"corrupt store entry {str(path)!r}: cannot be read ({exc})") from None

    def _verify(self, path: Path, ds, key: EntryKey | None):
        """Check format, key and checksum of an opened entry; return its key."""
        attrs = {k: _plain(v) for k, v in ds.attrs.items()}
        try:
            if attrs.get("noneq_sweep_format") != FORMAT_VERSION:
                raise ValueError(f"format {attrs.get('noneq_sweep_format')!r}, expected {FORMAT_VERSION}")
            found = EntryKey(str(attrs["figure"]), str(attrs["scale"]), str(attrs["params"]))
            if found.params_json != params_json(json.loads(found.params_json)):
                raise ValueError("parameters are not in canonical form")
            if key is not None and found != key:
                raise ValueError(f"it holds {found}, not {key}")
            if self.path / found.relpath != path:
                raise ValueError(f"it holds {found}, which belongs in {found.relpath}")
            outputs = {name: (var.dims, var.values) for name, var in ds.variables.items()}
            expected = checksum(found, int(attrs["task_seed"]), str(attrs["settings_hash"]), outputs)
            if expected != attrs.get("content_sha256"):
                raise ValueError("content does not match its checksum")
        except (ValueError, KeyError, TypeError) as exc:
            raise CorruptEntryError(f"corrupt store entry {str(path)!r}: {exc}") from None
        return found, attrs

    def load(self, key: EntryKey):
        """The stored result of one task, checked against its key and checksum.

        Parameters
        ----------
        key : EntryKey
            See :meth:`key`.

        Returns
        -------
        xarray.Dataset
            The task's outputs, with the provenance in ``attrs``.

        Raises
        ------
        ValueError
            If nothing is stored for ``key``.
        CorruptEntryError
            (a ``ValueError``) if the file cannot be read, belongs to another
            key, or does not match its checksum.
        """
        path = self.path_of(key)
        if not path.is_file():
            raise ValueError(f"no store entry for {key} (expected {str(path)!r})")
        ds = self._open(path)
        self._verify(path, ds, key)
        return ds

    def check(self, key: EntryKey, settings_hash: str, task_seed: int | None = None) -> tuple[str, str | None]:
        """Status of one entry: ``("missing" | "ok" | "stale" | "corrupt", message or None)``.

        An entry is stale when it was stored with other settings (another
        ``settings_hash``) or, if ``task_seed`` is given, with another seed.
        """
        path = self.path_of(key)
        if not path.is_file():
            return "missing", None
        try:
            ds = self._open(path)
            _, attrs = self._verify(path, ds, key)
        except CorruptEntryError as exc:
            return "corrupt", str(exc)
        if attrs["settings_hash"] != settings_hash:
            return "stale", f"stored with settings {attrs.get('settings')}"
        if task_seed is not None and int(attrs["task_seed"]) != int(task_seed):
            return "stale", f"stored with sweep seed {attrs.get('sweep_seed')}"
        return "ok", None

    def entries(self, figure=None, scale=None) -> list[Entry]:
        """Every stored entry (optionally of one figure and/or scale), checked.

        Parameters
        ----------
        figure : str, optional
            Only this figure's entries.
        scale : str, optional
            Only entries of this scale (``"ci"``, ``"book"`` or ``"paper"``).

        Returns
        -------
        list of Entry
            Sorted by path; corrupt files are listed with ``status="corrupt"``.

        Raises
        ------
        ValueError
            If ``figure`` or ``scale`` is invalid.
        """
        from ..scale import scale as check_scale

        figures = [check_name(figure, "figure")] if figure is not None else None
        scales = [check_scale(scale)] if scale is not None else None
        if not self.path.is_dir():
            return []
        out = []
        for fig_dir in sorted(p for p in self.path.iterdir() if p.is_dir() and not p.name.startswith(".")):
            if figures is not None and fig_dir.name not in figures:
                continue
            for sc_dir in sorted(p for p in fig_dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
                if scales is not None and sc_dir.name not in scales:
                    continue
                for path in sorted(sc_dir.glob(f"*{SUFFIX}")):
                    if path.name.startswith("."):
                        continue
                    try:
                        key, attrs = self._verify(path, self._open(path), None)
                        attrs.pop("settings", None)
                        out.append(Entry(path, key, "ok", attrs))
                    except CorruptEntryError as exc:
                        out.append(Entry(path, None, "corrupt", {}, str(exc)))
        return out

    def stale(self, sweep: Sweep) -> list[EntryKey]:
        """Keys of the sweep's tasks stored with settings (or a seed) other than the sweep's."""
        return [k for k, status in self._statuses(sweep) if status == "stale"]

    def missing(self, sweep: Sweep) -> list[EntryKey]:
        """Keys of the sweep's tasks with no usable entry (absent or corrupt)."""
        return [k for k, status in self._statuses(sweep) if status in ("missing", "corrupt")]

    def _statuses(self, sweep: Sweep):
        if not isinstance(sweep, Sweep):
            raise ValueError(f"sweep must be a Sweep, got {sweep!r}")
        out = []
        for p in sweep.points():
            key = self.key(sweep, p)
            out.append((key, self.check(key, sweep.settings_hash, sweep.seed_of(p))[0]))
        return out

    def assemble(self, sweep: Sweep, *, allow_stale: bool = False):
        """The sweep's results, concatenated over its grid.

        Parameters
        ----------
        sweep : Sweep
            The sweep whose tasks are all stored.
        allow_stale : bool
            Accept entries stored with other settings (by default they are an error).

        Returns
        -------
        xarray.Dataset
            One variable per task output with dimensions ``(*sweep.dims,
            *output dims)``, coordinates the grid values, ``task_seed``
            (uint32, over the grid), and ``attrs`` naming the figure, scale,
            sweep seed and settings. Built from the stored files only, so it is
            the same however and wherever the tasks ran.

        Raises
        ------
        ValueError
            If a task is missing, corrupt (:class:`CorruptEntryError`) or
            stale (unless ``allow_stale``), or tasks disagree on an output's
            dimensions, shape or dtype.
        """
        import xarray as xr

        if not isinstance(sweep, Sweep):
            raise ValueError(f"sweep must be a Sweep, got {sweep!r}")
        if not isinstance(allow_stale, bool):
            raise ValueError(f"allow_stale must be a bool, got {allow_stale!r}")
        points = sweep.points()
        keys = [self.key(sweep, p) for p in points]
        absent = [k for k in keys if not self.has(k)]
        if absent:
            raise ValueError(
                f"{len(absent)} of {len(keys)} tasks of {sweep.name!r} ({sweep.scale}) are not stored, "
                f"e.g. {absent[0].params_json}; run the sweep first"
            )
        layout = None
        data = {}
        seeds = np.empty(sweep.size, dtype=np.uint32)
        for i, key in enumerate(keys):
            ds = self.load(key)
            seed = int(ds.attrs["task_seed"])
            fresh = ds.attrs["settings_hash"] == sweep.settings_hash and seed == sweep.seed_of(points[i])
            if not fresh and not allow_stale:
                raise ValueError(
                    f"stale store entry {key}: stored with other settings or another seed; rerun the sweep "
                    f"with recompute_stale=True or pass allow_stale=True"
                )
            seeds[i] = seed
            here = {name: (var.dims, var.dtype, var.shape) for name, var in ds.variables.items()}
            if layout is None:
                layout = here
                for name, (dims, dtype, shape) in layout.items():
                    if name in sweep.dims or set(dims) & set(sweep.dims):
                        raise ValueError(f"output {name!r} of {key} clashes with a grid parameter name")
                    data[name] = np.empty((sweep.size, *shape), dtype=dtype)
            elif here != layout:
                raise ValueError(
                    f"store entry {key} has outputs {here}, but the first task of the sweep has {layout}"
                )
            for name in layout:
                data[name][i] = ds.variables[name].values
        variables = {
            name: ((*sweep.dims, *dims), data[name].reshape(sweep.shape + shape))
            for name, (dims, _, shape) in layout.items()
        }
        variables["task_seed"] = (sweep.dims, seeds.reshape(sweep.shape))
        coords = {k: np.asarray(v) for k, v in sweep.grid.items()}
        attrs = {
            "figure": sweep.name,
            "scale": sweep.scale,
            "sweep_seed": str(sweep.seed),
            "settings": sweep.settings_json,
            "settings_hash": sweep.settings_hash,
            "settings_class": f"{type(sweep.settings).__module__}.{type(sweep.settings).__qualname__}",
        }
        return xr.Dataset(variables, coords=coords, attrs=attrs)

    # ------------------------------------------------------------------ writing

    def write(self, key: EntryKey, outputs: dict, attrs: dict) -> Path:
        """Store one task's result atomically (temporary file, fsync, :func:`os.replace`).

        Parameters
        ----------
        key : EntryKey
            The task's key.
        outputs : dict
            Output name to ``(dims, array)``, as returned by the worker.
        attrs : dict
            Provenance attributes; must include ``task_seed`` and
            ``settings_hash``. Values are strings or numbers.

        Returns
        -------
        pathlib.Path
            The entry's file.

        Raises
        ------
        ValueError
            If ``attrs`` lacks ``task_seed`` or ``settings_hash``.
        """
        import xarray as xr

        path = self.path_of(key)
        if "task_seed" not in attrs or "settings_hash" not in attrs:
            raise ValueError("attrs must include task_seed and settings_hash")
        attrs = dict(attrs)
        attrs.update(
            noneq_sweep_format=FORMAT_VERSION,
            figure=key.figure,
            scale=key.scale,
            params=key.params_json,
            content_sha256=checksum(key, int(attrs["task_seed"]), str(attrs["settings_hash"]), outputs),
        )
        ds = xr.Dataset({name: (dims, arr) for name, (dims, arr) in outputs.items()}, attrs=attrs)
        encoding = {name: {"_FillValue": None} for name in outputs}
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.stem[-24:]}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
        try:
            ds.to_netcdf(tmp, engine=ENGINE, encoding=encoding)
            with open(tmp, "rb") as fh:
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        finally:
            if tmp.exists():
                tmp.unlink()
        _fsync_dir(path.parent)
        return path
