"""Validation function: S3 events, the Validate task and the quarantine path."""
