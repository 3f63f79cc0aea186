"""Errors a command reports in one line, without a traceback: the message says what went wrong and what to do."""

from __future__ import annotations


class ReportedError(Exception):
    """Raised by any stage; the command line prints the message and exits with `exit_status`."""

    exit_status = 1
