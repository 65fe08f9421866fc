"""Pure CSV core (polars, no boto3): validation and transformation per docs/data-contract.md.

`validate_file(source, config=..., rejected=None)` and
`process_file(source, output, config=..., rejected=None)` read a local CSV file in bounded
memory and return an `Outcome` (counts, structural error or the first 100 `RowError`s).
`process_file` writes the transformed CSV to `output` only when the file is accepted;
both write the rejected rows (raw fields + `line`, `reason`) to `rejected` when the file is
accepted with some rows rejected. `CoreConfig.from_env` reads MAX_INVALID_ROW_RATIO and
SOURCE_TIMEZONE.

Where things are: `pipeline` composes the passes; `structure` the file-level checks (on
`chunks` of the file, by the record patterns of `syntax`, `header`, `encoding`); `scan` the
polars read; `rules/` every row rule (`ids`, `amount`, `timestamp`, `local_time`);
`duplicates` finds repeated transaction ids; `rejected` the row errors and the rejected-rows
file; `lines` line numbers; `output` the transformed file; `config` and `outcome` the values
in and out. The rules themselves are in docs/data-contract.md.
"""

from functions.core.config import CoreConfig
from functions.core.outcome import Outcome, RowError
from functions.core.pipeline import process_file, validate_file

__all__ = ["CoreConfig", "Outcome", "RowError", "process_file", "validate_file"]
