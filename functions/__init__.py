"""Lambda function code: the pure CSV core and the two handlers."""
