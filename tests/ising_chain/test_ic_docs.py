"""Documentation of noneq.ising_chain: the examples run, every public function has numpydoc sections."""

import doctest
import importlib
import inspect

import pytest

from noneq import ising_chain as ic

MODULES = ["theory", "correlations", "mpa", "stationary", "exact", "montecarlo", "checks", "large_deviations",
           "engine", "results", "figures", "cli", "tilted", "iteration", "lumping"]
# the main entry points carry an Examples section
WITH_EXAMPLES = {"insertion_probabilities", "heat_current", "effective_temperature", "link_profile",
                 "stationary_distribution", "energy_distribution", "entropy_production_distribution",
                 "entropy_production_exact", "simulate", "large_deviation_function", "efficiency_at_max_power",
                 "efficiency_series", "fluctuation_theorem_residual", "main", "energy_variance",
                 "current_ldf", "stationary_by_iteration"}


@pytest.mark.parametrize("name", MODULES)
def test_examples_run(name, monkeypatch):
    monkeypatch.setenv("NONEQ_PROGRESS", "0")
    mod = importlib.import_module(f"noneq.ising_chain.{name}")
    assert mod.__doc__
    failed, _ = doctest.testmod(mod, optionflags=doctest.ELLIPSIS)
    assert failed == 0


FUNCTIONS = [n for n in ic.__all__ if inspect.isfunction(getattr(ic, n))]


@pytest.mark.parametrize("name", FUNCTIONS)
def test_public_functions_have_numpydoc_sections(name):
    doc = inspect.getdoc(getattr(ic, name))
    assert doc and doc.splitlines()[0].strip()
    for section in ("Parameters", "Returns"):
        assert f"{section}\n{'-' * len(section)}" in doc, (name, section)
    if name in WITH_EXAMPLES:
        assert "Examples\n--------" in doc, name
