"""The Examples sections of the mass transport modules run and print what they say."""

import doctest
import importlib

import pytest

MODULES = ["graphs", "dynamics", "theory", "models", "figures", "windows", "zrp", "relaxation"]


@pytest.mark.parametrize("name", MODULES)
def test_examples(name, monkeypatch):
    monkeypatch.setenv("NONEQ_PROGRESS", "0")
    mod = importlib.import_module(f"noneq.mass_transport.{name}")
    res = doctest.testmod(mod, optionflags=doctest.ELLIPSIS)
    assert res.failed == 0
    assert res.attempted > 0


def test_every_public_name_is_documented():
    import noneq.mass_transport as mt

    for name in mt.__all__:
        obj = getattr(mt, name)
        if callable(obj) and not isinstance(obj, type(mt.FIG3)):
            doc = obj.__doc__ or ""
            assert len(doc.strip()) > 20, name
