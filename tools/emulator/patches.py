"""The patches an emulator applies to moto, recorded so that ``undo`` restores moto exactly."""

from __future__ import annotations

from typing import Any

_MISSING = object()


class Patches:
    """Attributes (or dict keys) replaced on moto's modules and classes, with their originals."""

    def __init__(self) -> None:
        self._applied: list[tuple[Any, str, Any]] = []  # (target, name, original), in order

    def set(self, target: Any, name: str, value: Any) -> None:
        """Set ``target.name`` (or ``target[name]`` for a dict), remembering the original.

        The original is read from the target's own ``__dict__``, so undoing a patch of an
        inherited attribute deletes the override instead of copying the parent's onto it.
        """
        if isinstance(target, dict):
            self._applied.append((target, name, target.get(name, _MISSING)))
            target[name] = value
        else:
            self._applied.append((target, name, target.__dict__.get(name, _MISSING)))
            setattr(target, name, value)

    def undo(self) -> None:
        """Restore every original, last patch first."""
        while self._applied:
            target, name, original = self._applied.pop()
            if isinstance(target, dict):
                if original is _MISSING:
                    target.pop(name, None)
                else:
                    target[name] = original
            elif original is _MISSING:
                delattr(target, name)
            else:
                setattr(target, name, original)

    def __bool__(self) -> bool:
        return bool(self._applied)
