"""``python -m noneq.ising_chain``: see :mod:`noneq.ising_chain.cli`."""

from noneq.ising_chain.cli import main

raise SystemExit(main())
