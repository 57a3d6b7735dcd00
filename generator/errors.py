"""The one family of errors a user reads: every exception paperfeed raises with a message for a person."""

from __future__ import annotations


class PaperfeedError(Exception):
    """Something the user can fix, and `str()` says what: the plugin turns it into MkDocs' build error
    and the command line into one `Error: ...` line, both without a traceback."""
