"""The mini fixture stack (tests/tools/fixtures/mini): two nested stacks and one function."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

FIXTURE = Path(__file__).parent / "fixtures" / "mini"


def fixture_zip() -> bytes:
    """The fixture function's deployment zip."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted((FIXTURE / "code").rglob("*.py")):
            archive.write(path, path.relative_to(FIXTURE / "code"))
    return buffer.getvalue()


def write_build(build_dir: Path) -> Path:
    """A build folder as ``make package-functions`` leaves it: the zip and its manifest."""
    body = fixture_zip()
    (build_dir / "fn.zip").write_bytes(body)
    entry = {"path": str(build_dir / "fn.zip"), "sha256": hashlib.sha256(body).hexdigest(), "size": len(body)}  # fmt: skip
    (build_dir / "manifest.json").write_text(json.dumps({"validation": entry}))
    return build_dir
