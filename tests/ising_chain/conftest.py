"""Fixtures of the noneq.ising_chain tests."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.fixture(scope="session")
def bench_reference():
    """``benchmarks/_ising_chain_reference.py`` (benchmark-only code, not part of the package)."""
    spec = importlib.util.spec_from_file_location("_ising_chain_reference", BENCHMARKS / "_ising_chain_reference.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="session")
def exact_law_m6():
    """Exact law of ΔS for M = 6, t = 3, T1 = 1, T2 = 2 (histogram with bin 0.2 and distinct values)."""
    from noneq import ising_chain as ic

    return ic.entropy_production_exact(6, 3, 1.0, 2.0)
