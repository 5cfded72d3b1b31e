"""Benchmark of `nok check` on the bundled example site: pages/s and peak memory.

Runs `nok check` in a subprocess (as a user would) several times against the example site
served on 127.0.0.1 and prints wall time, pages fetched, pages/s and the peak RSS of the
`nok` process. Usage: python bench/check_bench.py [--runs 3] [--delay 0]
"""
from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from nok.demo_server import serve_demo


def one_run(url: str, delay: float, out: Path) -> tuple[float, int, int, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "nok.cli", "check", url, "--delay", str(delay), "--json", str(out)],
                   check=False, capture_output=True)
    wall = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB, max over finished children
    report = json.loads(out.read_text(encoding="utf-8"))
    fetched = report["crawl"]["pages"] + report["crawl"]["documents"]
    return wall, fetched, max(rss, before), report["crawl"]["duration_s"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--delay", type=float, default=0.0, help="per-domain delay, s")
    args = parser.parse_args()
    walls, rates = [], []
    with tempfile.TemporaryDirectory() as tmp, serve_demo() as url:
        for i in range(args.runs):
            wall, fetched, rss, crawl = one_run(url + "/", args.delay, Path(tmp) / f"r{i}.json")
            walls.append(wall)
            rates.append(fetched / wall)
            print(f"run {i + 1}: {wall:.2f} s, {fetched} responses (pages + documents), "
                  f"{fetched / wall:.1f} responses/s overall, crawl phase {crawl:.2f} s "
                  f"({fetched / max(crawl, 1e-3):.1f} responses/s), peak RSS {rss / 1024:.0f} MB")
    print(f"median: {statistics.median(walls):.2f} s wall (process start, crawl, checks, reports), "
          f"{statistics.median(rates):.1f} responses/s; delay {args.delay} s")


if __name__ == "__main__":
    main()
