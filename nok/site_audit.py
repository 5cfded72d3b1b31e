"""Crawl sites and check them: the one code path behind `nok check`, `nok demo` and `nok eval`."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Literal

from pydantic import BaseModel
from rich.console import Console

from checks.engine import check_site, load_checked_pack
from checks.findings import Evidence, Outcome, SiteReport
from checks.snapshot import SiteSnapshot
from crawler import browser
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
    render: Literal["auto", "always", "never"] = "auto"  # pages in a browser (crawler/browser.py)
    max_renders: int = 10  # rendered pages per site (auto)
    screenshots: bool = False  # screenshots of the pages where present items were found
    screenshot_dir: Path | None = None  # where they go (a folder per organisation)
    # other sites may be asked (safe probes of bus.gov.ru, social accounts, widgets) and their
    # scripts loaded in the browser; False: nothing but the audited site itself
    external: bool = True

    def crawl_options(self) -> CrawlOptions:
        return CrawlOptions(max_pages=self.max_pages, max_depth=self.max_depth,
                            time_budget=self.time_budget, download_delay=self.delay,
                            render=self.render, max_renders=self.max_renders,
                            screenshots=self.screenshots,
                            screenshot_dir=str(self.screenshot_dir or "nok-screenshots"),
                            browser_third_party=self.external, probe_external=self.external)


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
    crawl_options = browser_check(options.crawl_options(), console)
    crawl(targets, sink=sink, hints=pack.crawl_hints(), options=crawl_options, progress=progress)
    progress.done()
    audited = {org_id: (check_site(snap, pack, tool_version=__version__), snap)
               for org_id, snap in sink.snapshots.items()}
    if options.screenshots and crawl_options.render != "never":
        take_screenshots(audited, crawl_options, console)
    return audited


def browser_check(crawl_options: CrawlOptions, console: Console | None) -> CrawlOptions:
    """`--render always` without Chromium is an error; `auto` goes on without the browser,
    saying so (the crawl records the same note in every snapshot)."""
    if crawl_options.render == "never" or browser.browser_available(crawl_options.browser_executable):
        return crawl_options
    note = browser.unavailable_note(crawl_options.browser_executable)
    if crawl_options.render == "always":
        raise UserError(f"Режим --render always невозможен: {note}")
    if console:
        console.print(f"[yellow]Внимание:[/] {note}")
    return crawl_options


MAX_SCREENSHOTS = 40  # present items per site with a screenshot


def take_screenshots(audited: dict[str, tuple[SiteReport, SiteSnapshot]], crawl_options: CrawlOptions,
                     console: Console | None = None) -> None:
    """A screenshot of the page where each present item was found, the found fragment outlined
    (the first evidence of the item), into the evidence's `screenshot`; the low-vision trial's
    own screenshot (the version switched on) is kept."""
    shots: list[tuple[browser.Shot, Evidence]] = []
    for org_id, (report, _) in audited.items():
        folder = browser.shot_folder(crawl_options.screenshot_dir, org_id)
        taken = 0
        for finding in report.findings:
            if finding.outcome != Outcome.present or taken >= MAX_SCREENSHOTS:
                continue
            ev = next((e for e in finding.evidence if e.url.startswith(("http://", "https://"))), None)
            if ev is None or ev.screenshot:
                continue
            shot = browser.Shot(ev.url, folder / f"{finding.id}.jpg", browser.snippet_fragment(ev.snippet))
            shots.append((shot, ev))
            taken += 1
    if not shots:
        return
    if console:
        console.print(f"Снимки страниц со свидетельствами: {len(shots)}…", highlight=False)
    done = browser.capture([shot for shot, _ in shots], crawl_options)
    for shot, ev in shots:
        ev.screenshot = done.get(str(shot.path), "")


def audit_site(url: str, pack: RulePack, options: AuditOptions,
               console: Console | None = None) -> tuple[SiteReport, SiteSnapshot]:
    return audit_sites([("site", url)], pack, options, console)["site"]
