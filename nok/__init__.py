"""nok: the command-line front door of the НОК openness auditor."""
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("nok-auditor")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0"
