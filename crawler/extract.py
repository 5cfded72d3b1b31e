"""HTML bytes + headers + URL → `Page`: what a visitor could see and use on the page.

Pure functions over lxml; no Scrapy here, so extraction is tested and reused on its own.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timezone
from urllib.parse import urldefrag, urljoin

from lxml import etree, html

from checks.snapshot import Link, Page
from crawler.encoding import decode_html
from crawler.forms import controls, forms
from crawler.jsdetect import js_signals
from crawler.text import (
    clean, element_attrs, element_tokens, inline_text, join_unique, visible_text,
)

_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
_REFRESH_URL = re.compile(r"url\s*=\s*['\"]?([^'\"]+)", re.I)
_NAV_EXACT = frozenset({"header", "site-header", "top-header", "topbar", "breadcrumbs",
                        "breadcrumb"})
_ASIDE_EXACT = frozenset({"aside", "side", "leftcol", "rightcol", "left-col", "right-col",
                          "column-left", "column-right", "left-column", "right-column"})
_CONTENT_CONTAINERS = frozenset({"article", "main", "section"})
MAX_LINKS = 3000
MAX_INLINE_SCRIPTS = 30
INLINE_SCRIPT_CHARS = 1000
MAX_ITEMPROP_NAMES = 100
MAX_ITEMPROP_VALUES = 20
MAX_ITEMPROP_CHARS = 300


def _is_nav_token(token: str) -> bool:
    parts = re.split(r"[-_]", token)
    return ("menu" in token or token in _NAV_EXACT
            or any(p.startswith("nav") or p.endswith("nav") for p in parts if p))


def _own_area(el) -> str:
    """The area an element itself declares ("" when it says nothing)."""
    tag = el.tag if isinstance(el.tag, str) else ""
    role = (el.get("role") or "").lower()
    tokens = element_tokens(el)
    if tag == "nav" or role in ("navigation", "banner", "menubar", "menu") or any(
            _is_nav_token(t) for t in tokens):
        return "nav"
    if tag == "footer" or role == "contentinfo" or any("footer" in t for t in tokens):
        return "footer"
    if tag == "aside" or role == "complementary" or any(
            "sidebar" in t or t in _ASIDE_EXACT for t in tokens):
        return "aside"
    if tag == "header" and not any(a.tag in _CONTENT_CONTAINERS for a in el.iterancestors()):
        return "nav"
    return ""


def link_area(el, memo: dict | None = None) -> str:
    """nav / footer / aside / main, by the nearest ancestor that says which. `memo` caches
    the answer per ancestor element across the links of one page."""
    memo = {} if memo is None else memo
    climbed = []
    area = "main"
    for anc in el.iterancestors():
        if anc in memo:
            area = memo[anc]
            break
        climbed.append(anc)
        own = _own_area(anc)
        if own:
            area = own
            break
    for anc in climbed:
        memo[anc] = area
    return area


def _link_text(a) -> str:
    if len(a) == 0 and a.get("aria-label") is None and a.get("title") is None:
        return clean(a.text or "")  # the common case: plain text only
    parts = [inline_text(a)]
    for img in a.iter("img"):
        parts += [img.get("alt") or "", img.get("title") or ""]
    parts += [a.get("aria-label") or "", a.get("title") or ""]
    return join_unique(parts)


def _absolute(base: str, ref: str) -> str:
    return urldefrag(urljoin(base, ref))[0]


def link_url(href: str, base: str, page_url: str) -> str:
    """Absolute URL without fragment; `#…`/javascript: hooks → the page URL; other schemes
    (tel:, mailto:, viber:, …) kept as written."""
    href = re.sub(r"[\t\n\r]", "", href).strip()
    if not href or href.startswith("#"):
        return page_url
    match = _SCHEME.match(href)
    if match:
        scheme = match.group(1).lower()
        if scheme == "javascript":
            return page_url
        if scheme not in ("http", "https"):
            return href
    return _absolute(base, href)


def _links(root, base: str, page_url: str) -> list[Link]:
    links = []
    areas: dict = {}
    for a in root.iter("a", "area"):
        href = a.get("href")
        if href is None:
            continue
        links.append(Link(url=link_url(href, base, page_url), text=_link_text(a),
                          area=link_area(a, areas), attrs=element_attrs(a)))
        if len(links) >= MAX_LINKS:
            break
    for meta in root.iter("meta"):
        if (meta.get("http-equiv") or "").lower() == "refresh":
            match = _REFRESH_URL.search(meta.get("content") or "")
            if match:
                links.append(Link(url=link_url(match.group(1), base, page_url),
                                  attrs="meta-refresh"))
    return links


def _itemprops(root, base: str) -> dict[str, list[str]]:
    props: dict[str, list[str]] = {}
    for el in root.xpath("//*[@itemprop]"):
        value = el.get("content") or el.get("datetime")
        if value is None and el.tag in ("a", "link", "area"):
            value = _absolute(base, el.get("href") or "")
        elif value is None and el.tag in ("img", "iframe", "source", "embed"):
            value = _absolute(base, el.get("src") or "")
        value = clean(value if value is not None else inline_text(el))[:MAX_ITEMPROP_CHARS]
        for name in (el.get("itemprop") or "").split():
            if name not in props and len(props) >= MAX_ITEMPROP_NAMES:
                continue
            values = props.setdefault(name, [])
            if len(values) < MAX_ITEMPROP_VALUES:
                values.append(value)
    return props


def _sources(root, tags: tuple[str, ...], base: str) -> list[str]:
    out = []
    for el in root.iter(*tags):
        src = (el.get("src") or "").strip()
        if src and not src.lower().startswith(("javascript:", "about:", "data:")):
            out.append(_absolute(base, src))
    return out


def _inline_scripts(root) -> list[str]:
    heads = []
    for el in root.iter("script"):
        if el.get("src") is None and (el.text or "").strip():
            heads.append(el.text.strip()[:INLINE_SCRIPT_CHARS])
            if len(heads) >= MAX_INLINE_SCRIPTS:
                break
    return heads


def parse_html(text: str):
    """lxml document for HTML text, None for an empty document."""
    text = _XML_DECL.sub("", text, count=1).replace("\x00", "")
    try:
        return html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return None


def extract_page(body: bytes, *, url: str, final_url: str = "", status: int = 200,
                 headers: Mapping[str, str] | None = None, depth: int = 0) -> Page:
    """A `Page` from an HTML response. `headers`: HTTP response headers (any key case)."""
    headers = {k.lower(): v for k, v in (headers or {}).items()}
    final_url = final_url or url
    content_type = headers.get("content-type", "")
    text, encoding = decode_html(body, content_type)
    page = Page(url=url, final_url=final_url, status=status, content_type=content_type,
                encoding=encoding, last_modified=headers.get("last-modified", ""),
                depth=depth, fetched_at=datetime.now(timezone.utc))
    root = parse_html(text)
    if root is None:
        return page
    page_url = urldefrag(final_url)[0]
    base_href = root.xpath("string(//base/@href)").strip()
    base = urljoin(page_url, base_href) if base_href else page_url
    title = root.find(".//title")
    images = list(root.iter("img"))
    page.title = clean(title.text_content()) if title is not None else ""
    page.lang = clean(root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
                      or "")
    page.text = visible_text(root)
    page.headings = [h for h in (inline_text(el) for el in root.iter("h1", "h2", "h3", "h4"))
                     if h]
    page.links = _links(root, base, page_url)
    page.forms = forms(root, base, page_url)
    page.controls = controls(root)
    page.scripts = _sources(root, ("script",), base)
    page.inline_scripts = _inline_scripts(root)
    page.iframes = _sources(root, ("iframe", "frame"), base)
    page.images = len(images)
    page.images_without_alt = sum(1 for img in images if img.get("alt") is None)
    page.itemprops = _itemprops(root, base)
    page.js_signals = js_signals(root, page)
    return page
