"""Helpers of the batch-audit tests: `nok` in a subprocess (one crawl per process), registries,
the loopback guard, summaries read back."""
from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

from tests.crawler.helpers import GUARD, ROOT
from tests.crawler.loopback import MARKER

# every batch crawl of the tests: loopback only, no politeness pauses (politeness has its own
# test), no browser (the browser has its own test; without it the crawl starts a second sooner)
FAST = ["--delay", "0", "-o", "autothrottle=false", "--render", "never",
        "-s", "DOWNLOADER_MIDDLEWARES=" + json.dumps(GUARD["DOWNLOADER_MIDDLEWARES"])]
HEADERS = ["Код организации", "Наименование организации", "Сфера", "Адрес сайта", "Муниципальное образование"]


def env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}


def nok_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "nok.cli", *map(str, args)]


def nok(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    proc = subprocess.run(nok_cmd(*args), cwd=ROOT, env=env(), capture_output=True, text=True, timeout=timeout)
    assert MARKER not in proc.stderr, proc.stderr
    return proc


def write_registry(path: Path, rows: list[list[str]], headers: list[str] = HEADERS) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter=";")
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def summary(run_dir: Path) -> dict:
    return json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))


def by_org(run_dir: Path) -> dict[str, dict]:
    return {o["org_id"]: o for o in summary(run_dir)["organizations"]}


def findings(org: dict) -> list[tuple]:
    """What a run found on a site, without timestamps and durations."""
    return [(f["id"], f["outcome"], json.dumps(f["evidence"], sort_keys=True), f["examined"], f["detail"])
            for f in org["findings"]]


def stop_together(sites) -> None:
    """Shut LocalSites down in parallel (each waits up to half a second for its loop); their own
    exit afterwards returns at once."""
    threads = [threading.Thread(target=site.server.shutdown) for site in sites]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
