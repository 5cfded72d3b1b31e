"""Helpers shared by the generic checks."""
from __future__ import annotations

import re
import weakref
from functools import lru_cache
from collections import Counter
from collections.abc import Callable, Iterable

from checks.findings import Evidence, Outcome
from checks.registry import CheckResult
from checks.site import SiteView
from checks.snapshot import Page
from checks.text import TokenizedText

MAX_EVIDENCE = 3
# page areas whose links are navigation: a menu item names a section, it does not publish it
NAVIGATION_AREAS = ("nav", "footer", "aside")


def ordered_pages(site: SiteView, scope: str = "site") -> list[Page]:
    """Pages to read: the rule's section pages first, then (for scope "site") all others."""
    section = site.rule_section_pages()
    if scope == "section":
        return section
    seen = {id(p) for p in section}
    return section + [p for p in site.pages if id(p) not in seen]


def compile_all(patterns: Iterable[str]) -> list[re.Pattern]:
    return [re.compile(p, re.I) for p in patterns]


def first_match(regexes: list[re.Pattern], value: str) -> re.Match | None:
    return next((m for r in regexes if (m := r.search(value))), None)


def result(present: list[Evidence], weak: list[Evidence], note_present: str = "",
           note_weak: str = "", functioning: str = "", failed: list[Evidence] | None = None,
           note_failed: str = "") -> CheckResult:
    """present if there is strong evidence, needs_review if only weak evidence, else absent —
    with the `failed` evidence (a link whose target is definitely broken) shown, when any."""
    if present:
        return CheckResult(Outcome.present, present[:MAX_EVIDENCE], note_present, functioning)
    if weak:
        return CheckResult(Outcome.needs_review, weak[:MAX_EVIDENCE], note_weak)
    if failed:
        return CheckResult(Outcome.absent, failed[:MAX_EVIDENCE], note_failed)
    return CheckResult(Outcome.absent)


def script_built(page: Page, in_static: Callable[[Page], bool]) -> bool:
    """Seen only after the page's scripts ran: the page was rendered in a browser and its static
    HTML (kept as `page.static`) does not have it. Evidence says so (`rendered`)."""
    if not page.rendered:
        return False
    return page.static is None or not in_static(page.static)


def one_line(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def label_spans(page: Page, areas: Iterable[str] = NAVIGATION_AREAS) -> list[tuple[int, int]]:
    """Character spans of `page.text` that are the labels of links in `areas` (menu items).

    The extractor puts each block element on its own line, so a menu item is a line equal to a
    link's text. A page's heading often repeats its menu item: when a label stands on more lines
    than there are such links, the lines among other menu items are the menu and the rest is
    content. A line made of two or more labels joined by separators is an inline menu."""
    wanted = set(areas)
    counts = Counter(" ".join(link.text.split()) for link in page.links if link.area in wanted)
    counts = Counter({text: n for text, n in counts.items() if len(text) >= 3})
    if not counts:
        return []
    lines: list[tuple[int, int, str]] = []
    offset = 0
    for line in page.text.split("\n"):
        lines.append((offset, offset + len(line), " ".join(line.split())))
        offset += len(line) + 1
    labels = [_label_of(bare, counts) for _, _, bare in lines]
    by_label: dict[str, list[int]] = {}
    for number, label in enumerate(labels):
        if label:
            by_label.setdefault(label, []).append(number)
    menu: set[int] = set()
    for label, numbers in by_label.items():
        def among_items(n: int, label: str = label) -> bool:
            return any(0 <= m < len(labels) and labels[m] not in (None, label) for m in (n - 1, n + 1))
        menu.update(sorted(numbers, key=lambda n: (not among_items(n), n))[: counts[label]])
    spans = [(lines[n][0], lines[n][1]) for n in sorted(menu)]
    longest_first = sorted(counts, key=len, reverse=True)
    for number, (start, end, bare) in enumerate(lines):
        if number in menu or not _SEPARATOR.search(bare) or len(bare) > 600:
            continue
        rest, found = bare, 0
        for label in longest_first:
            if label in rest:
                rest, found = rest.replace(label, " "), found + 1
        if found >= 2 and _ONLY_SEPARATORS.fullmatch(rest):
            spans.append((start, end))
    return spans


_SEPARATOR = re.compile(r"[|/•·»>]|\s[-–—]\s")
_ONLY_SEPARATORS = re.compile(r"[\s|/•·,;»>–—-]*")


def _label_of(line: str, labels: Counter) -> str | None:
    """The menu label a line renders (a link's text may add its title after the visible text)."""
    if len(line) < 3:
        return None
    if line in labels:
        return line
    return next((label for label in labels if label.startswith(line + " ")), None)


def inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(lo <= start and end <= hi for lo, hi in spans)


def content_length(site: SiteView, page: Page) -> int:
    """Characters of the page's own text: without its menu items and without the lines that
    stand on most pages of the site (header, footer, sidebar — the template; a heading that only
    repeats a menu item is such a line too)."""
    template = _template_lines(site)
    menu = label_spans(page)
    chars, offset = 0, 0
    for line in page.text.split("\n"):
        bare = " ".join(line.split())
        if bare and bare not in template and not inside(menu, offset, offset + len(line)):
            chars += len(bare)
        offset += len(line) + 1
    return chars


_TEMPLATES: "weakref.WeakKeyDictionary[SiteView, frozenset[str]]" = weakref.WeakKeyDictionary()


def _template_lines(site: SiteView) -> frozenset[str]:
    """Lines found on at least half of the site's pages (and on two or more): the template."""
    if site not in _TEMPLATES:
        pages = site.pages
        seen = Counter(line for p in pages for line in {" ".join(x.split()) for x in p.text.split("\n")} if line)
        need = max(2, len(pages) / 2)
        _TEMPLATES[site] = frozenset(line for line, n in seen.items() if n >= need)
    return _TEMPLATES[site]


def label_matches(label: str, phrases: list[str]) -> str | None:
    """The first phrase found in a short text (a link's anchor, a document's title), or None.
    Menus repeat the same anchors on every page: each answer is computed once."""
    if not label or not phrases:
        return None
    return _label_match(label, tuple(phrases))


@lru_cache(maxsize=100_000)
def _label_match(label: str, phrases: tuple[str, ...]) -> str | None:
    tokens = TokenizedText(label)
    return next((p for p in phrases if tokens.find(p, limit=1)), None)
