"""What the browser and the safe probes are for, from the rule pack's hints (never from Python):
which pages a rule wants rendered, which linked targets to probe, which controls to switch on.

Hints (built by `rules.loader.RulePack.crawl_hints()`), all optional:

    render_link_texts, render_url_patterns   pages a rule needs in a browser
    probe_url_patterns                        links, frames and scripts whose targets are probed
    probe_forms                               True: probe the actions of message/survey forms
    trial: {texts, attrs, url_patterns, scripts}   low-vision controls to switch on

Probes are safe by construction: HEAD, or GET without parameters when HEAD is refused; never
POST, nothing sent. Forms are never submitted; their action URL is only asked whether it exists.
"""
from __future__ import annotations

import re

from checks.snapshot import Page
from crawler.priority import _alternation, normalise
from crawler.sitekey import is_http, same_site

PROBE_LINK, PROBE_FORM, PROBE_WIDGET = "link", "form", "widget"
_CHOICE = frozenset({"radio", "checkbox"})


def _texts(phrases: list[str]) -> re.Pattern | None:
    texts = sorted({normalise(t) for t in phrases if normalise(t)})
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, texts)) + ")") if texts else None


class Planner:
    def __init__(self, hints: dict | None = None):
        hints = hints or {}
        self._render_texts = _texts(hints.get("render_link_texts", []))
        self._render_urls = _alternation([p for p in hints.get("render_url_patterns", []) if p])
        self._probe_urls = _alternation([p for p in hints.get("probe_url_patterns", []) if p])
        self.probe_forms = bool(hints.get("probe_forms"))
        trial = hints.get("trial") or {}
        self.trial = {"texts": list(trial.get("texts", [])), "attrs": list(trial.get("attrs", [])),
                      "url_patterns": list(trial.get("url_patterns", []))}
        self._trial_texts = _texts(self.trial["texts"])
        self._trial_attrs = _alternation(self.trial["attrs"])
        self._trial_urls = _alternation(self.trial["url_patterns"])
        self._trial_scripts = _alternation(list(trial.get("scripts", [])))

    @property
    def has_trial(self) -> bool:
        return bool(self._trial_texts or self._trial_attrs or self._trial_urls)

    def version_link(self, url: str) -> bool:
        """A link to the low-vision version of a page: the same content again, fetched last."""
        return bool(self._trial_urls and self._trial_urls.search(url))

    def render_hinted(self, url: str, text: str) -> bool:
        """A rule wants this page seen in a browser (its link text or URL says so)."""
        return bool((self._render_texts and text and self._render_texts.search(normalise(text)))
                    or (self._render_urls and self._render_urls.search(url)))

    def trial_control(self, page: Page) -> str:
        """What on the static page suggests a low-vision version to switch on ("" = nothing)."""
        for link in page.links:
            if ((self._trial_texts and link.text and self._trial_texts.search(normalise(link.text)))
                    or (self._trial_attrs and link.attrs and self._trial_attrs.search(link.attrs))
                    or (self._trial_urls and self._trial_urls.search(link.url))):
                return f"ссылка «{link.text or link.url}»"
        for control in page.controls:
            if ((self._trial_texts and control.text and self._trial_texts.search(normalise(control.text)))
                    or (self._trial_attrs and control.attrs and self._trial_attrs.search(control.attrs))):
                return f"элемент {control.tag} «{control.text or control.attrs}»"
        if self._trial_scripts:
            script = next((s for s in page.scripts if self._trial_scripts.search(s)), None)
            if script:
                return f"скрипт {script}"
            body = next((b for b in page.inline_scripts if self._trial_scripts.search(b)), None)
            if body:
                return "встроенный скрипт виджета"
        return ""

    def probe_targets(self, page: Page, site_keys: set[str]) -> list[tuple[str, str]]:
        """(url, purpose) of what on this page deserves a safe probe: links, frames and
        scripts of services the rules name (off-site: a page of the site is crawled anyway),
        and the actions of forms that take a message or survey answers."""
        out: list[tuple[str, str]] = []
        if self._probe_urls:
            for link in page.links:
                if (is_http(link.url) and not same_site(link.url, site_keys)
                        and self._probe_urls.search(link.url)):
                    out.append((link.url, PROBE_LINK))
            for src in [*page.iframes, *page.scripts]:
                if is_http(src) and self._probe_urls.search(src):
                    out.append((src, PROBE_WIDGET))
        if self.probe_forms:
            for form in page.forms:
                action = form.action.split("#", 1)[0]
                if not is_http(action) or action == page.final_url.split("#", 1)[0]:
                    continue  # the page itself answered: nothing to ask
                takes_message = any(f.tag == "textarea" or f.type in _CHOICE for f in form.fields)
                if takes_message or (form.method == "post" and len(form.fields) >= 3):
                    out.append((action, PROBE_FORM))
        return out
