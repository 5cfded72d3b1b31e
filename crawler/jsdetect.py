"""Signs that a page's static HTML is not what a visitor sees: its menu, text or links are built
by scripts. The crawler renders such pages in a browser (`render: auto`).

Pure functions over the lxml tree and the extracted `Page`; each sign is a short code:

- `empty_nav` — a navigation container (nav, role=navigation, a *menu*/*nav* class) without
  links, on a page with scripts and almost no menu links elsewhere;
- `spa_shell` — an application root (#app, #root, #__next, <app-root> …) with no text, or a
  page with scripts and next to no text at all;
- `noscript` — a <noscript> telling the visitor to switch JavaScript on (a tracking pixel in
  <noscript> is not one);
- `few_links` — a start page with scripts and fewer than three links to its own site;
- `script_links` — inline scripts that write links, forms or frames into the page.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from checks.snapshot import Page
from crawler.text import element_tokens, inline_text

SPA_ROOT_IDS = frozenset({"app", "root", "__next", "__nuxt", "___gatsby", "q-app", "main-app",
                          "application", "react-root", "vue-app"})
SPA_ROOT_TAGS = frozenset({"app-root", "my-app"})
MIN_MENU_LINKS = 3
SHELL_TEXT = 120  # characters of visible text below which a scripted page is a shell
_NOSCRIPT_WORDS = re.compile(r"javascript|\bjs\b|скрипт|включите|enable|браузер", re.I)
_SCRIPT_BUILDS = re.compile(
    r"createElement\(\s*['\"](?:a|form|iframe|nav|li)['\"]"
    r"|(?:innerHTML|outerHTML|insertAdjacentHTML)\s*(?:\+?=|\()[^;]{0,200}<(?:a|form|iframe|nav|ul)\b"
    r"|document\.write(?:ln)?\([^;]{0,200}<(?:a|form|iframe)\b"
    r"|['\"](?:url|href|link|u)['\"]\s*:\s*['\"]/", re.I)


def _is_nav_container(el) -> bool:
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag == "nav" or (el.get("role") or "").lower() in ("navigation", "menubar", "menu"):
        return True
    return tag in ("ul", "div", "ol") and any(
        t in ("menu", "nav", "navbar", "navigation", "main-menu", "top-menu") or t.endswith(
            ("__menu", "-menu", "_menu", "__list", "-nav", "_nav")) and ("menu" in t or "nav" in t)
        for t in element_tokens(el))


def _empty_nav(root) -> bool:
    for el in root.iter("nav", "ul", "div", "ol"):
        if not _is_nav_container(el):
            continue
        if next(el.iter("a"), None) is None and len(inline_text(el)) < 20:
            return True
    return False


def _spa_shell(root, page: Page) -> bool:
    for el in root.iter():
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in SPA_ROOT_TAGS or (el.get("id") or "").lower() in SPA_ROOT_IDS:
            if len(inline_text(el)) < 20:
                return True
    return len(page.text) < SHELL_TEXT


def _noscript_warning(root) -> bool:
    body = root.find("body")
    for el in (body if body is not None else root).iter("noscript"):
        text = el.text_content() if hasattr(el, "text_content") else (el.text or "")
        if len(text.strip()) >= 10 and _NOSCRIPT_WORDS.search(text):
            return True
    return False


def _own_links(page: Page, areas: tuple[str, ...] = ("nav", "footer", "aside", "main")) -> int:
    """Distinct other pages of the site the page links to (from the given areas)."""
    here = urlsplit(page.final_url)
    host = (here.hostname or "").removeprefix("www.")
    own = set()
    for link in page.links:
        parts = urlsplit(link.url)
        if link.area in areas and (parts.hostname or "").removeprefix("www.") == host:
            own.add((parts.path.rstrip("/"), parts.query))
    own.discard((here.path.rstrip("/"), here.query))
    return len(own)


def js_signals(root, page: Page) -> list[str]:
    """The signs (codes above) that the page's content is built by scripts."""
    scripted = bool(page.scripts or page.inline_scripts)
    if not scripted:
        return []
    signals = []
    if _own_links(page, ("nav",)) < MIN_MENU_LINKS and _empty_nav(root):
        signals.append("empty_nav")
    if _spa_shell(root, page):
        signals.append("spa_shell")
    if _noscript_warning(root):
        signals.append("noscript")
    if page.depth == 0 and _own_links(page) < MIN_MENU_LINKS:
        signals.append("few_links")
    if any(_SCRIPT_BUILDS.search(body) for body in page.inline_scripts):
        signals.append("script_links")
    return signals
