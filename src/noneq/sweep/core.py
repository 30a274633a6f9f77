"""What a sweep is: a task function, a parameter grid, frozen settings and a seed.

A :class:`Sweep` maps one task function over the cartesian product of a grid
such as ``{"kappa": [0.5, 1.0], "N": [16, 32], "replica": [0, 1, 2]}``. Every
grid point is one independent task, identified by its *canonical parameters*
(the point's items sorted by name, written as compact JSON), and computed with
its own seed, :func:`task_seed`, derived from the sweep's seed and those
canonical parameters alone. A task's numbers therefore depend neither on the
number of workers nor on the order in which tasks run or finish.

The figure's settings (everything that is the same for all tasks: times,
system sizes that are not swept, numbers of samples) live in a frozen
dataclass. Its JSON form (:func:`settings_json`) is stored with every result,
and its hash (:func:`settings_hash`) tells a stored result computed with other
settings ("stale") from a current one.

Figures are registered by family and name (:func:`register_figure`) with a
factory that builds the figure's sweep for a work scale, so the command line can
run ``python -m noneq.sweep FAMILY FIGURE``. The families of the package
(:data:`BUILTIN_FAMILIES`) register their figures when first asked for.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import inspect
import itertools
import json
import math
import numbers
import re
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from .. import validate
from ..scale import scale as active_scale

__all__ = [
    "Sweep",
    "canonical_params",
    "params_json",
    "task_seed",
    "settings_json",
    "settings_hash",
    "register_figure",
    "family_names",
    "figure_names",
    "figure_sweep",
    "sweep_name",
    "BUILTIN_FAMILIES",
]

#: Figure names: a letter or digit, then letters, digits, ``_``, ``.`` or ``-`` (at most 64).
NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
#: Grid parameter and output names: Python identifiers of at most 64 characters.
IDENT_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
#: Names the assembled dataset uses itself.
RESERVED_NAMES = frozenset({"task_seed"})
#: Largest task seed (numba's ``np.random.seed`` takes an unsigned 32-bit integer).
TASK_SEED_MAX = 2**32 - 1


def check_name(name, what: str = "name") -> str:
    """Return ``name`` after checking it is a valid figure name (see :data:`NAME_RE`)."""
    if not isinstance(name, str) or not NAME_RE.fullmatch(name):
        raise ValueError(
            f"{what} must be 1 to 64 characters from letters, digits, '_', '.', '-' "
            f"starting with a letter or digit, got {name!r}"
        )
    return name


def _scalar(name: str, value):
    """A grid or parameter value as a plain JSON scalar (bool, int, finite float or str)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool | str):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        value = float(value)
        if not math.isfinite(value):
            raise ValueError(f"{name} must be finite, got {value}")
        return value
    raise ValueError(f"{name} must be a bool, an integer, a finite real number or a string, got {value!r}")


def canonical_params(params) -> dict:
    """Return the task parameters as a dict of plain scalars, sorted by name.

    Parameters
    ----------
    params : mapping
        Parameter name (a Python identifier, at most 64 characters, not
        ``"task_seed"``) to value (bool, integer, finite real or string;
        numpy scalars are converted). ``1`` and ``1.0`` are different values.

    Returns
    -------
    dict
        The same items, values as Python scalars, in sorted name order.

    Raises
    ------
    ValueError
        If ``params`` is not a mapping, is empty, or has an invalid name or value.
    """
    if not isinstance(params, Mapping) or not params:
        raise ValueError(f"params must be a non-empty mapping of parameter name to value, got {params!r}")
    out = {}
    for key in sorted(params, key=str):
        if not isinstance(key, str) or not IDENT_RE.fullmatch(key) or key in RESERVED_NAMES:
            raise ValueError(f"parameter names must be identifiers other than 'task_seed', got {key!r}")
        out[key] = _scalar(f"parameter {key!r}", params[key])
    return out


def params_json(params) -> str:
    """Canonical JSON text of the task parameters (sorted keys, no spaces, ASCII)."""
    return json.dumps(canonical_params(params), sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def task_seed(seed, params) -> int:
    """The seed of one task, from the sweep's seed and the task's parameters.

    ``SeedSequence(seed, spawn_key=words)`` where ``words`` are the eight
    32-bit words of the SHA-256 of :func:`params_json`: the seed depends only
    on the sweep seed and the parameter values (not on the grid, the order of
    the tasks, the worker or the time), and distinct parameters give
    statistically independent streams.

    Parameters
    ----------
    seed : int
        The sweep's seed, ``>= 0``.
    params : mapping
        The task's parameters (see :func:`canonical_params`).

    Returns
    -------
    int
        A seed in ``[0, 2**32 - 1]``, usable by numpy and by numba kernels.

    Raises
    ------
    ValueError
        If ``seed`` is not a non-negative integer or ``params`` is invalid.
    """
    seed = validate.integer("seed", seed, 0)
    digest = hashlib.sha256(params_json(params).encode("ascii")).digest()
    words = tuple(int(w) for w in np.frombuffer(digest, dtype="<u4"))
    state = np.random.SeedSequence(seed, spawn_key=words).generate_state(1, dtype=np.uint32)
    return int(state[0])


def _json_default(obj):
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    raise TypeError(f"settings value of type {type(obj).__name__} cannot be written as JSON: {obj!r}")


def check_settings(settings):
    """Return ``settings`` after checking it is an instance of a frozen dataclass."""
    if (
        not dataclasses.is_dataclass(settings)
        or isinstance(settings, type)
        or not type(settings).__dataclass_params__.frozen
    ):
        raise ValueError(f"settings must be an instance of a frozen dataclass, got {settings!r}")
    return settings


def settings_json(settings) -> str:
    """The settings as canonical JSON (fields by name, ASCII; ``Infinity`` allowed).

    Parameters
    ----------
    settings : frozen dataclass instance
        Field values must be JSON-representable: numbers, strings, booleans,
        ``None``, tuples/lists/dicts of those, nested dataclasses, numpy
        scalars or arrays.

    Returns
    -------
    str

    Raises
    ------
    ValueError
        If ``settings`` is not a frozen dataclass instance or has a field that
        cannot be written as JSON.
    """
    check_settings(settings)
    try:
        return json.dumps(
            dataclasses.asdict(settings),
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=True,
            default=_json_default,
        )
    except TypeError as exc:
        raise ValueError(str(exc)) from None


def settings_hash(settings) -> str:
    """SHA-256 (hex) of :func:`settings_json`: equal settings, equal hash."""
    return hashlib.sha256(settings_json(settings).encode("ascii")).hexdigest()


def _check_task(task) -> bool:
    """Check ``task`` is a top-level function; return whether it takes ``settings``."""
    if not callable(task) or not hasattr(task, "__qualname__") or not hasattr(task, "__module__"):
        raise ValueError(f"task must be a top-level function task(params, seed), got {task!r}")
    if "<" in task.__qualname__ or "." in task.__qualname__:
        raise ValueError(
            f"task must be a top-level function of an importable module (so that workers can import it), "
            f"got {task.__module__}.{task.__qualname__}"
        )
    try:
        sig = inspect.signature(task)
    except (TypeError, ValueError):
        return False
    takes_settings = "settings" in sig.parameters
    try:
        sig.bind({}, 0, **({"settings": None} if takes_settings else {}))
    except TypeError:
        raise ValueError(f"task must accept (params, seed), got signature {task.__qualname__}{sig}") from None
    return takes_settings


class Sweep:
    """A task function mapped over a parameter grid, with frozen settings and a seed.

    Parameters
    ----------
    name : str
        The figure this sweep computes: 1 to 64 characters from letters,
        digits, ``_``, ``.``, ``-``, starting with a letter or digit. Results
        are stored under this name.
    task : callable
        A top-level function of an importable module (workers import it by
        name), ``task(params: dict, seed: int) -> dict``. If it has a parameter
        named ``settings``, it also receives ``settings=`` the sweep's settings.
        It returns a non-empty dict of output name (an identifier) to a float,
        an integer, a numpy array of bool, integer or float type, or a
        ``(dims, array)`` pair naming the array's dimensions. It must be
        deterministic in ``seed``.
    grid : mapping
        Parameter name (an identifier, not ``"task_seed"``) to a non-empty
        sequence of distinct values (bool, integer, finite real or string).
        The tasks are the cartesian product, in the order given.
    settings : frozen dataclass instance
        What is the same for every task; stored with each result and hashed
        to detect stale results.
    seed : int
        The sweep's seed, ``>= 0``; every task's seed is
        :func:`task_seed` ``(seed, params)``.
    scale : str, optional
        The work scale the results belong to (``"ci"``, ``"book"`` or
        ``"paper"``); by default the active one (``NONEQ_SCALE``).

    Raises
    ------
    ValueError
        If any argument is invalid.
    """

    def __init__(self, name, task, grid, settings, seed, scale=None):
        self.name = check_name(name, "name")
        self.passes_settings = _check_task(task)
        self.task = task
        self.scale = active_scale(scale)
        self.settings = check_settings(settings)
        self.settings_json = settings_json(settings)
        self.settings_hash = hashlib.sha256(self.settings_json.encode("ascii")).hexdigest()
        self.seed = validate.integer("seed", seed, 0)
        if not isinstance(grid, Mapping) or not grid:
            raise ValueError(f"grid must be a non-empty mapping of parameter name to values, got {grid!r}")
        axes = {}
        for key, values in grid.items():
            if not isinstance(key, str) or not IDENT_RE.fullmatch(key) or key in RESERVED_NAMES:
                raise ValueError(f"grid parameter names must be identifiers other than 'task_seed', got {key!r}")
            if isinstance(values, str | bytes) or not isinstance(values, Sequence | np.ndarray) or len(values) == 0:
                raise ValueError(f"grid[{key!r}] must be a non-empty sequence of values, got {values!r}")
            vals = tuple(_scalar(f"grid[{key!r}] value", v) for v in values)
            seen = set()
            for v in vals:
                token = json.dumps(v)
                if token in seen:
                    raise ValueError(f"grid[{key!r}] has the value {v!r} twice")
                seen.add(token)
            axes[key] = vals
        self.grid = axes

    @property
    def dims(self) -> tuple[str, ...]:
        """The grid's parameter names, in order."""
        return tuple(self.grid)

    @property
    def shape(self) -> tuple[int, ...]:
        """The number of values of each grid parameter."""
        return tuple(len(v) for v in self.grid.values())

    @property
    def size(self) -> int:
        """The number of tasks."""
        return math.prod(self.shape)

    def points(self) -> list[dict]:
        """Every task's parameters, in grid order (the last parameter varies fastest)."""
        return [dict(zip(self.dims, combo)) for combo in itertools.product(*self.grid.values())]

    def seed_of(self, params) -> int:
        """The seed of the task with these parameters (see :func:`task_seed`)."""
        return task_seed(self.seed, params)

    def __repr__(self) -> str:
        grid = ", ".join(f"{k}: {len(v)}" for k, v in self.grid.items())
        return (
            f"Sweep({self.name!r}, task={self.task.__module__}.{self.task.__qualname__}, grid={{{grid}}}, "
            f"settings={type(self.settings).__name__}, seed={self.seed}, scale={self.scale!r})"
        )


# --------------------------------------------------------------------------- figure registry

#: Families whose figures register themselves when their module is imported:
#: family -> module. A figure of family ``f`` named ``g`` is the sweep ``"f.g"``.
BUILTIN_FAMILIES: dict[str, str] = {
    "mass_transport": "noneq.sweep.families.mass_transport",
    "phase_coexistence": "noneq.sweep.families.phase_coexistence",
    "ising_chain": "noneq.sweep.families.ising_chain",
}

_REGISTRY: dict[tuple[str, str], Callable] = {}
_FAMILY_RE = IDENT_RE


def sweep_name(family, figure) -> str:
    """The stored name of a figure's sweep: ``"family.figure"``."""
    return f"{family}.{figure}"


def register_figure(family, figure, factory, *, replace: bool = False):
    """Register the sweep of a figure of a family.

    Parameters
    ----------
    family : str
        The family (a chapter, for example ``"mass_transport"``): a Python identifier.
    figure : str
        The figure's name inside the family (for example ``"fig3"``): letters,
        digits, ``_``, ``-``, starting with a letter or digit.
    factory : callable
        ``factory(scale: str) -> Sweep`` returning a sweep named ``"family.figure"``.
    replace : bool
        Allow replacing a figure registered before.

    Returns
    -------
    callable
        ``factory``, so that this can decorate it.

    Raises
    ------
    ValueError
        If a name is invalid, ``factory`` is not callable, or the figure is
        registered already and ``replace`` is false.
    """
    if not isinstance(family, str) or not _FAMILY_RE.fullmatch(family):
        raise ValueError(f"family must be a Python identifier of at most 64 characters, got {family!r}")
    check_name(figure, "figure")
    if "." in figure:
        raise ValueError(f"figure must not contain '.', got {figure!r}")
    if not callable(factory):
        raise ValueError(f"factory must be callable, got {factory!r}")
    if not replace and _REGISTRY.get((family, figure), factory) is not factory:
        raise ValueError(f"a figure {figure!r} of family {family!r} is already registered")
    _REGISTRY[(family, figure)] = factory
    return factory


def _load_family(family):
    module = BUILTIN_FAMILIES.get(family)
    if module is not None:
        importlib.import_module(module)


def family_names() -> list[str]:
    """Names of the known families, sorted."""
    return sorted(set(BUILTIN_FAMILIES) | {f for f, _ in _REGISTRY})


def figure_names(family) -> list[str]:
    """Names of the figures of ``family``, sorted.

    Raises
    ------
    ValueError
        If the family is unknown.
    """
    if not isinstance(family, str) or family not in family_names():
        known = ", ".join(repr(n) for n in family_names())
        raise ValueError(f"unknown family {family!r}; known families: {known}")
    _load_family(family)
    return sorted(g for f, g in _REGISTRY if f == family)


def figure_sweep(family, figure, scale=None) -> Sweep:
    """The sweep of a registered figure at a work scale.

    Parameters
    ----------
    family : str
        A known family (see :func:`family_names`).
    figure : str
        One of its figures (see :func:`figure_names`).
    scale : str, optional
        ``"ci"``, ``"book"`` or ``"paper"``; by default the active scale.

    Returns
    -------
    Sweep

    Raises
    ------
    ValueError
        If the family, the figure or the scale is unknown, or the factory does
        not return a sweep named ``"family.figure"``.
    """
    names = figure_names(family)
    if not isinstance(figure, str) or figure not in names:
        known = ", ".join(repr(n) for n in names) or "none registered"
        raise ValueError(f"unknown figure {figure!r} of family {family!r}; known figures: {known}")
    scale = active_scale(scale)
    sweep = _REGISTRY[(family, figure)](scale)
    name = sweep_name(family, figure)
    if not isinstance(sweep, Sweep) or sweep.name != name:
        raise ValueError(f"the factory of figure {name!r} must return a Sweep named {name!r}, got {sweep!r}")
    return sweep
