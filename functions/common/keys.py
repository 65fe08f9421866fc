"""Object key layout: raw/<path> maps to processed/<path> and failed/<path>[.error.json|.rejected.csv]."""

from __future__ import annotations

from dataclasses import dataclass

RAW_PREFIX = "raw/"
PROCESSED_PREFIX = "processed/"
FAILED_PREFIX = "failed/"


@dataclass(frozen=True, slots=True)
class FileKeys:
    """Every key derived from one raw object key."""

    raw: str

    @classmethod
    def of(cls, key: str) -> FileKeys:
        """Check that `key` is a raw/ object key (raise ValueError otherwise)."""
        if not key.startswith(RAW_PREFIX) or len(key) == len(RAW_PREFIX):
            raise ValueError(f"object key must start with {RAW_PREFIX!r} and name a file: {key!r}")
        return cls(raw=key)

    @property
    def path(self) -> str:
        """The path after raw/."""
        return self.raw[len(RAW_PREFIX) :]

    @property
    def processed(self) -> str:
        return PROCESSED_PREFIX + self.path

    @property
    def failed(self) -> str:
        return FAILED_PREFIX + self.path

    @property
    def error_report(self) -> str:
        return f"{FAILED_PREFIX}{self.path}.error.json"

    @property
    def rejected(self) -> str:
        return f"{FAILED_PREFIX}{self.path}.rejected.csv"
