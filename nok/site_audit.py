"""Crawl sites and check them: the one code path behind `nok check`, `nok demo` and `nok eval`."""
from __future__ import annotations

import time
from pathlib import Path

from pydantic import BaseModel
from rich.console import Console

from checks.engine import check_site, load_checked_pack
from checks.findings import SiteReport
from checks.snapshot import SiteSnapshot
from crawler.run import CrawlOptions, crawl
from crawler.sink import MemorySink
from nok import __version__
from nok.errors import UserError
from rules.loader import RuleError, RulePack


class AuditOptions(BaseModel):
    max_pages: int = 150
    max_depth: int = 6
    time_budget: float = 300
    delay: float = 0.5

    def crawl_options(self) -> CrawlOptions:
        return CrawlOptions(max_pages=self.max_pages, max_depth=self.max_depth,
                            time_budget=self.time_budget, download_delay=self.delay)


def load_rules(sphere: str, presets_file: Path | None = None) -> RulePack:
    try:
        return load_checked_pack(sphere, presets_file=presets_file)
    except RuleError as exc:
        raise UserError(str(exc)) from exc


class ProgressLine:
    """A one-line crawl progress display on stderr (pages, documents, failures, rate)."""

    def __init__(self, console: Console | None, total_sites: int):
        self.console = console
        self.total = total_sites
        self.started = time.monotonic()
        self.last = 0.0

    def __call__(self, stats: dict) -> None:
        now = time.monotonic()
        if not self.console or now - self.last < 0.5:
            return
        self.last = now
        rate = stats.get("pages", 0) / max(now - self.started, 1e-6)
        sites = f"сайтов {stats.get('sites_done', 0)}/{self.total}, " if self.total > 1 else ""
        self.console.print(f"Обход: {sites}страниц {stats.get('pages', 0)}, документов "
                           f"{stats.get('documents', 0)}, ошибок {stats.get('failures', 0)}, "
                           f"{rate:.1f} стр/с", end="\r", highlight=False)

    def done(self) -> None:
        if self.console:
            self.console.print(" " * 70, end="\r")


def audit_sites(targets: list[tuple[str, str]], pack: RulePack, options: AuditOptions,
                console: Console | None = None) -> dict[str, tuple[SiteReport, SiteSnapshot]]:
    """Crawl every (org_id, url) in one run, then check each snapshot. Once per process."""
    sink = MemorySink()
    progress = ProgressLine(console, len(targets))
    crawl(targets, sink=sink, hints=pack.crawl_hints(), options=options.crawl_options(), progress=progress)
    progress.done()
    return {org_id: (check_site(snap, pack, tool_version=__version__), snap)
            for org_id, snap in sink.snapshots.items()}


def audit_site(url: str, pack: RulePack, options: AuditOptions,
               console: Console | None = None) -> tuple[SiteReport, SiteSnapshot]:
    return audit_sites([("site", url)], pack, options, console)["site"]
