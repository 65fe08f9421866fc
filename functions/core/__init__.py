"""Pure CSV core (polars, no boto3): validation and transformation per docs/data-contract.md.

`validate_file(source, config=..., rejected=None)` and
`process_file(source, output, config=..., rejected=None)` read a local CSV file in bounded
memory and return an `Outcome` (counts, structural error or the first 100 `RowError`s).
`process_file` writes the transformed CSV to `output` only when the file is accepted;
both write the rejected rows (raw fields + `line`, `reason`) to `rejected` when the file is
accepted with some rows rejected. `CoreConfig.from_env` reads MAX_INVALID_ROW_RATIO and
SOURCE_TIMEZONE. Decisions the spec leaves open are listed in docs/interfaces.md.

Where things are: `pipeline` composes the passes; `structure` the file-level errors; `scan`
the polars read; `rules/` every row rule (`ids`, `amount`, `timestamp`); `duplicates` finds
repeated transaction ids; `rejected` the row errors and the rejected-rows file; `lines` line
numbers; `output` the transformed file; `config` and `outcome` the values in and out.
"""

from functions.core.config import CoreConfig
from functions.core.outcome import Outcome, RowError
from functions.core.pipeline import process_file, validate_file

__all__ = ["CoreConfig", "Outcome", "RowError", "process_file", "validate_file"]
