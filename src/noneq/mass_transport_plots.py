"""Former home of the mass-transport schematics: see :mod:`noneq.mass_transport.plots`."""

from noneq.mass_transport.plots import draw_probe_contact, draw_ring_dynamics, draw_three_branch

__all__ = ["draw_ring_dynamics", "draw_probe_contact", "draw_three_branch"]
