"""troposphere classes, one per nested stack, and the root stack composing them.

``parameters`` declares every template parameter once and ``names`` the nested stack and output
names; ``workflow`` builds the state machine's definition; ``policies`` holds the awacs
statement helpers, ``buckets`` the private-bucket baseline and ``base`` the ``Stack`` base
class. ``generate.py`` renders them all.
"""
