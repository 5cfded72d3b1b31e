"""Helpers shared by the generic checks."""
from __future__ import annotations

import re
from collections.abc import Iterable

from checks.findings import Evidence, Outcome
from checks.registry import CheckResult
from checks.site import SiteView
from checks.snapshot import Page

MAX_EVIDENCE = 3


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
