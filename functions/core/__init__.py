"""Pure CSV core (polars, no boto3): validation and transformation per SPEC section 3."""

from functions.core.config import CoreConfig
from functions.core.outcome import Outcome, RowError
from functions.core.pipeline import process_file, validate_file

__all__ = ["CoreConfig", "Outcome", "RowError", "process_file", "validate_file"]
