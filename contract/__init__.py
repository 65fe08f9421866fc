"""What two parts of the pipeline must agree on, defined once.

The templates (``stacks/``), the Lambda code (``functions/``) and the tools (``tools/``) all
import from here and never copy these values:

- ``keys``: the ``raw/`` ``processed/`` ``failed/`` layout and the ``.csv`` trigger rule;
- ``environment``: the functions' environment variable names and the metrics namespace;
- ``deployment``: handler paths, function services and the mandatory tags;
- ``payloads``: the execution input and the task requests/results exchanged with the
  state machine, plus the failure notification;
- ``metadata``: the DynamoDB item of one processing attempt;
- ``proof``: the proof-of-processing figures of an attempt (counts, amount total, digests).

Standard library only, so every side can import it cheaply (the Lambda zips carry it).
Import direction: tools -> stacks -> contract, functions -> contract; never back.
"""
