"""``python -m noneq.phase_coexistence fig6|fig7|fig8|rho-bar [--scale ci|book|paper] [--seed N]`` (see :mod:`.cli`)."""

import sys

from noneq.phase_coexistence.cli import main

if __name__ == "__main__":
    sys.exit(main())
