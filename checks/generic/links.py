"""Checks over links and page markup: anchors, documents, known services, widgets."""
from __future__ import annotations

from typing import Literal

from checks.findings import Evidence
from checks.generic.common import (compile_all, content_length, first_match, label_matches, one_line,
                                   result, script_built)
from checks.registry import CheckResult, Params, check
from checks.site import SiteView, probe_target


class LinkParams(Params):
    texts: list[str] = []  # phrases in the anchor text
    url_patterns: list[str] = []  # regexes over the link URL
    attrs: list[str] = []  # regexes over the link's id and classes (widget hooks)
    # what the link must lead to: a document (pdf, doc…), a page of the site, another site
    target: Literal["any", "document", "page", "external"] = "any"
    # the anchor must ALSO match one of these (e.g. texts "лицензия" and target document)
    also_texts: list[str] = []
    # an anchor matching any of these is about something else ("лицензия" of software)
    exclude_texts: list[str] = []
    # a link to a page of the site counts only when that page was fetched and has at least this
    # many characters beyond its menus; an empty or unfetched page is only weak evidence
    min_target_text: int = 0
    # phrases in the beginning of a linked document's own text (its title): such a document
    # counts whatever its link says; one with an `exclude_document_texts` phrase never counts
    # (a link labelled «Правила внутреннего распорядка» that opens the labour rules)
    document_texts: list[str] = []
    exclude_document_texts: list[str] = []


@check("link", LinkParams)
def link_check(site: SiteView, params: LinkParams) -> CheckResult:
    """Ссылка с нужным текстом, адресом или классом (или на документ, который сам так
    озаглавлен); для документов — открывается ли файл, для страниц (если задано) — есть ли на
    странице содержание помимо меню."""
    urls, attrs = compile_all(params.url_patterns), compile_all(params.attrs)
    by_title = bool(params.document_texts or params.exclude_document_texts)
    ok: list[Evidence] = []
    broken: list[Evidence] = []
    dead: list[Evidence] = []
    seen: set[tuple[str, str]] = set()
    for page in site.pages:
        for link in page.links:
            if (page.final_url, link.url) in seen:
                continue
            head = _document_head(site, link.url) if by_title else ""
            by_document = bool(label_matches(head, params.document_texts))
            hit = (label_matches(link.text, params.texts)
                   or first_match(urls, link.url) or (link.attrs and first_match(attrs, link.attrs)))
            if not by_document and (not hit or (params.also_texts and not label_matches(link.text, params.also_texts))):
                continue
            if label_matches(link.text, params.exclude_texts) or label_matches(head, params.exclude_document_texts):
                continue
            target = site.target(link.url)
            behind = ""
            if params.target == "document" and target.kind == "page":
                # a CMS item page that only carries the file («Скачать (PDF)») stands for it
                doc_url = _document_behind(site, link.url)
                if doc_url:
                    target, behind = site.target(doc_url), doc_url
            if not _target_kind_ok(params.target, target.kind, site.same_site(link.url)):
                continue
            if target.kind in ("page", "unfetched") and site.is_news_url(link.url):
                continue  # a news item's headline is about an event, not the published item
            seen.add((page.final_url, link.url))
            label = one_line(link.text, 120) or link.url
            ev = Evidence(url=page.final_url, snippet=f"«{label}» → {link.url}", check="link",
                          note=target.note, rendered=script_built(
                              page, lambda static, url=link.url: any(x.url == url for x in static.links)))
            if by_document and not hit:
                ev.note += f"; документ озаглавлен «{one_line(head, 80)}»"
            if behind:
                ev.note = f"страница документа со ссылкой на файл {behind}: {target.note}"
            if target.ok is False and target.definite:
                dead.append(ev)
                continue
            weak = target.ok is False
            if not weak and params.min_target_text and target.kind in ("page", "unfetched"):
                thin = _thin_page(site, link.url, params.min_target_text)
                if thin:
                    ev.note, weak = thin, True
            (broken if weak else ok).append(ev)
    return result(ok, broken, note_weak="ссылка есть, но её цель временно не открывается или пуста",
                  failed=dead, note_failed="ссылка есть, но документ или страница не открывается: "
                  "для читателя сайта информации нет",
                  functioning=f"{ok[0].snippet}: {ok[0].note}" if ok and ok[0].note else "")


def _document_behind(site: SiteView, url: str) -> str:
    """The file a page of the site exists to carry: its content (not menus) links one or two
    documents and has little text of its own. "" otherwise."""
    page = site.page(url)
    if page is None or not (200 <= page.status < 300) or content_length(site, page) > 600:
        return ""
    docs = list(dict.fromkeys(link.url for link in page.links
                              if link.area == "main" and site.document(link.url) is not None))
    return docs[0] if 1 <= len(docs) <= 2 else ""


def _document_head(site: SiteView, url: str) -> str:
    """The first characters of a linked document's text, when the crawl read it."""
    doc = site.document(url)
    return doc.text_head if doc is not None else ""


def _thin_page(site: SiteView, url: str, min_text: int) -> str:
    """Why a linked page of the site does not show its content; "" when it does."""
    page = site.page(url)
    if page is None:
        return "страница не загружалась, её содержание не проверено"
    chars = content_length(site, page)
    if chars < min_text:
        return f"на странице почти нет текста ({chars} знаков помимо меню)"
    return ""


def _target_kind_ok(wanted: str, kind: str, same_site: bool) -> bool:
    if wanted == "any":
        return True
    if wanted == "document":
        return kind == "document"
    if wanted == "page":
        return same_site and kind in ("page", "unfetched")
    return not same_site and kind != "contact"


class MarkupParams(Params):
    scripts: list[str] = []  # regexes over <script src>
    inline: list[str] = []  # regexes over inline scripts
    iframes: list[str] = []  # regexes over <iframe src>
    controls: list[str] = []  # phrases in the text/alt/title of buttons and widget elements
    control_attrs: list[str] = []  # regexes over the id/classes of such elements
    label: str = "элемент на странице"  # how the evidence names what was found, Russian


@check("markup", MarkupParams)
def markup_check(site: SiteView, params: MarkupParams) -> CheckResult:
    """Скрипт, встроенный фрейм или элемент управления известного сервиса (виджеты
    Госуслуг, версии для слабовидящих, онлайн-чаты)."""
    scripts, inline = compile_all(params.scripts), compile_all(params.inline)
    iframes, cattrs = compile_all(params.iframes), compile_all(params.control_attrs)
    found: list[Evidence] = []
    failing: list[Evidence] = []
    for page in site.pages:
        script = next((s for s in page.scripts if first_match(scripts, s)), None)
        frame = next((f for f in page.iframes if first_match(iframes, f)), None)
        hit = (script or (f"iframe {frame}" if frame else None)
               or _inline_hit(inline, page.inline_scripts)
               or next((_control_label(c) for c in page.controls
                        if label_matches(c.text, params.controls)
                        or (c.attrs and first_match(cattrs, c.attrs))), None))
        if not hit:
            continue
        ev = Evidence(url=page.final_url, snippet=f"{params.label}: {one_line(hit, 160)}", check="markup",
                      rendered=script_built(page, lambda static: bool(_markup_hit(static, scripts, iframes))))
        works, ev.note = _widget_loads(site, page, script or frame, frame, iframes)
        (failing if works is False else found).append(ev)
    return result(found, failing, note_weak="виджет встроен, но его скрипт или фрейм не загружается",
                  functioning=next((e.note for e in found if e.note), ""))


def _markup_hit(page, scripts, iframes) -> str | None:
    return (next((s for s in page.scripts if first_match(scripts, s)), None)
            or next((f for f in page.iframes if first_match(iframes, f)), None))


def _widget_loads(site: SiteView, page, src: str | None, frame: str | None, iframes) -> tuple[bool | None, str]:
    """Whether the widget's script or frame loads: its probe, or its frame in the rendered page
    (the script built it). (None, "") when nothing shows either way."""
    if page.rendered and frame and page.static is not None and not any(
            first_match(iframes, f) for f in page.static.iframes):
        return True, f"виджет загрузился в браузере: скрипт встроил фрейм {one_line(frame, 100)}"
    if src:
        probe = site.probe(src)
        if probe is not None:
            target = probe_target(probe)
            return target.ok, target.note
    return None, ""


def _inline_hit(regexes, scripts: list[str]) -> str | None:
    for body in scripts:
        if m := first_match(regexes, body):
            return f"скрипт «…{body[max(0, m.start() - 30): m.end() + 30]}…»"
    return None


def _control_label(control) -> str:
    return f"{control.tag} «{control.text or control.attrs}»"
