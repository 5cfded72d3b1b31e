"""Scrapy settings: polite by default. Tests and the batch mode override through `crawl()`.

robots.txt is applied by the spider itself (it also reads the Sitemap: lines and accounts for
every request per site), so Scrapy's RobotsTxtMiddleware is off and ROBOTSTXT_OBEY is the
spider's switch. Redirects of pages and documents are followed by the spider too (same-site
checks on every hop, loop detection); Scrapy's RedirectMiddleware serves robots.txt/sitemaps.
"""
from importlib.metadata import PackageNotFoundError, version

try:
    VERSION = version("nok-auditor")
except PackageNotFoundError:  # a source tree without installation
    VERSION = "0.0.0"

BOT_NAME = "nok-auditor"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# identifying and ASCII-only (non-ASCII header bytes upset some servers and firewalls)
USER_AGENT = (f"nok-auditor/{VERSION} (+automated check of an official website's openness "
              "for the independent quality assessment (NOK), 442-FZ art. 13)")
ROBOTSTXT_OBEY = True

CONCURRENT_REQUESTS = 32  # all sites together
CONCURRENT_REQUESTS_PER_DOMAIN = 2  # per site: the download slot is the site key
DOWNLOADER = "crawler.downloader.SlotLimitedDownloader"  # enforces the line above
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 10.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

DOWNLOAD_TIMEOUT = 30  # seconds for a whole response, slow drips included
DOWNLOAD_MAXSIZE = 5 * 1024 * 1024  # pages; also enforced after decompression
DOWNLOAD_WARNSIZE = 0
REDIRECT_MAX_TIMES = 10
RETRY_TIMES = 1
HTTPERROR_ALLOW_ALL = True  # 404/500 pages are recorded with their status
COOKIES_ENABLED = True  # "set a cookie and come back" redirects loop forever without cookies

DOWNLOADER_MIDDLEWARES = {"scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None}
# the spider accounts for every request it makes: no middleware may drop one silently
SPIDER_MIDDLEWARES = {"scrapy.spidermiddlewares.urllength.UrlLengthMiddleware": None,
                      "scrapy.spidermiddlewares.depth.DepthMiddleware": None}
# callbacks return a few requests and no items: Scrapy's default of 100 worker tasks per
# callback output costs more than the page's parsing
CONCURRENT_ITEMS = 4
# first come, first served across sites: a LIFO queue would starve early sites' requests
SCHEDULER_MEMORY_QUEUE = "scrapy.squeues.FifoMemoryQueue"
SCHEDULER_DISK_QUEUE = "scrapy.squeues.PickleFifoDiskQueue"

TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False  # Scrapy 2.19's code-executing HTTP server: not for batch runs
LOG_LEVEL = "WARNING"
