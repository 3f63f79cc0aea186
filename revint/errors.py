"""Errors a command reports in one line, without a traceback: the message says what went wrong and what to do."""

from __future__ import annotations


class ReportedError(Exception):
    """Raised by any stage; the command line prints the message and exits with `exit_status`."""

    exit_status = 1


class UsageError(ReportedError):
    """What the command was asked names nothing usable (an unknown company, role or date): exit status 2, as for a
    misspelt option."""

    exit_status = 2
