"""Advisory site checks: navigation, documents, freshness, registration walls, a11y basics."""
from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime

from checks.findings import Evidence, Outcome
from checks.generic.common import MAX_EVIDENCE, one_line
from checks.registry import CheckResult, Params, check
from checks.site import SiteView, document_note, document_opens


class NavigationParams(Params):
    min_share: float = 0.8  # share of pages that must carry the common navigation


@check("navigation", NavigationParams)
def navigation_check(site: SiteView, params: NavigationParams) -> CheckResult:
    """Общая навигация (меню) на каждой странице сайта. Меню — ссылки в навигационной области
    страницы; если такой разметки нет, общими считаются ссылки, которые есть почти на всех
    страницах. Нет ни одной общей ссылки — навигации нет."""
    pages = site.pages
    if len(pages) < 2:
        return CheckResult(Outcome.not_applicable, note="загружено меньше двух страниц")
    marked = any(link.area == "nav" for p in pages for link in p.links)
    areas = {"nav"} if marked else {"nav", "main", "aside", "footer"}
    menus = [frozenset(link.url for link in p.links if link.area in areas) for p in pages]
    common = Counter(url for menu in menus for url in menu)
    core = {url for url, n in common.items() if n >= params.min_share * len(pages)}
    if not core:
        return CheckResult(Outcome.absent, note=f"нет ссылок меню, общих для {params.min_share:.0%} "
                                                f"страниц сайта (страниц: {len(pages)})")
    with_menu = [p for p, menu in zip(pages, menus) if len(core & menu) >= min(3, len(core))]
    share = len(with_menu) / len(pages)
    note = f"общее меню на {len(with_menu)} из {len(pages)} страниц"
    if not marked:
        note += " (меню не размечено как навигация)"
    ev = [Evidence(url=p.final_url, snippet=f"меню из {len(core)} общих ссылок", check="navigation")
          for p in with_menu[:MAX_EVIDENCE]]
    if share >= params.min_share:
        return CheckResult(Outcome.present, ev, note)
    return CheckResult(Outcome.needs_review, ev or [Evidence(url=pages[0].final_url, snippet=note,
                                                             check="navigation")], note)


class DocumentsParams(Params):
    open_formats: list[str] = ["pdf", "doc", "docx", "odt", "xls", "xlsx", "ods", "rtf"]


@check("documents_open", DocumentsParams)
def documents_open_check(site: SiteView, params: DocumentsParams) -> CheckResult:
    """Документы сайта открываются и опубликованы в открытых форматах; сканы без текстового слоя
    отмечаются."""
    docs = [d for d in site.snapshot.documents if site.same_site(d.url) and not d.not_fetched
            and (d.status or d.error)]
    if not docs:
        return CheckResult(Outcome.not_applicable, note="на сайте не найдено документов")
    broken = [d for d in docs if not document_opens(d)]
    closed = [d for d in docs if d not in broken and d.detected_kind not in params.open_formats]
    scans = [d for d in docs if d not in broken and d.text_layer is False]
    bad = [Evidence(url=d.url, snippet=one_line(", ".join(d.link_texts) or d.url, 120),
                    check="documents_open", note=document_note(d)) for d in broken + closed]
    note = f"документов проверено: {len(docs)}, не открываются: {len(broken)}"
    if scans:
        note += f", сканы без текстового слоя: {len(scans)}"
    if bad:
        return CheckResult(Outcome.absent, bad[:10], note)
    sample = [Evidence(url=d.url, snippet=one_line(", ".join(d.link_texts) or d.url, 120),
                       check="documents_open", note=document_note(d)) for d in docs[:MAX_EVIDENCE]]
    return CheckResult(Outcome.needs_review if scans else Outcome.present, sample, note)


_DATE = re.compile(r"(?<!\d)(\d{1,2})\.(\d{1,2})\.(20\d{2})(?!\d)")
_MONTHS = ("январ", "феврал", "март", "апрел", "ма", "июн", "июл", "август", "сентябр", "октябр", "ноябр", "декабр")
_DATE_WORDS = re.compile(r"(?<!\d)(\d{1,2})\s+(" + "|".join(m + r"\w*" for m in _MONTHS[::-1]) + r")\s+(20\d{2})", re.I)


class FreshnessParams(Params):
    max_age_days: int = 365  # the newest date on the site must be at most this old


@check("freshness", FreshnessParams)
def freshness_check(site: SiteView, params: FreshnessParams) -> CheckResult:
    """Сайт обновляется: самая свежая дата на страницах и в документах (срок обновления по закону —
    10 рабочих дней; проверить его можно только по датам, которые сайт показывает). Все даты
    старше `max_age_days` — сайт не обновляется; дат нет — нужна проверка человеком."""
    today = site.now.date()
    newest: tuple[date, str, str] | None = None
    for page in site.pages:
        for day in _dates(page.text):
            if day <= today and (newest is None or day > newest[0]):
                newest = (day, page.final_url, day.strftime("%d.%m.%Y"))
    for doc in site.snapshot.documents:
        if doc.date:
            try:
                day = date.fromisoformat(doc.date[:10])
            except ValueError:
                continue
            if day <= today and (newest is None or day > newest[0]):
                newest = (day, doc.url, f"дата документа {day:%d.%m.%Y}")
    if newest is None:
        return CheckResult(Outcome.needs_review, [Evidence(url=site.snapshot.start_url,
                           snippet="на страницах и в документах не найдено ни одной даты", check="freshness")],
                           "дат обновления не найдено")
    age = (today - newest[0]).days
    ev = [Evidence(url=newest[1], snippet=newest[2], check="freshness", note=f"{age} дн. назад")]
    if age <= params.max_age_days:
        return CheckResult(Outcome.present, ev, f"самая свежая дата на сайте: {newest[0]:%d.%m.%Y}")
    return CheckResult(Outcome.absent, ev, f"самая свежая дата на сайте — {newest[0]:%d.%m.%Y}, "
                       f"более {params.max_age_days} дней назад")


def _dates(text: str):
    for d, m, y in _DATE.findall(text):
        yield from _safe_date(int(y), int(m), int(d))
    for d, month, y in _DATE_WORDS.findall(text):
        number = next(i for i, stem in enumerate(_MONTHS, 1) if month.lower().startswith(stem))
        yield from _safe_date(int(y), number, int(d))


def _safe_date(y: int, m: int, d: int):
    try:
        yield date(y, m, d)
    except ValueError:
        return


class RegistrationParams(Params):
    pass


@check("no_registration", RegistrationParams)
def no_registration_check(site: SiteView, params: RegistrationParams) -> CheckResult:
    """Информация доступна без регистрации и оплаты: страницы не закрыты входом по паролю."""
    walled = [p for p in site.snapshot.pages if p.status in (401, 402, 403, 407)]
    walled += [p for p in site.pages if len(p.text) < 400
               and any(f.type == "password" for form in p.forms for f in form.fields)]
    # the site's own documents that answer "log in first" hide the information just the same
    docs = [d for d in site.snapshot.documents if d.status in (401, 402, 403, 407) and site.same_site(d.url)]
    if walled or docs:
        ev = [Evidence(url=p.final_url, snippet=f"код {p.status}: {one_line(p.title, 80)}",
                       check="no_registration", note="страница требует входа") for p in walled[:5]]
        ev += [Evidence(url=d.linked_from[0] if d.linked_from else d.url,
                        snippet=f"код {d.status}: {one_line(', '.join(d.link_texts) or d.url, 80)} → {d.url}",
                        check="no_registration", note="документ закрыт входом") for d in docs[:5]]
        note = f"страниц, закрытых входом или кодом 401/403: {len(walled)}"
        if docs:
            note += f"; документов с кодом 401/403: {len(docs)}"
        return CheckResult(Outcome.absent, ev[:6], note)
    if not site.pages:
        return CheckResult(Outcome.not_applicable)
    ev = [Evidence(url=p.final_url, snippet=one_line(p.title, 80) or p.final_url, check="no_registration")
          for p in site.pages[:MAX_EVIDENCE]]
    return CheckResult(Outcome.present, ev, f"все {len(site.pages)} страниц открываются без входа на сайт")


class A11yParams(Params):
    min_alt_share: float = 0.9
    min_label_share: float = 0.9


@check("accessibility_basics", A11yParams)
def accessibility_basics_check(site: SiteView, params: A11yParams) -> CheckResult:
    """Базовые требования доступности (ПП РФ № 102, ГОСТ Р 52872-2019): язык страницы, текстовые
    альтернативы изображений, подписанные поля форм. Найденное нарушение — «нет»; контраст без
    браузера не проверяется."""
    pages = site.pages
    if not pages:
        return CheckResult(Outcome.not_applicable)
    images = sum(p.images for p in pages)
    no_alt = sum(p.images_without_alt for p in pages)
    fields = [f for p in pages for form in p.forms for f in form.fields
              if f.type not in ("hidden", "submit", "button", "reset", "image")]
    unlabeled = [f for f in fields if not f.label]
    no_lang = [p for p in pages if not p.lang]
    problems = []
    if no_lang:
        problems.append(f"не указан язык (lang) на {len(no_lang)} из {len(pages)} страниц")
    if images and (images - no_alt) / images < params.min_alt_share:
        problems.append(f"у {no_alt} из {images} изображений нет текстовой альтернативы (alt)")
    if fields and (len(fields) - len(unlabeled)) / len(fields) < params.min_label_share:
        problems.append(f"{len(unlabeled)} из {len(fields)} полей форм без подписи")
    note = "; ".join(problems) or (f"язык указан, изображений с alt: {images - no_alt} из {images}, "
                                   f"подписанных полей: {len(fields) - len(unlabeled)} из {len(fields)}")
    worst = no_lang[:1] or sorted(pages, key=lambda p: -p.images_without_alt)[:1]
    ev = [Evidence(url=worst[0].final_url, snippet=note, check="accessibility_basics")]
    return CheckResult(Outcome.absent if problems else Outcome.present, ev, note)
