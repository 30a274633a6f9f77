"""Result records: frozen dataclasses that also read like the dictionaries they replaced."""

from __future__ import annotations

from dataclasses import fields

__all__ = ["ItemAccess"]


class ItemAccess:
    """Read-only dict-style access to the fields of a dataclass: ``r["name"]``, ``"name" in r``, ``r.keys()``."""

    def __getitem__(self, key):
        if key not in self.keys():
            raise KeyError(key)
        return getattr(self, key)

    def __contains__(self, key):
        return key in self.keys()

    def keys(self):
        """Names of the fields, in order."""
        return tuple(f.name for f in fields(self))
