"""Patches restore exactly what they replaced: attributes, inherited attributes, dict keys."""

from __future__ import annotations

from types import SimpleNamespace

from tools.emulator.patches import Patches


class Base:
    inherited = "base"


class Child(Base):
    own = "child"


def test_undo_restores_attributes_and_dict_keys_exactly() -> None:
    module = SimpleNamespace(value=1)
    config = {"kept": True}
    patches = Patches()

    patches.set(module, "value", 2)
    patches.set(module, "value", 3)  # patched twice: undo must reach the very first original
    patches.set(module, "added", "new")
    patches.set(config, "kept", False)
    patches.set(config, "added", 1)
    assert (module.value, module.added, config) == (3, "new", {"kept": False, "added": 1})
    assert patches

    patches.undo()

    assert module.value == 1 and not hasattr(module, "added")
    assert config == {"kept": True}
    assert not patches


def test_undoing_a_patched_inherited_attribute_removes_the_override() -> None:
    patches = Patches()
    patches.set(Child, "inherited", "patched")
    patches.set(Child, "own", "patched")
    assert (Child.inherited, Child.own) == ("patched", "patched")

    patches.undo()

    assert "inherited" not in Child.__dict__  # not a copy of the parent's value
    assert (Child.inherited, Child.own) == ("base", "child")
