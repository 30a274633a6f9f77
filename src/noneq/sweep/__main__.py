"""``python -m noneq.sweep``: see :func:`noneq.sweep.cli.main`."""

import sys

from .cli import main

if __name__ == "__main__":  # worker processes import this module again, and must not run it
    sys.exit(main())
