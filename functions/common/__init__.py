"""What both handlers share that touches AWS: configuration, S3 helpers, notifications."""
