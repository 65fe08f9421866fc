"""troposphere classes, one per nested stack, and the root stack composing them.

``names`` and ``parameters`` hold what stacks share (names, parameter specs); ``policies`` the
awacs statement helpers; ``buckets`` the private-bucket baseline; ``base`` the ``Stack`` base
class. ``generate.py`` renders them all.
"""
