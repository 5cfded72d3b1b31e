"""Crawl options: per-site budgets, politeness and size caps, as one small model."""
from __future__ import annotations

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
