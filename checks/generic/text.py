"""Checks over the text of pages: phrases (inflection-tolerant) and section pages."""
from __future__ import annotations

import re
from typing import Literal

from pydantic import model_validator

from checks.findings import Evidence
from checks.generic.common import (compile_all, content_length, inside, label_spans, one_line,
                                   ordered_pages, result, script_built)
from checks.registry import CheckResult, Params, check
from checks.site import SiteView
from checks.text import TokenizedText, matches_any, snippet


class TextParams(Params):
    phrases: list[str] = []
    # regexes (case-insensitive) over the page text whose matches count like phrases: for items
    # written without a keyword (a postal address standing alone in the footer)
    patterns: list[str] = []
    # each of these groups must have a phrase within `window` characters of the match
    near: list[list[str]] = []
    # a regex (case-insensitive) that must match within `window` characters after the match;
    # `(?-i:...)` makes a part case-sensitive (capitalised names)
    followed_by: str | None = None
    # a regex (case-insensitive) that must match within `window` characters on either side
    near_pattern: str | None = None
    # a match with any of these phrases within `window` characters is about something else
    # ("лицензия" of software, "филиал" of a bank in the bank details)
    not_near: list[str] = []
    window: int = 200
    # a phrase standing only as the label of a link in these page areas (a menu item, a footer
    # link) names a section; it does not publish the item
    skip_link_areas: list[Literal["nav", "footer", "aside", "main"]] = ["nav", "footer", "aside"]
    scope: Literal["site", "section", "head"] = "site"  # head: titles and headings only
    # a match found only on news pages is weak (a headline about someone else is not the item)
    news: Literal["weak", "exclude", "include"] = "weak"
    # how many different phrases must be found (e.g. 3 of the 8 kinds of social services);
    # fewer (but at least one) gives needs_review
    min_distinct: int = 1

    @model_validator(mode="after")
    def _something_to_find(self) -> "TextParams":
        if not self.phrases and not self.patterns:
            raise ValueError("text check needs `phrases` or `patterns`")
        return self


@check("text", TextParams)
def text_check(site: SiteView, params: TextParams) -> CheckResult:
    """Фраза (с учётом словоизменения) или шаблон в тексте страниц сайта, при необходимости — рядом с
    другими словами или шаблоном (дата, ФИО, сумма), но не рядом со словами другого контекста;
    пункт меню с этой фразой — название раздела, а не сама информация."""
    follow = re.compile(params.followed_by, re.I | re.S) if params.followed_by else None
    around = re.compile(params.near_pattern, re.I | re.S) if params.near_pattern else None
    patterns = [(p, re.compile(p, re.I)) for p in params.patterns]
    strong: list[Evidence] = []
    weak: list[Evidence] = []
    distinct: set[str] = set()
    pages = ordered_pages(site, "section" if params.scope == "section" else "site")
    for page in pages:
        news = site.is_news(page)
        if news and params.news == "exclude":
            continue
        tokens = site.head(page) if params.scope == "head" else site.text(page)
        labels: list[tuple[int, int]] | None = None
        found = [(phrase, tokens.find(phrase, limit=20)) for phrase in params.phrases]
        found += [(raw, [m.span() for _, m in zip(range(20), regex.finditer(tokens.text))])
                  for raw, regex in patterns]
        for phrase, spans in found:
            for start, end in spans:
                if not _context_ok(tokens.text, start, end, params, follow, around):
                    continue
                if params.scope != "head" and params.skip_link_areas:
                    if labels is None:
                        labels = label_spans(page, params.skip_link_areas)
                    if inside(labels, start, end):
                        continue
                ev = Evidence(url=page.final_url, snippet=snippet(tokens.text, start, end),
                              check="text", rendered=script_built(
                                  page, lambda static, t=tokens.text[start:end]: t in static.text))
                if news and params.news == "weak":
                    ev.note = "найдено только в новостной публикации"
                    weak.append(ev)
                    break
                distinct.add(phrase)
                if not any(e.url == ev.url for e in strong):
                    strong.append(ev)
                break
    if strong and len(distinct) < params.min_distinct:
        note = (f"найдено {len(distinct)} из требуемых {params.min_distinct} формулировок: "
                + ", ".join(sorted(distinct)))
        return result([], strong + weak, note_weak=note)
    return result(strong, weak, note_weak="упоминание найдено только в новостях")


def _context_ok(text: str, start: int, end: int, params: TextParams,
                follow: re.Pattern | None, pattern: re.Pattern | None) -> bool:
    if follow and not follow.search(text[end: end + params.window]):
        return False
    around = text[max(0, start - params.window): end + params.window]
    if pattern and not pattern.search(around):
        return False
    if params.not_near and matches_any(around, params.not_near):
        return False
    return all(matches_any(around, group) for group in params.near)


class PageParams(Params):
    url_patterns: list[str] = []  # regexes over the page's path and query
    headings: list[str] = []  # phrases in the page's title or headings
    min_text: int = 150  # characters of text the page must have beyond its navigation


@check("page", PageParams)
def page_check(site: SiteView, params: PageParams) -> CheckResult:
    """Страница раздела (по адресу или заголовку) открывается и содержит текст."""
    regexes = compile_all(params.url_patterns)
    found: list[Evidence] = []
    empty: list[Evidence] = []
    for page in site.pages:
        if site.is_news(page):
            continue  # a news item titled «тарифы» announces them; it is not the section
        path = page.final_url.split("://", 1)[-1].split("/", 1)[-1]
        by_url = any(r.search("/" + path) for r in regexes)
        # what the page is: its title and first heading (later headings may be news headlines)
        head = TokenizedText("\n".join([page.title, *page.headings[:1]]))
        by_head = next((p for p in params.headings if head.find(p, limit=1)), None)
        if not (by_url or by_head):
            continue
        ev = Evidence(url=page.final_url, snippet=one_line(page.title or (page.headings or [""])[0]),
                      check="page", rendered=script_built(
                          page, lambda static: content_length(site, static) >= params.min_text))
        (found if content_length(site, page) >= params.min_text else empty).append(ev)
    return result(found, empty, note_present="найдена страница раздела",
                  note_weak="страница раздела есть, но почти пуста")
