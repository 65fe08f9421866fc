"""The pipeline's promise, checked per upload (docs/pipeline.md §1, §2, §3, §7).

Given what was uploaded (each version's key, bytes and S3 sequencer) and what the pipeline
left (the bucket's objects and versions, the metadata items, the notifications, and the
order of the pipeline's own calls when an emulator logged them), ``check`` gives each upload
a verdict: "ok", or the first broken promise of:

- outcome: one terminal item per attempt (execution) of the upload, the latest one's status
  fitting the upload (a valid upload SUCCEEDED or, if a newer valid upload of the key
  exists, SUPERSEDED; an invalid one FAILED, or SUPERSEDED under a newer invalid one); the key's newest valid upload is in processed/ with
  exactly its transform, its newest invalid one in failed/ with its bytes and a report that
  names it; no upload of the key is left under raw/ (every version);
- record: the item's fields are exact (bucket, version_id, etag, sequencer, execution ARN,
  end time, counts, output key);
- proof: rows_total = rows_valid + rows_rejected, source_sha256 of the uploaded bytes,
  output_sha256 of the outcome's bytes and amount_total the exact sum of processed/'s
  amounts (``proof``);
- staging: a promoted or superseded valid upload left nothing under staging/;
- notification: exactly one per FAILED attempt, none otherwise;
- order: the outcome object was written before the raw/ version was deleted (from the
  emulator's call log; skipped without one).

Used by the e2e suite after every test and by ``make chaos``; works against any endpoint.
"""

from tools.invariants.checks import check, summary
from tools.invariants.model import OK, Expected, State, Upload, Verdict, expected, read_state

__all__ = [
    "OK",
    "Expected",
    "State",
    "Upload",
    "Verdict",
    "check",
    "expected",
    "read_state",
    "summary",
]
