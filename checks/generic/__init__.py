"""The generic checks. Importing this package registers them all."""
from checks.generic import advisory, contacts, feedback, links, text  # noqa: F401
