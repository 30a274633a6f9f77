"""``python -m noneq.mass_transport``: see :mod:`noneq.mass_transport.cli`."""

from noneq.mass_transport.cli import main

raise SystemExit(main())
