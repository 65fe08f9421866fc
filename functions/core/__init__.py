"""Pure CSV core (polars, no boto3): validation and transformation per SPEC section 3."""
