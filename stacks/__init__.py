"""troposphere classes, one per nested stack, and the root stack composing them."""
