"""Figure settings at the three work scales, shared by the chapters' ``figures`` modules.

Each paper figure has one :class:`FigureSettings`: a name, a title and one frozen
dataclass of concrete sizes for each scale of :mod:`noneq.scale`. The notebooks
call ``FIG.at()`` (the active scale), the command lines print ``FIG.describe(scale)``
before they run, and the tests read the same objects. :func:`check_fields` validates
the fields of a concrete settings dataclass in its ``__post_init__``.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, is_dataclass
from typing import Any

from . import validate
from .scale import SCALES
from .scale import scale as _active_scale

__all__ = ["FigureSettings", "check_fields"]


def check_fields(obj, ints=(), positive=(), nonneg=(), tuples=(), minimum=None):
    """Validate fields of a settings dataclass, raising ``ValueError`` naming the field.

    Parameters
    ----------
    obj : dataclass instance
        The settings whose fields are checked.
    ints : sequence of str
        Integer fields, >= 1 (or ``minimum[name]``).
    positive : sequence of str
        Real fields, > 0.
    nonneg : sequence of str
        Real fields, >= 0.
    tuples : sequence of str
        Non-empty one-dimensional sequences of reals >= 0.
    minimum : dict, optional
        Lower bounds of integer fields other than 1.

    Raises
    ------
    ValueError
        If a field is outside its range.
    """
    minimum = minimum or {}
    for n in ints:
        validate.integer(n, getattr(obj, n), minimum.get(n, 1))
    for n in positive:
        validate.real(n, getattr(obj, n), 0.0, lo_open=True)
    for n in nonneg:
        validate.real(n, getattr(obj, n), 0.0)
    for n in tuples:
        validate.array(n, getattr(obj, n), ndim=1, min_size=1, lo=0.0)


def _format(v):
    if isinstance(v, tuple) and v and all(isinstance(x, float) for x in v):
        return "(" + ", ".join(repr(float(f"{x:.12g}")) for x in v) + ")"
    return repr(v) if isinstance(v, str) else str(v)


@dataclass(frozen=True)
class FigureSettings:
    """Settings of one figure at the three scales; :meth:`at` picks one.

    Attributes
    ----------
    name : str
        Command-line name (``python -m noneq.<chapter> NAME``).
    title : str
        What the figure shows, with the paper's equation numbers.
    ci, book, paper : dataclass
        Concrete settings at each scale.
    """

    name: str
    title: str
    ci: Any
    book: Any
    paper: Any

    def at(self, scale=None):
        """Concrete settings at one scale.

        Parameters
        ----------
        scale : str, optional
            ``"ci"``, ``"book"`` or ``"paper"``; None follows ``NONEQ_SCALE``
            (default ``"book"``).

        Returns
        -------
        dataclass
            The settings at that scale.

        Raises
        ------
        ValueError
            If ``scale`` (or ``NONEQ_SCALE``) is not a known scale.

        Examples
        --------
        >>> from noneq.mass_transport import FIG3
        >>> FIG3.at("paper").N, FIG3.at("paper").N_pr
        (15870, 512)
        """
        if scale is not None:
            validate.choice("scale", scale, SCALES)
        return getattr(self, _active_scale(scale))

    def describe(self, scale=None) -> str:
        """The settings at ``scale`` as text, one line each, for printing before a run.

        Parameters
        ----------
        scale : str, optional
            One of ``noneq.scale.SCALES`` (None follows ``NONEQ_SCALE``).

        Returns
        -------
        str
            A header line with the name, scale and title, then one line per field
            (fields of nested settings as ``outer.inner``).
        """
        lines = [f"{self.name} ({_active_scale(scale)} scale): {self.title}"]

        def add(obj, prefix):
            for f in fields(obj):
                if f.name == "scale" and not prefix:
                    continue
                v = getattr(obj, f.name)
                if is_dataclass(v):
                    add(v, prefix + f.name + ".")
                else:
                    lines.append(f"  {prefix}{f.name} = {_format(v)}")

        add(self.at(scale), "")
        return "\n".join(lines)
