"""The results store: provenance, atomic writes, stale and corrupt entries (no cluster)."""

from __future__ import annotations

import dataclasses
import json
import os

import pytest
import sweep_tasks as st

from noneq import __version__
from noneq.sweep import CorruptEntryError, Store, run_sweep, settings_json

SMALL = {"kappa": [0.5, 2.0], "N": [8], "replica": [0, 1]}


@pytest.fixture()
def stored(tmp_path):
    sweep = st.walkers_sweep("ci", grid=SMALL)
    data = st.serial_dataset(sweep, tmp_path / "store")
    return sweep, Store(tmp_path / "store"), data


def test_entries_carry_their_provenance(stored):
    sweep, store, data = stored
    p = sweep.points()[1]
    ds = store.load(store.key(sweep, p))
    a = ds.attrs
    assert json.loads(a["params"]) == p and a["figure"] == "sweep_demo.walkers" and a["scale"] == "ci"
    assert a["noneq_version"] == __version__
    assert len(a["git_commit"]) == 40 or a["git_commit"] == "unknown"
    assert a["settings"] == settings_json(sweep.settings) and a["settings_class"] == "sweep_tasks.WalkSettings"
    assert int(a["task_seed"]) == sweep.seed_of(p) and a["sweep_seed"] == str(sweep.seed)
    assert a["wall_time_s"] > 0 and a["cpu_time_s"] > 0
    for lib in ("numpy", "numba", "dask", "distributed", "xarray", "h5netcdf"):
        assert a[f"version_{lib}"][0].isdigit()
    assert data["msd"].dims == ("kappa", "N", "replica", "time") and data["counts"].dtype == "int64"
    assert store.path_of(store.key(sweep, p)).name.startswith("N=8,kappa=0.5,replica=1-")


def test_an_interrupted_write_leaves_no_entry_and_the_old_one_intact(stored, monkeypatch):
    sweep, store, _ = stored
    key = store.key(sweep, sweep.points()[0])
    new_key = store.key(sweep, {"kappa": 9.0, "N": 8, "replica": 0})
    outputs = {"x": (("i",), st.np.arange(3.0))}
    attrs = {"task_seed": 1, "settings_hash": sweep.settings_hash}
    before = st.snapshot(store.path)

    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr("noneq.sweep.store.os.replace", interrupted)
    for k in (key, new_key):
        with pytest.raises(KeyboardInterrupt):
            store.write(k, outputs, attrs)
    assert st.snapshot(store.path) == before  # no temporary file left, the old entry untouched
    store.load(key)


def test_stray_temporary_files_are_ignored(stored):
    sweep, store, data = stored
    stray = store.path_of(store.key(sweep, sweep.points()[0])).parent / ".half-written.123.abcd.tmp"
    stray.write_bytes(b"\x89HDF\r\n")
    assert all(e.status == "ok" for e in store.entries()) and len(store.entries()) == 4
    st.assert_identical(store.assemble(sweep), data)


def test_stale_entries_are_reported_and_left_alone(stored):
    sweep, store, _ = stored
    changed = st.walkers_sweep("ci", grid=SMALL, settings=dataclasses.replace(sweep.settings, n_bins=10))
    before = st.snapshot(store.path)
    report = run_sweep(changed, store, progress=False)  # nothing to compute: no cluster is started
    assert (report.stale, report.done, report.skipped, report.complete) == (4, 0, 0, False)
    assert len(report.stale_params) == 4 and len(store.stale(changed)) == 4
    assert st.snapshot(store.path) == before
    with pytest.raises(ValueError, match="stale store entry"):
        store.assemble(changed)
    other_seed = st.walkers_sweep("ci", grid=SMALL, seed=1)
    assert len(store.stale(other_seed)) == 4


@pytest.mark.parametrize("damage", ["truncate", "flip"])
def test_corrupt_entries_give_a_clear_error_and_nothing_is_touched(stored, damage):
    sweep, store, _ = stored
    key = store.key(sweep, sweep.points()[2])
    path = store.path_of(key)
    raw = bytearray(path.read_bytes())
    if damage == "truncate":
        raw = raw[: len(raw) // 2]
    else:  # one bit of the data, so that the file still opens: the checksum catches it
        ds = store.load(key)
        needle = ds["msd"].values[:4].tobytes()
        i = bytes(raw).index(needle)
        raw[i] ^= 0x01
    path.write_bytes(bytes(raw))
    before = st.snapshot(store.path)
    with pytest.raises(CorruptEntryError, match="corrupt store entry .*" + path.name):
        store.load(key)
    with pytest.raises(CorruptEntryError, match="1 store entries of 'sweep_demo.walkers' .* corrupt, nothing was run"):
        run_sweep(sweep, store, progress=False)
    assert st.snapshot(store.path) == before
    assert [e.status for e in store.entries()].count("corrupt") == 1
    assert os.path.exists(path)
