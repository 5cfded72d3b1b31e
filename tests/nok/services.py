"""Throwaway redis-server and PostgreSQL servers on 127.0.0.1 for the distributed-mode tests
(shared/reference/environment.md §4, §7). Each starts in a temporary folder on a free port and is
stopped afterwards; a missing binary skips the test with the reason."""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_port(port: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port}")


@contextmanager
def redis_server() -> Iterator[str]:
    """A redis-server without persistence; yields its redis:// URL."""
    binary = shutil.which("redis-server")
    if not binary:
        pytest.skip("redis-server не установлен (apt-get install redis-server; scripts/setup.sh)")
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="nok-redis-") as data:
        proc = subprocess.Popen([binary, "--bind", "127.0.0.1", "--port", str(port), "--dir", data, "--save", "",
                                 "--appendonly", "no", "--daemonize", "no"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            _wait_port(port)
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def _pg_bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


@contextmanager
def postgres_server() -> Iterator[str]:
    """A PostgreSQL cluster made by initdb in a temporary folder (as user postgres when run as
    root: initdb refuses root), listening on 127.0.0.1 only; yields its postgresql:// URL."""
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if not initdb or not pg_ctl:
        pytest.skip("PostgreSQL (initdb, pg_ctl) не установлен (apt-get install postgresql; scripts/setup.sh)")
    as_root = os.geteuid() == 0
    if as_root and not shutil.which("runuser"):
        pytest.skip("нужен runuser, чтобы запустить PostgreSQL не от root")
    port = free_port()
    base = Path(tempfile.mkdtemp(prefix="nok-pg-"))

    def run(*cmd: str) -> None:
        full = ["runuser", "-u", "postgres", "--", *cmd] if as_root else list(cmd)
        subprocess.run(full, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=60)

    try:
        if as_root:
            shutil.chown(base, "postgres", "postgres")
        data = base / "data"
        run(initdb, "-D", str(data), "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8", "-A", "trust")
        run(pg_ctl, "-D", str(data), "-o", f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off",
            "-l", str(base / "server.log"), "-w", "start")
        try:
            yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
        finally:
            run(pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop")
    finally:
        shutil.rmtree(base, ignore_errors=True)
