"""Download errors → reason codes and Russian details."""
from __future__ import annotations

import pytest
from scrapy.exceptions import (
    CannotResolveHostError, DownloadCancelledError, DownloadConnectionRefusedError,
    DownloadTimeoutError, IgnoreRequest,
)

from crawler.failures import announced_size, describe_error, http_failure

MB = 1024 * 1024


@pytest.mark.parametrize("exc, reason, detail", [
    (DownloadTimeoutError("Getting x took longer than 30 seconds."), "timeout",
     "нет полного ответа за 30 с"),
    (CannotResolveHostError("no such host"), "dns", "адрес сайта не найден (DNS)"),
    (DownloadConnectionRefusedError(), "refused", "сервер отклонил соединение"),
    (DownloadCancelledError(""), "too_large", "ответ больше допустимого размера (5 МБ)"),
    (IgnoreRequest("... exceeded DOWNLOAD_MAXSIZE (5242880 B) during decompression."),
     "too_large", "ответ больше допустимого размера (5 МБ)"),
    (OSError("odd"), "network", "ошибка соединения (OSError)"),
])
def test_describe_error(exc, reason, detail):
    assert describe_error(exc, timeout=30, maxsize=5 * MB) == (reason, detail)


def test_http_failures_and_announced_size():
    assert http_failure(404) == ("http_404", "страница не найдена (HTTP 404)")
    assert http_failure(403)[1] == "доступ запрещён (HTTP 403)"
    assert http_failure(502)[1] == "ошибка сервера (HTTP 502)"
    refused = DownloadCancelledError("Expected to receive 31457280 bytes which is larger than "
                                     "download max size (20971520) in request <GET x>.")
    assert announced_size(refused) == 31457280
    assert announced_size(DownloadCancelledError("")) is None
