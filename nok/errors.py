"""The error a command raises to stop with a clear Russian message and a non-zero exit code."""


class UserError(Exception):
    """A usage or input problem the user can fix; its message is shown as is (in Russian)."""

    exit_code = 2
