"""The committed summary store (results/): writing, loading, missing/stale/corrupt, size budget."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest
import sweep_tasks as st

from noneq.sweep import Store, paper_result, result_path, summarise
from noneq.sweep.cli import main
from noneq.sweep.results import default_results_dir

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "results"
#: Budget of the whole committed directory (the repository stays small to clone).
BUDGET_BYTES = 20_000_000
SMALL = {"kappa": [0.5, 2.0], "N": [8], "replica": [0, 1]}
CALL = re.compile(r"paper_result\(\s*\"(\w+)\",\s*\"(\w+)\"")


@pytest.fixture()
def summarised(tmp_path, monkeypatch):
    sweep = st.walkers_sweep("ci", grid=SMALL)
    monkeypatch.setattr(st, "GRID", SMALL)  # the registered figure builds this grid
    data = st.serial_dataset(sweep, tmp_path / "store")
    path = summarise("sweep_demo", "walkers", "ci", tmp_path / "store", tmp_path / "results")
    return sweep, data, path, tmp_path / "results"


def test_default_directory_is_results_next_to_src(monkeypatch):
    monkeypatch.delenv("NONEQ_RESULTS", raising=False)
    assert default_results_dir() == RESULTS
    monkeypatch.setenv("NONEQ_RESULTS", "/somewhere/else")
    assert default_results_dir() == Path("/somewhere/else")


def test_summary_holds_the_assembled_sweep_and_its_provenance(summarised):
    sweep, data, path, results = summarised
    assert path == results / "sweep_demo.walkers" / "ci.nc"
    r = paper_result("sweep_demo", "walkers", "ci", results=results)
    assert r.status == "ok" and r.ok and r.note == ""
    st.assert_identical(r.data, data)
    a = r.data.attrs
    assert a["n_tasks"] == 4 and a["workers"] == 1 and a["hosts"] == 1
    assert a["settings_hash"] == sweep.settings_hash and a["sweep_seed"] == str(sweep.seed)
    assert a["wall_time_s"] > 0 and a["cpu_time_s"] > 0 and a["elapsed_s"] >= 0
    assert a["first_start_utc"] <= a["last_end_utc"]
    assert len(a["git_commit"]) == 40 or a["git_commit"] == "unknown"
    assert a["version_numpy"][0].isdigit()
    assert "4 tasks on 1 worker," in r.provenance and sweep.settings_hash[:12] in r.provenance


def test_missing_stale_and_corrupt_are_reported_not_raised(summarised, tmp_path, monkeypatch):
    sweep, _, path, results = summarised
    r = paper_result("sweep_demo", "walkers", "ci", results=tmp_path / "empty")
    assert r.status == "missing" and r.data is None
    assert "python -m noneq.sweep sweep_demo walkers --scale ci --summarise results" in r.command
    assert r.command in r.note
    # another setting: the stored summary is stale
    changed = dataclasses.replace(sweep.settings, n_bins=13)
    monkeypatch.setattr(st, "WalkSettings", lambda: changed)
    r = paper_result("sweep_demo", "walkers", "ci", results=results)
    assert r.status == "stale" and r.data is None and "stale" in r.provenance
    monkeypatch.undo()
    monkeypatch.setattr(st, "GRID", SMALL)
    assert paper_result("sweep_demo", "walkers", "ci", results=results).ok
    # one changed byte of data: the checksum fails
    raw = bytearray(path.read_bytes())
    import xarray as xr

    with xr.open_dataset(path, engine="h5netcdf") as ds:
        first = ds["msd"].values.ravel()[0].tobytes()
    at = raw.find(first)
    assert at > 0
    raw[at] ^= 0x01
    path.write_bytes(bytes(raw))
    r = paper_result("sweep_demo", "walkers", "ci", results=results)
    assert r.status == "corrupt" and "checksum" in r.provenance


def test_summarise_refuses_an_incomplete_store(tmp_path, monkeypatch):
    monkeypatch.setattr(st, "GRID", SMALL)
    sweep = st.walkers_sweep("ci", grid=SMALL)
    st.serial_dataset(sweep, tmp_path / "store")
    store = Store(tmp_path / "store")
    store.path_of(store.key(sweep, sweep.points()[0])).unlink()
    with pytest.raises(ValueError, match="not stored"):
        summarise("sweep_demo", "walkers", "ci", store, tmp_path / "results")
    assert not result_path("sweep_demo", "walkers", "ci", tmp_path / "results").exists()


def test_command_line_summarises_a_complete_store(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(st, "GRID", SMALL)
    sweep = st.walkers_sweep("ci", grid=SMALL)
    st.serial_dataset(sweep, tmp_path / "store")
    code = main(["sweep_demo", "walkers", "--scale", "ci", "--store", str(tmp_path / "store"), "--no-progress",
                 "--summarise", str(tmp_path / "results")])
    assert code == 0, capsys.readouterr()
    assert "0 computed, 4 already stored" in capsys.readouterr().out
    assert paper_result("sweep_demo", "walkers", "ci", results=tmp_path / "results").ok


# --------------------------------------------------------------------------- the committed directory


def committed_entries():
    return sorted(RESULTS.glob("*/*.nc")) if RESULTS.is_dir() else []


def test_committed_results_fit_the_size_budget():
    total = sum(p.stat().st_size for p in RESULTS.rglob("*") if p.is_file()) if RESULTS.is_dir() else 0
    assert total <= BUDGET_BYTES, f"results/ holds {total / 1e6:.1f} MB, the budget is {BUDGET_BYTES / 1e6:.0f} MB"


@pytest.mark.parametrize("path", committed_entries(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_committed_entry_loads_and_is_current(path):
    family, figure = path.parent.name.split(".", 1)
    r = paper_result(family, figure, path.stem, results=RESULTS)
    assert r.status == "ok", r.provenance
    assert r.data.attrs["n_tasks"] == r.data["task_seed"].size


def notebook_calls():
    calls = set()
    for nb in sorted((ROOT / "book").rglob("*.ipynb")):
        cells = json.loads(nb.read_text())["cells"]
        for cell in cells:
            calls.update(CALL.findall("".join(cell["source"])))
    return sorted(calls)


def test_the_notebooks_read_results_that_are_committed():
    calls = notebook_calls()
    assert ("mass_transport", "fig3") in calls
    for family, figure in calls:
        r = paper_result(family, figure, results=RESULTS)
        assert r.status == "ok", f"a notebook shows {family} {figure}: {r.provenance}; {r.command}"
