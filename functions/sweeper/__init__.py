"""The sweeper function: starts executions for uploads left under raw/ (docs/pipeline.md §9)."""
