"""Packaging, deployment and the local emulator run."""
