"""Serve the bundled example site (nok/demo_site) on 127.0.0.1 for `nok demo` and the tests."""
from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from checks.evaluation import ServerOptions
from nok.corpus_server import serve_folder

DEMO_ROOT = Path(str(files("nok") / "demo_site"))


def serve_demo(host: str = "127.0.0.1"):
    """A context manager yielding the example site's base URL while it is served. Pages go out
    without a charset header, as on many old servers: the crawler reads it from <meta>."""
    return serve_folder(DEMO_ROOT, ServerOptions(charset=""), host)
