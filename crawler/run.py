"""Running crawls: `crawl()` for many sites into a sink, `crawl_site()` for one, and a CLI:

    python -m crawler.run URL [URL ...] [--out snapshot.json] [--max-pages N] [--option k=v]

Scrapy runs on Twisted's reactor, which cannot be restarted: one crawl per process.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterable
from pathlib import Path

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from checks.snapshot import Page, SiteSnapshot
from crawler import browser
from crawler.options import CrawlOptions
from crawler.sink import MemorySink, Sink
from crawler.spiders.site import Progress, SiteSpider


# component settings whose overrides are merged into crawler.settings' dicts, not replacing them
# (replacing DOWNLOADER_MIDDLEWARES would, e.g., switch Scrapy's own robots.txt handling back on)
MERGED = ("DOWNLOADER_MIDDLEWARES", "SPIDER_MIDDLEWARES", "EXTENSIONS", "DOWNLOAD_HANDLERS")


def build_settings(options: CrawlOptions, overrides: dict | None = None) -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.setdict(options.scrapy_settings(), priority="cmdline")
    if options.render != "never":  # pages go through the browser only when asked
        settings.setdict(browser.scrapy_settings(options), priority="cmdline")
    overrides = dict(overrides or {})
    for key in MERGED:
        if key in overrides:
            overrides[key] = {**settings.getdict(key), **overrides[key]}
    settings.setdict(overrides, priority="cmdline")
    return settings


def crawl(targets: Iterable[tuple[str, str]], *, sink: Sink, hints: dict | None = None,
          options: CrawlOptions | dict | None = None, settings_overrides: dict | None = None,
          progress: Progress | None = None, resume: dict[str, list[Page]] | None = None,
          skip: Iterable[str] = (), shared: dict | None = None) -> None:
    """Crawl `targets` [(org_id, start_url), ...] into `sink`; blocks until all are done.

    hints: `{"link_texts": [...], "url_patterns": [...]}` from the rule pack; progress: called
    with a stats dict (see `crawler.spiders.site.Progress`); resume: pages already stored per
    org_id (not fetched again, their links re-expanded); skip: org_ids not to crawl at all.
    shared: `{"redis_url", "key", "flush", "max_idle"}` to work one registry with other
    processes through Redis (crawler/shared.py): `targets` are offered to the shared queue.
    A MemorySink without a user agent gets the crawl's; a sink with `render_mode`/`render_note`
    learns how pages were read (auto | always | never) and why not in a browser."""
    options = CrawlOptions.model_validate(options or {})
    requested = options.render
    options, render_note = browser.resolve(options)  # raises BrowserMissing for `always`
    settings = build_settings(options, settings_overrides)
    if isinstance(sink, MemorySink):
        sink.user_agent = sink.user_agent or settings["USER_AGENT"]
    if hasattr(sink, "render_mode"):  # how pages were read goes into every snapshot
        sink.render_mode, sink.render_note = requested, render_note
    spider, extra = SiteSpider, {}
    if shared:
        from crawler.shared import SharedSiteSpider  # scrapy-redis is an optional dependency
        spider, extra = SharedSiteSpider, {"shared": shared}
    process = CrawlerProcess(settings)
    process.crawl(spider, targets=list(targets), sink=sink, hints=hints, options=options,
                  resume=resume, skip=skip, progress=progress, render_note=render_note, **extra)
    process.start()


def crawl_site(url: str, *, org_id: str = "site", hints: dict | None = None,
               options: CrawlOptions | dict | None = None,
               settings_overrides: dict | None = None) -> SiteSnapshot:
    """Crawl one site and return its snapshot."""
    return crawl_sites([url], hints=hints, options=options,
                       settings_overrides=settings_overrides, org_ids=[org_id])[0]


def crawl_sites(urls: list[str], *, hints: dict | None = None,
                options: CrawlOptions | dict | None = None,
                settings_overrides: dict | None = None,
                org_ids: list[str] | None = None) -> list[SiteSnapshot]:
    """Crawl several sites in one run; snapshots in the order of `urls`."""
    options = CrawlOptions.model_validate(options or {})
    org_ids = org_ids or [str(i) for i in range(len(urls))]
    sink = MemorySink()
    crawl(zip(org_ids, urls), sink=sink, hints=hints, options=options,
          settings_overrides=settings_overrides)
    return [sink.snapshots[org] for org in org_ids]


def _json_value(text: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def _pairs(items: list[str]) -> dict:
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep:
            raise SystemExit(f"ожидалось КЛЮЧ=ЗНАЧЕНИЕ: {item}")
        out[key.strip()] = _json_value(value)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.run",
                                     description="Обход сайтов и запись снимков (JSON).")
    parser.add_argument("urls", nargs="+", metavar="URL")
    parser.add_argument("--out", type=Path, help="файл JSON (по умолчанию stdout)")
    parser.add_argument("--hints", type=Path, help="JSON {link_texts, url_patterns}")
    parser.add_argument("--max-pages", type=int)
    parser.add_argument("--max-depth", type=int)
    parser.add_argument("--time-budget", type=float)
    parser.add_argument("--delay", type=float, dest="download_delay")
    parser.add_argument("--option", "-o", action="append", default=[], metavar="NAME=VALUE",
                        help="любое поле CrawlOptions (значение JSON или строка)")
    parser.add_argument("--set", "-s", action="append", default=[], metavar="KEY=VALUE",
                        help="настройка Scrapy (значение JSON или строка)")
    args = parser.parse_args(argv)
    options = {k: v for k, v in (("max_pages", args.max_pages), ("max_depth", args.max_depth),
                                 ("time_budget", args.time_budget),
                                 ("download_delay", args.download_delay)) if v is not None}
    options.update(_pairs(args.option))
    hints = json.loads(args.hints.read_text("utf-8")) if args.hints else None
    began = time.monotonic()
    snapshots = crawl_sites(args.urls, hints=hints, options=options,
                            settings_overrides=_pairs(args.set))
    for snap in snapshots:
        print(f"{snap.start_url}: страниц {len(snap.pages)}, документов {len(snap.documents)}, "
              f"сбоев {len(snap.failures)}, остановка: {snap.stop_reason or 'обход завершён'}",
              file=sys.stderr)
    print(f"время: {time.monotonic() - began:.1f} с", file=sys.stderr)
    data = [s.model_dump(mode="json") for s in snapshots]
    text = json.dumps(data[0] if len(data) == 1 else data, ensure_ascii=False, indent=1)
    if args.out:
        args.out.write_text(text, "utf-8")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
