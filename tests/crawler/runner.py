"""Runs one crawl in this (fresh) process from a JSON spec; used by the tests through
`run_crawl()`, since Twisted's reactor cannot be restarted inside the pytest process.

    python -m tests.crawler.runner SPEC.json OUT.json
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from checks.snapshot import Page
from crawler.run import crawl
from crawler.sink import MemorySink


def main(spec_path: str, out_path: str) -> None:
    spec = json.loads(Path(spec_path).read_text("utf-8"))
    sink = MemorySink()
    progress: dict[str, int] = {}
    crawl([tuple(t) for t in spec["targets"]], sink=sink, hints=spec["hints"],
          options=spec["options"], settings_overrides=spec["settings"],
          progress=lambda stats: progress.__setitem__(stats["org_id"], stats["site_pages"]),
          resume={org: [Page.model_validate(p) for p in pages]
                  for org, pages in spec["resume"].items()},
          skip=spec["skip"])
    Path(out_path).write_text(json.dumps({
        "snapshots": {org: snap.model_dump(mode="json") for org, snap in sink.snapshots.items()},
        "progress": progress}, ensure_ascii=False), "utf-8")


if __name__ == "__main__":
    main(*sys.argv[1:])
