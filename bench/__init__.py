"""make bench: the data path against csv, pandas and DuckDB."""
