"""Benchmark of `nok check` on the bundled example site: pages/s, rendering cost, peak memory.

Runs `nok check` in a subprocess (as a user would) against the example site served on
127.0.0.1, for each rendering mode and several times each, and prints wall time, responses
fetched, responses/s, pages rendered in the browser, seconds per render and the peak memory
of the whole process tree (PSS, so Chromium's shared pages count once) and of its largest
process, sampled every 0.2 s.

    python bench/check_bench.py                          # --render never auto always, 3 runs
    python bench/check_bench.py --render never --runs 5 --delay 0.5
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

from nok.demo_server import serve_demo
from proc_memory import run_sampled


def one_run(url: str, render: str, delay: float, out: Path) -> dict:
    cmd = [sys.executable, "-m", "nok.cli", "check", url, "--render", render, "--delay", str(delay),
           "--json", str(out)]
    result, wall, tree_mb, proc_mb = run_sampled(cmd)
    if not out.exists():
        raise SystemExit(f"nok check failed ({result.returncode}):\n{result.stderr[-3000:]}")
    crawl = json.loads(out.read_text(encoding="utf-8"))["crawl"]
    return {"wall": wall, "fetched": crawl["pages"] + crawl["documents"], "crawl_s": crawl["duration_s"],
            "rendered": crawl["rendered"], "render_s": crawl["render_s"], "tree_mb": tree_mb, "proc_mb": proc_mb}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--delay", type=float, default=0.0, help="per-domain delay, s")
    parser.add_argument("--render", nargs="+", choices=("never", "auto", "always"),
                        default=["never", "auto", "always"])
    args = parser.parse_args()
    print(f"{'render':>7} {'wall s':>7} {'responses':>9} {'resp/s':>7} {'crawl s':>8} {'rendered':>8} "
          f"{'s/render':>8} {'PSS MB':>7} {'max proc':>8}   (median of {args.runs} runs, delay {args.delay} s)")
    with tempfile.TemporaryDirectory() as tmp, serve_demo() as url:
        for mode in args.render:
            runs = [one_run(url + "/", mode, args.delay, Path(tmp) / f"{mode}{i}.json") for i in range(args.runs)]
            med = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
            per = f"{med['render_s'] / med['rendered']:.2f}" if med["rendered"] else "—"
            print(f"{mode:>7} {med['wall']:>7.2f} {med['fetched']:>9.0f} {med['fetched'] / med['wall']:>7.1f} "
                  f"{med['crawl_s']:>8.2f} {med['rendered']:>8.0f} {per:>8} {med['tree_mb']:>7.0f} "
                  f"{med['proc_mb']:>8.0f}", flush=True)


if __name__ == "__main__":
    main()
