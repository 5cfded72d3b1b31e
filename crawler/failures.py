"""Why a request failed: a machine reason code and a Russian explanation."""
from __future__ import annotations

import re

from scrapy.exceptions import (
    CannotResolveHostError, DownloadCancelledError, DownloadConnectionRefusedError,
    DownloadTimeoutError, ResponseDataLossError,
)
from twisted.internet import error as tx

MB = 1024 * 1024
_ANNOUNCED = re.compile(r"Expected to receive (\d+) bytes")

REDIRECT_DETAILS = {
    "redirect_loop": "циклическое перенаправление",
    "too_many_redirects": "слишком много перенаправлений подряд",
    "offsite_redirect": "перенаправление на другой сайт, не загружалось",
    "bad_redirect": "перенаправление на адрес, который нельзя открыть",
    "trap": "перенаправление на адрес-ловушку для робота",
}


def http_failure(status: int) -> tuple[str, str]:
    if status == 404:
        return "http_404", "страница не найдена (HTTP 404)"
    if status in (401, 403):
        return f"http_{status}", f"доступ запрещён (HTTP {status})"
    if status >= 500:
        return f"http_{status}", f"ошибка сервера (HTTP {status})"
    return f"http_{status}", f"ошибка HTTP {status}"


def describe_error(exc: BaseException, *, timeout: float, maxsize: int) -> tuple[str, str]:
    message = str(exc)
    if isinstance(exc, (DownloadTimeoutError, tx.TimeoutError, tx.TCPTimedOutError,
                        TimeoutError)):
        return "timeout", f"нет полного ответа за {timeout:g} с"
    # Scrapy cancels a download only for its size: by Content-Length, while streaming, or
    # while decompressing (IgnoreRequest naming DOWNLOAD_MAXSIZE)
    if isinstance(exc, DownloadCancelledError) or "DOWNLOAD_MAXSIZE" in message:
        return "too_large", f"ответ больше допустимого размера ({round(maxsize / MB, 1):g} МБ)"
    if isinstance(exc, (DownloadConnectionRefusedError, tx.ConnectionRefusedError,
                        ConnectionRefusedError)):
        return "refused", "сервер отклонил соединение"
    if isinstance(exc, (CannotResolveHostError, tx.DNSLookupError)):
        return "dns", "адрес сайта не найден (DNS)"
    if isinstance(exc, ResponseDataLossError):
        return "data_loss", "ответ оборван сервером"
    name = type(exc).__name__
    if "SSL" in name or "TLS" in name or "certificate" in message.lower():
        return "tls", "ошибка защищённого соединения (TLS)"
    return "network", f"ошибка соединения ({name})"


def announced_size(exc: BaseException) -> int | None:
    """The size a response announced (Content-Length) when it was refused as too large."""
    match = _ANNOUNCED.search(str(exc))
    return int(match.group(1)) if match else None
