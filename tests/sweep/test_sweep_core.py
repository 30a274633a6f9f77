"""Seeds, sweeps and the figure registry of noneq.sweep (no cluster)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import sweep_tasks as st

from noneq.mass_transport import figures as mtf
from noneq.sweep import (
    Sweep,
    family_names,
    figure_names,
    figure_sweep,
    params_json,
    register_figure,
    settings_hash,
    task_seed,
)


def test_task_seed_depends_only_on_sweep_seed_and_parameters():
    p = {"kappa": 0.5, "N": 8, "replica": 1}
    s = task_seed(7, p)
    assert s == task_seed(7, dict(reversed(list(p.items()))))  # order of the items is irrelevant
    assert s == task_seed(7, {k: np.float64(v) if k == "kappa" else np.int64(v) for k, v in p.items()})
    assert 0 <= s < 2**32
    others = {task_seed(8, p), task_seed(7, {**p, "replica": 2}), task_seed(7, {**p, "kappa": 0.25})}
    assert s not in others and len(others) == 3
    assert task_seed(7, {"N": 1}) != task_seed(7, {"N": 1.0})  # 1 and 1.0 are different values
    # the derivation is part of the store's format: a stored entry's seed must stay reproducible
    assert task_seed(20240611, {"N": 8, "kappa": 0.5, "replica": 0}) == 1557271000


def test_task_seeds_of_a_grid_are_distinct():
    sweep = st.walkers_sweep("ci", grid={"kappa": list(np.linspace(0.1, 3, 40)), "N": [8, 16, 32], "replica": [0, 1]})
    seeds = [sweep.seed_of(p) for p in sweep.points()]
    assert len(set(seeds)) == len(seeds) == sweep.size == 240


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"seed": -1}, "seed"),
        ({"grid": {"kappa": [1.0, 1.0]}}, "twice"),
        ({"grid": {"kappa": []}}, "non-empty"),
        ({"grid": {"task_seed": [1]}}, "task_seed"),
        ({"grid": {"kappa": [float("nan")]}}, "finite"),
        ({"name": "bad name"}, "name"),
        ({"task": lambda params, seed: {}}, "top-level"),
        ({"settings": {"n": 1}}, "frozen dataclass"),
    ],
)
def test_sweep_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        st.walkers_sweep("ci", **kwargs)


def test_params_json_is_canonical():
    assert params_json({"b": 1, "a": np.float32(0.5)}) == '{"a":0.5,"b":1}'
    with pytest.raises(ValueError, match="identifiers"):
        params_json({"1x": 1})


def test_results_do_not_depend_on_the_order_of_the_tasks(tmp_path):
    sweep = st.walkers_sweep("ci", grid={"kappa": [0.5, 2.0], "N": [8], "replica": [0, 1]})
    forward = st.serial_dataset(sweep, tmp_path / "forward")
    backward = Sweep(sweep.name, sweep.task, {k: v[::-1] for k, v in sweep.grid.items()}, sweep.settings, sweep.seed,
                     scale="ci")
    reordered = st.serial_dataset(backward, tmp_path / "backward").sortby(list(sweep.dims))
    st.assert_identical(forward, reordered)


def test_registry_lists_and_builds_mass_transport_figures():
    assert "mass_transport" in family_names()
    assert {"fig3", "fig5", "fig6", "fig7"} <= set(figure_names("mass_transport"))
    for scale in ("ci", "book", "paper"):
        sweep = figure_sweep("mass_transport", "fig7", scale)
        assert sweep.name == "mass_transport.fig7" and sweep.scale == scale
        assert sweep.settings == mtf.FIG7.at(scale) and sweep.seed == mtf.FIG7.at(scale).seed
        assert sweep.grid == {"N_b": tuple(mtf.FIG7.at(scale).sizes), "replica": tuple(range(mtf.FIG7.at(scale).n_rep))}
    assert figure_sweep("mass_transport", "fig6", "paper").grid["rho"] == mtf.FIG6.paper.rhos
    assert figure_sweep("mass_transport", "fig3", "paper").settings.N == 15870


def test_registry_errors_name_what_is_known():
    with pytest.raises(ValueError, match="unknown family 'nope'; known families: .*'mass_transport'"):
        figure_sweep("nope", "fig3")
    with pytest.raises(ValueError, match="unknown figure 'fig9' of family 'mass_transport'; known figures: 'fig3'"):
        figure_sweep("mass_transport", "fig9")
    with pytest.raises(ValueError, match="already registered"):
        register_figure(st.FAMILY, "walkers", lambda scale: None)
    with pytest.raises(ValueError, match="NONEQ_SCALE must be one of"):
        figure_sweep("mass_transport", "fig3", "huge")


def test_settings_hash_follows_the_settings():
    s = mtf.FIG3.ci
    assert settings_hash(s) == settings_hash(dataclasses.replace(s))
    assert settings_hash(s) != settings_hash(dataclasses.replace(s, t_max=s.t_max + 1))
