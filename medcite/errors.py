"""Errors that reach the user as one clear line (the CLI prints them without a traceback)."""


class MedciteError(Exception):
    """A user-facing error: bad input, a missing library, an unknown id."""


class NotFound(MedciteError):
    """Something named by the user does not exist."""
