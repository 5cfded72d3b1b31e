"""Link priority from the rule pack's crawl hints: the pages the checks need come first.

Hints are a plain dict `{"link_texts": [...], "url_patterns": [...]}` (the rules layer builds it:
`rules.loader.load_pack(...).crawl_hints()`); the crawler never reads rule files itself.
"""
from __future__ import annotations

import re
from urllib.parse import unquote

TEXT_MATCH = 100.0  # the anchor text matches a hinted link text
URL_MATCH = 50.0  # the URL matches a hinted URL pattern
NAV_BONUS = 10.0  # common navigation links lead to the main sections
FOOTER_BONUS = 5.0
SITEMAP_BONUS = 5.0
CALENDAR_PENALTY = 60.0
DEPTH_PENALTY = 3.0
START = 1000.0  # start URL, robots.txt and sitemaps go first
CONTINUATION = 10000.0  # a redirect hop of a request already under way


def normalise(text: str) -> str:
    """Lower case, ё→е, single spaces: the form link texts are compared in."""
    return " ".join(text.lower().replace("ё", "е").split())


def _alternation(patterns: list[str]) -> re.Pattern[str] | None:
    parts = []
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error:
            pattern = re.escape(pattern)
        parts.append(f"(?:{pattern})")
    return re.compile("|".join(parts), re.I) if parts else None


class Prioritizer:
    def __init__(self, hints: dict | None = None):
        hints = hints or {}
        texts = sorted({normalise(t) for t in hints.get("link_texts", []) if normalise(t)})
        # a hinted text matches where a word starts: "сведения" in "Основные сведения"
        self._texts = (re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, texts)) + ")")
                       if texts else None)
        self._urls = _alternation([p for p in hints.get("url_patterns", []) if p])

    def text_hinted(self, text: str) -> bool:
        return bool(self._texts and text and self._texts.search(normalise(text)))

    def url_hinted(self, url: str) -> bool:
        return bool(self._urls and self._urls.search(unquote(url)))

    def score(self, *, url: str, text: str = "", area: str = "main", depth: int = 0,
              sitemap: bool = False, calendar: bool = False) -> float:
        score = -DEPTH_PENALTY * depth
        if self.text_hinted(text):
            score += TEXT_MATCH
        if self.url_hinted(url):
            score += URL_MATCH
        if area == "nav":
            score += NAV_BONUS
        elif area == "footer":
            score += FOOTER_BONUS
        if sitemap:
            score += SITEMAP_BONUS
        if calendar:
            score -= CALENDAR_PENALTY
        return score
