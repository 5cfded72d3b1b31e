"""Helpers shared by the generic checks."""
from __future__ import annotations

import re
from collections.abc import Iterable

from checks.findings import Evidence, Outcome
from checks.registry import CheckResult
from checks.site import SiteView
from checks.snapshot import Page

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
           note_weak: str = "", functioning: str = "") -> CheckResult:
    """present if there is strong evidence, needs_review if only weak evidence, else absent."""
    if present:
        return CheckResult(Outcome.present, present[:MAX_EVIDENCE], note_present, functioning)
    if weak:
        return CheckResult(Outcome.needs_review, weak[:MAX_EVIDENCE], note_weak)
    return CheckResult(Outcome.absent)


def one_line(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def label_spans(page: Page, areas: Iterable[str] = NAVIGATION_AREAS) -> list[tuple[int, int]]:
    """Character spans of `page.text` that are only the labels of links in `areas`: a line that
    is a menu item (the extractor puts each block element on its own line), and any other
    occurrence of such a label (an inline menu joined on one line)."""
    wanted = set(areas)
    labels = {" ".join(link.text.split()) for link in page.links
              if link.area in wanted and len(link.text.strip()) >= 3}
    if not labels:
        return []
    spans: list[tuple[int, int]] = []
    offset = 0
    for line in page.text.split("\n"):
        bare = " ".join(line.split())
        if len(bare) >= 3 and any(t == bare or t.startswith(bare + " ") for t in labels):
            spans.append((offset, offset + len(line)))
        offset += len(line) + 1
    for label in labels:
        start = page.text.find(label)
        while start != -1:
            spans.append((start, start + len(label)))
            start = page.text.find(label, start + len(label))
    return spans


def inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(lo <= start and end <= hi for lo, hi in spans)


def content_length(page: Page) -> int:
    """Characters of the page's text beyond the labels of its menus, footer and sidebar."""
    covered: list[tuple[int, int]] = []
    for lo, hi in sorted(label_spans(page)):
        if covered and lo <= covered[-1][1]:
            covered[-1] = (covered[-1][0], max(hi, covered[-1][1]))
        else:
            covered.append((lo, hi))
    return len(page.text) - sum(hi - lo for lo, hi in covered)
