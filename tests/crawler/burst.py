"""A plain Scrapy spider firing N requests at one host at once (per-domain limit 2):

    python -m tests.crawler.burst URL N DOWNLOADER_CLASS
"""
from __future__ import annotations

import sys

import scrapy
from scrapy.crawler import CrawlerProcess


class Burst(scrapy.Spider):
    name = "burst"

    def __init__(self, url: str, count: int, **kwargs):
        super().__init__(**kwargs)
        self.url, self.count = url, count

    async def start(self):
        for i in range(self.count):
            yield scrapy.Request(f"{self.url}?i={i}", callback=self.parse, dont_filter=True)

    def parse(self, response):
        return []


def main(url: str, count: str, downloader: str) -> None:
    process = CrawlerProcess({
        "DOWNLOADER": downloader, "CONCURRENT_REQUESTS": 32, "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
        "DOWNLOAD_DELAY": 0, "ROBOTSTXT_OBEY": False, "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "ERROR"})
    process.crawl(Burst, url=url, count=int(count))
    process.start()


if __name__ == "__main__":
    main(*sys.argv[1:])
