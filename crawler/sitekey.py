"""Site identity and URL hygiene: site keys, same-site tests, dedup keys, what to crawl, traps.

A site is a host without `www.`, scheme ignored: http://www.x.ru/ and https://x.ru/ are one site.
"""
from __future__ import annotations

import posixpath
import re
from collections.abc import Collection
from functools import lru_cache
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url, safe_url_string

# Query parameters that never change the content: sessions, tracking, CMS service switches and
# print versions (a print version duplicates its page).
DROP_PARAMS = frozenset({
    "phpsessid", "jsessionid", "sessionid", "session_id", "sessid", "aspsessionid", "cfid",
    "cftoken", "fbclid", "gclid", "yclid", "ysclid", "_openstat", "_ga", "_gl", "mc_cid",
    "bitrix_include_areas", "clear_cache", "show_page_exec_time", "show_include_exec_time",
    "show_sql_stat", "print", "login", "logout", "register", "forgot_password",
    "change_password", "backurl", "back_url",
})
# `sid` is a section id on some CMSs: dropped only when its value looks like a session token
TOKEN_PARAMS = frozenset({"sid", "s"})
_TOKEN = re.compile(r"^[0-9a-zA-Z]{16,}$")
_PATH_SESSION = re.compile(r";(?:jsessionid|phpsessid|sid)=[^/?#]*", re.I)
_INDEX_FILE = re.compile(r"/(?:index\.(?:php|html?|asp|aspx|jsp|shtml)|default\.aspx?)$", re.I)

DOCUMENT_EXTENSIONS = {
    "pdf": "pdf", "doc": "doc", "docx": "docx", "xls": "xls", "xlsx": "xlsx",
    "odt": "odt", "ods": "ods", "rtf": "rtf",
}
# Links with these extensions are never fetched (binary assets that hold no page text).
ASSET_EXTENSIONS = frozenset("""
    jpg jpeg png gif bmp svg webp ico tif tiff heic avif psd eps ai cdr djvu djv
    css js mjs map json xml rss atom txt csv
    zip rar 7z gz tgz tar bz2 xz arj cab iso dmg exe msi apk bin jar deb rpm sig p7s
    mp3 mp4 m4a m4v avi mov wmv flv mkv webm ogg ogv oga wav mpeg mpg 3gp aac flac swf
    woff woff2 ttf eot otf ppt pptx pps ppsx odp key
""".split())

_CALENDAR_KEYS = frozenset({
    "year", "month", "day", "date", "week", "y", "m", "d", "cal", "calendar", "dt", "mon",
    "ym", "ymd", "day_from", "day_to", "date_from", "date_to",
})
_DATE_VALUE = re.compile(r"^[\d.\-/]{1,10}$")
_DATE_SEGMENT = re.compile(r"^\d{4}-\d{1,2}(?:-\d{1,2})?$")
_CALENDAR_SEGMENTS = frozenset({"calendar", "kalendar", "calendar.php", "kalendar.php"})
MAX_PATH_SEGMENTS = 15
MAX_SEGMENT_REPEATS = 3
# the same menu links come back on every page of a site: URL functions are cached
_cached = lru_cache(maxsize=50_000)


@_cached
def site_key(url: str) -> str:
    """The site key of a URL: host lower-case without `www.`, plus `:port` unless 80/443."""
    parts = urlsplit(safe_url_string(url.strip()))
    host = (parts.hostname or "").rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    try:
        port = parts.port
    except ValueError:
        port = None
    if port and port not in (80, 443):
        host = f"{host}:{port}"
    return host


def origin(url: str) -> str:
    """scheme://netloc of a URL (lower-case): the unit robots.txt applies to."""
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def is_http(url: str) -> bool:
    return url[:8].lower().startswith(("http://", "https://"))


def same_site(url: str, keys: Collection[str]) -> bool:
    return is_http(url) and site_key(url) in keys


def normalise_start_url(url: str) -> str:
    """A registry URL as typed by people ("site.ru", " http://site.ru ") made requestable."""
    url = url.strip()
    if "://" not in url:
        url = "http://" + url.lstrip("/")
    parts = urlsplit(safe_url_string(url))
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/",
                       parts.query, ""))


@_cached
def clean_url(url: str) -> str:
    """The URL to request: percent-encoded, no fragment, no session/tracking parameters."""
    parts = urlsplit(safe_url_string(url))
    path = _PATH_SESSION.sub("", parts.path) or "/"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        kept = [(k, v) for k, v in pairs if not _droppable(k, v)]
        if len(kept) != len(pairs):
            query = urlencode(kept)
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, query, ""))


def _droppable(name: str, value: str) -> bool:
    name = name.lower()
    return (name in DROP_PARAMS or name.startswith("utm_")
            or (name in TOKEN_PARAMS and bool(_TOKEN.match(value))))


@_cached
def dedup_key(url: str) -> str:
    """Identity of a resource within the crawl: site key + canonical path and sorted query.

    Scheme and `www.` are ignored (one site), and `/index.php` is the same as `/`."""
    canon = urlsplit(canonicalize_url(clean_url(url)))
    path = _INDEX_FILE.sub("/", canon.path) or "/"
    return f"{site_key(url)}{path}" + (f"?{canon.query}" if canon.query else "")


def path_key(url: str) -> str:
    """Dedup key without the query: counts the query variants of one path."""
    return dedup_key(url).split("?", 1)[0]


def extension(url: str) -> str:
    name = posixpath.basename(unquote(urlsplit(url).path))
    return name.rsplit(".", 1)[1].lower() if "." in name else ""


def document_kind(url: str) -> str:
    """`pdf`, `docx`, ... when the URL names a document by its extension, else ""."""
    return DOCUMENT_EXTENSIONS.get(extension(url), "")


def is_asset(url: str) -> bool:
    return extension(url) in ASSET_EXTENSIONS


def trap_reason(url: str, max_length: int) -> str:
    """Why a URL looks like a crawler trap ("" when it does not)."""
    if len(url) > max_length:
        return "long_url"
    segments = [s for s in urlsplit(url).path.split("/") if s]
    if len(segments) > MAX_PATH_SEGMENTS:
        return "deep_path"
    if segments and max(segments.count(s) for s in set(segments)) >= MAX_SEGMENT_REPEATS:
        return "repeated_segments"
    return ""


def is_calendar(url: str) -> bool:
    """A calendar-like URL (date parameters, /calendar/, /2024/05/): endless by nature."""
    parts = urlsplit(url)
    segments = [s.lower() for s in parts.path.split("/") if s]
    if any(s in _CALENDAR_SEGMENTS or _DATE_SEGMENT.match(s) for s in segments):
        return True
    if any(a.isdigit() and len(a) == 4 and b.isdigit() and len(b) <= 2
           for a, b in zip(segments, segments[1:])):
        return True
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        name = name.lower()
        if (name in _CALENDAR_KEYS or "date" in name) and _DATE_VALUE.match(value):
            return True
    return False
