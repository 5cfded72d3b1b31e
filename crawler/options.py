"""Crawl options: per-site budgets, politeness and size caps, as one small model."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from crawler import settings as defaults

MB = 1024 * 1024


class CrawlOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # per-site budgets
    max_pages: int = Field(150, ge=1)
    max_depth: int = Field(6, ge=0)
    max_documents: int = Field(60, ge=0)
    time_budget: float = Field(300.0, gt=0)  # seconds per site
    # politeness
    user_agent: str = defaults.USER_AGENT
    obey_robots: bool = defaults.ROBOTSTXT_OBEY
    download_delay: float = Field(defaults.DOWNLOAD_DELAY, ge=0)
    autothrottle: bool = defaults.AUTOTHROTTLE_ENABLED
    # robots.txt Crawl-delay is honoured up to this many seconds (a longer one would let a site
    # give only time_budget / delay pages: 10 s and the 300 s budget still give 30 pages)
    max_crawl_delay: float = Field(10.0, ge=0)
    concurrency_per_site: int = Field(defaults.CONCURRENT_REQUESTS_PER_DOMAIN, ge=1)
    concurrent_requests: int = Field(defaults.CONCURRENT_REQUESTS, ge=1)
    max_active_sites: int = Field(16, ge=1)  # sites crawled at the same time
    # limits per response
    download_timeout: float = Field(defaults.DOWNLOAD_TIMEOUT, gt=0)
    page_maxsize: int = Field(defaults.DOWNLOAD_MAXSIZE, ge=1)
    document_maxsize: int = Field(20 * MB, ge=1)
    max_redirects: int = Field(defaults.REDIRECT_MAX_TIMES, ge=0)
    # traps
    max_url_length: int = Field(500, ge=50)
    max_query_variants: int = Field(10, ge=1)  # fetched ?query variants of one path
    max_calendar_pages: int = Field(5, ge=0)
    max_frontier: int = Field(5000, ge=1)  # URLs queued per site
    max_sitemap_files: int = Field(5, ge=0)
    max_sitemap_urls: int = Field(1000, ge=0)
    max_document_links: int = Field(1000, ge=0)  # document links recorded per site
    # the browser (docs/crawler.md, "Rendering"): auto renders pages whose HTML looks
    # incomplete or that a rule needs in a browser, always renders every page, never none
    render: Literal["auto", "always", "never"] = "auto"
    max_renders: int = Field(10, ge=0)  # rendered pages per site (auto; always: max_pages)
    render_timeout: float = Field(20.0, gt=0)  # seconds per rendered page, trial included
    # pages open in the browser at once, all sites together: rendering is CPU-bound (about 8
    # simple pages/s on 2 cores), more at once only slows each one down and costs memory
    render_concurrency: int = Field(3, ge=1)
    browser_executable: str = "/usr/bin/chromium"
    # other hosts' scripts, frames and styles load in the browser (widgets, CDNs); False: only
    # the site's own (and the stand-ins below) - nothing else leaves the machine
    browser_third_party: bool = True
    screenshots: bool = False  # low-vision trials keep a screenshot (files in screenshot_dir)
    screenshot_dir: str = ""
    # safe probes (HEAD, or GET without parameters; never POST) of form actions, widgets and
    # links the rules name; external ones only when probe_external
    probes: bool = True
    probe_external: bool = True
    max_probes: int = Field(20, ge=0)  # per site
    # tests: origin -> local stand-in origin ("https://bus.gov.ru" -> "http://127.0.0.5:8000");
    # probes and the browser's requests to such origins go to the stand-in instead
    stand_ins: dict[str, str] = Field(default_factory=dict)

    def scrapy_settings(self) -> dict:
        """The Scrapy settings these options decide; the spider reads the rest itself."""
        return {
            "USER_AGENT": self.user_agent,
            "ROBOTSTXT_OBEY": self.obey_robots,
            "DOWNLOAD_DELAY": self.download_delay,
            "AUTOTHROTTLE_ENABLED": self.autothrottle,
            # start at the configured delay and let AutoThrottle slow down for slow servers
            "AUTOTHROTTLE_START_DELAY": self.download_delay,
            "CONCURRENT_REQUESTS_PER_DOMAIN": self.concurrency_per_site,
            "CONCURRENT_REQUESTS": self.concurrent_requests,
            "DOWNLOAD_TIMEOUT": self.download_timeout,
            "DOWNLOAD_MAXSIZE": self.page_maxsize,
            "REDIRECT_MAX_TIMES": self.max_redirects,
        }
