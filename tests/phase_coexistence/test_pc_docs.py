"""Documentation of the public API: numpydoc sections and runnable examples."""

import doctest
import inspect

import pytest

import noneq.phase_coexistence as pc
from noneq import rng
from noneq.phase_coexistence import cli, figures, interface, model, noisy, results, runs, steady, theory

MODULES = [model, theory, interface, steady, noisy, results, figures, runs, cli]


def _public_functions():
    for name in pc.__all__:
        obj = getattr(pc, name)
        if inspect.isfunction(obj):
            yield name, obj


@pytest.mark.parametrize("name,func", list(_public_functions()))
def test_numpydoc_sections(name, func):
    doc = inspect.getdoc(func) or ""
    assert doc.splitlines()[0].strip(), f"{name}: no summary line"
    if inspect.signature(func).parameters:
        assert "Parameters\n----------" in doc, f"{name}: no Parameters section"
    assert "Returns\n-------" in doc, f"{name}: no Returns section"


def test_classes_document_their_attributes():
    for cls in (pc.SimulationResult, pc.ScanResult, pc.SteadyStateInfo, pc.SteadyScanResult, pc.FigureSettings,
                figures.Fig6Settings, figures.Fig7Settings, figures.Fig8Settings, figures.RhoBarSettings,
                runs.Fig6Result, runs.Fig7Result, runs.Fig8Result, runs.RhoBarResult):
        assert "Attributes\n----------" in inspect.getdoc(cls), cls.__name__


@pytest.mark.parametrize("module", MODULES + [rng], ids=lambda m: m.__name__)
def test_examples_run(module):
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in finder.find(module, module.__name__):
        runner.run(test)
    assert runner.failures == 0
