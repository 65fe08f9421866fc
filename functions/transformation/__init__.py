"""Transformation function: writes the transformed CSV under processed/."""
