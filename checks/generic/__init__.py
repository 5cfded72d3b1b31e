"""The generic checks. Importing this package registers them all."""
from checks.generic import advisory, browser, contacts, feedback, links, text  # noqa: F401
