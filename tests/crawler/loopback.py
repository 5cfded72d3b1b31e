"""Test guard: a downloader middleware refusing any request to a host outside 127.0.0.0/8."""
from __future__ import annotations

import ipaddress
import logging
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest

MARKER = "NON-LOOPBACK REQUEST"
logger = logging.getLogger(__name__)


class LoopbackOnly:
    def process_request(self, request):
        host = urlsplit(request.url).hostname or ""
        try:
            loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = False
        if not loopback:
            logger.error("%s: %s", MARKER, request.url)
            raise IgnoreRequest(f"{MARKER}: {request.url}")
