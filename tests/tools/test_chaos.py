"""The chaos run's plan: seeded, repeatable, a mix of valid, invalid and re-uploaded files."""

from __future__ import annotations

from tools import chaos, invariants


def test_a_seed_gives_the_same_plan_and_another_seed_another() -> None:
    assert chaos.plan(5, 40) == chaos.plan(5, 40)
    assert chaos.plan(5, 40) != chaos.plan(6, 40)


def test_the_plan_mixes_valid_invalid_and_reuploads_of_one_key_with_other_content() -> None:
    uploads = chaos.plan(1, 200)
    keys = [key for key, _ in uploads]
    valid = [invariants.expected(body).valid for _, body in uploads]
    assert 0.6 < sum(valid) / len(valid) < 0.95
    repeated = {k for k in keys if keys.count(k) > 1}
    assert len(repeated) > 20
    for key in repeated:
        bodies = [body for k, body in uploads if k == key]
        assert len(set(bodies)) == len(bodies)  # every re-upload has other content
