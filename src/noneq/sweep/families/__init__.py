"""The figures of each chapter as sweeps, one module per family (see :data:`noneq.sweep.BUILTIN_FAMILIES`)."""
