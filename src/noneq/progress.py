"""Progress bars and interruptible long computations.

Two pieces serve every long public call of the package:

* :func:`progress` wraps an iterable in a progress bar: a widget in JupyterLab,
  text on a terminal or in a log, nothing when switched off.
* :class:`Chunked` runs a compiled computation in chunks of well under a second.
  Between two chunks control returns to the Python interpreter, which is where a
  pending ``SIGINT`` ("Interrupt kernel" in JupyterLab, Ctrl-C on a terminal)
  raises :class:`KeyboardInterrupt`; the same chunk boundaries move the progress
  bar, with its rate and remaining time.

The switch is one keyword everywhere, ``progress``: ``None`` follows the
environment variable ``NONEQ_PROGRESS`` (``0``/``false``/``no``/``off`` silence
every bar; the website build sets it), ``True``/``False`` force it.
"""

from __future__ import annotations

import os
import sys
import time

__all__ = ["progress", "progress_enabled", "Chunked", "ENV_VAR"]

ENV_VAR = "NONEQ_PROGRESS"


def progress_enabled(progress: bool | None = None) -> bool:
    """Whether bars are shown: ``progress`` if given, else ``NONEQ_PROGRESS`` (default on)."""
    if progress is not None:
        if not isinstance(progress, bool):
            raise ValueError(f"progress must be None, True or False, got {progress!r}")
        return progress
    return os.environ.get(ENV_VAR, "1").strip().lower() not in {"0", "false", "no", "off"}


def _in_notebook() -> bool:
    """True inside a Jupyter kernel (where a widget bar renders)."""
    shell = sys.modules.get("IPython")
    if shell is None:
        return False
    try:
        ip = shell.get_ipython()
    except AttributeError:
        return False
    return ip is not None and type(ip).__name__ == "ZMQInteractiveShell"


def progress(iterable=None, *, progress: bool | None = None, **kwargs):
    """Wrap ``iterable`` in a progress bar (``tqdm`` keyword arguments pass through).

    Parameters
    ----------
    iterable : iterable, optional
        What to iterate over; ``None`` gives a bar to update by hand.
    progress : bool or None
        Show the bar (``None``: follow ``NONEQ_PROGRESS``).
    **kwargs
        Passed to :class:`tqdm.tqdm` (``total``, ``desc``, ``unit``, ...).

    Returns
    -------
    tqdm.tqdm
        A notebook widget bar inside Jupyter, a text bar elsewhere.
    """
    if "disable" not in kwargs:
        kwargs["disable"] = not progress_enabled(progress)
    kwargs.setdefault("mininterval", 0.5)
    if _in_notebook() and not kwargs["disable"]:
        try:
            from tqdm.notebook import tqdm as bar

            return bar(iterable, **kwargs)
        except ImportError:  # pragma: no cover - ipywidgets is a dependency
            pass
    from tqdm import tqdm as bar

    kwargs.setdefault("dynamic_ncols", True)
    return bar(iterable, **kwargs)


class Chunked:
    """Run ``total`` units of compiled work in chunks that take about ``seconds`` each.

    The chunk size adapts: the first chunk has ``first`` units, and each later
    chunk is sized from the measured rate so that it lasts about ``seconds``
    (never more than ``growth`` times the previous one). Use it as an iterator of
    chunk sizes; call the kernel once per chunk with that many units::

        run = Chunked(n_steps, desc="noisy run", unit="step")
        for n in run:
            state = _kernel(state, n)      # compiled, returns in < ~0.3 s

    A pending ``SIGINT`` raises :class:`KeyboardInterrupt` as soon as a chunk
    returns, so the caller should keep its results in local variables until the
    loop has finished (nothing half-written reaches the caller).

    Parameters
    ----------
    total : int
        Units of work (steps, events, samples), >= 0.
    seconds : float
        Target duration of one chunk, in (0, 5].
    first : int
        Size of the first chunk (a guess; compiled code of unknown speed), >= 1.
    growth : float
        Largest factor between two consecutive chunk sizes, >= 1.
    progress : bool or None
        Show a bar (``None``: follow ``NONEQ_PROGRESS``).
    desc, unit : str
        Label and unit of the bar.
    """

    def __init__(
        self,
        total: int,
        *,
        seconds: float = 0.25,
        first: int = 1000,
        growth: float = 4.0,
        progress: bool | None = None,
        desc: str | None = None,
        unit: str = "it",
    ):
        from . import validate

        self.total = validate.integer("total", total, 0)
        self.seconds = validate.real("seconds", seconds, 0.0, 5.0, lo_open=True)
        self.first = validate.integer("first", first, 1)
        self.growth = validate.real("growth", growth, 1.0)
        self.done = 0
        self.chunks = 0
        self._show = progress_enabled(progress)
        self._desc = desc
        self._unit = unit

    def __iter__(self):
        bar = progress(total=self.total, desc=self._desc, unit=self._unit, progress=self._show, unit_scale=True)
        size = min(self.first, self.total)
        try:
            while self.done < self.total:
                n = min(size, self.total - self.done)
                t0 = time.perf_counter()
                yield n
                elapsed = time.perf_counter() - t0
                self.done += n
                self.chunks += 1
                bar.update(n)
                rate = n / max(elapsed, 1e-6)
                size = int(min(max(1.0, rate * self.seconds), n * self.growth))
                size = max(1, min(size, sys.maxsize))
        finally:
            bar.close()

    @property
    def fraction(self) -> float:
        """Share of the work done so far."""
        return 1.0 if self.total == 0 else self.done / self.total

    def __repr__(self) -> str:
        return f"Chunked(total={self.total}, done={self.done}, chunks={self.chunks}, seconds={self.seconds:g})"

