"""What the templates, the build and the emulator agree on about the deployed functions."""

from __future__ import annotations

from typing import Final

#: Lambda handler paths: each zip carries ``functions/`` and ``contract/`` at its root.
VALIDATION_HANDLER: Final = "functions.validation.handler.lambda_handler"
TRANSFORMATION_HANDLER: Final = "functions.transformation.handler.lambda_handler"
SWEEPER_HANDLER: Final = "functions.sweeper.handler.lambda_handler"

#: Service names: POWERTOOLS_SERVICE_NAME and the suffix of each function's name.
VALIDATION_SERVICE: Final = "validation"
TRANSFORMATION_SERVICE: Final = "transformation"
SWEEPER_SERVICE: Final = "sweeper"

#: Every taggable resource carries these, nested stacks included.
TAGS: Final = {"Environment": "Production", "Project": "ETL-Pipeline"}
