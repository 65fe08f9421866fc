"""Where the tools find their inputs and put their outputs, relative to the repository."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = REPO / "templates"
BUILD_DIR = REPO / "build"
ROOT_TEMPLATE = "root.json"
BOOTSTRAP_TEMPLATE = "bootstrap.json"
