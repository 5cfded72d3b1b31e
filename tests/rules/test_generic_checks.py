"""The generic-check capabilities the social rules rely on, each on a minimal page built through
the crawler's extractor: menu labels versus headings, a page's own text, context conditions of
the text check, regex patterns, anchors excluded, pages with content, documents by their title,
and the advisory checks that can say "absent"."""
from __future__ import annotations

from datetime import datetime, timezone

from checks.engine import run_check
from checks.findings import Outcome
from checks.generic.common import content_length, label_spans
from checks.site import SiteView
from checks.snapshot import Document, SiteSnapshot
from crawler.extract import extract_page
from rules.schema import CheckRef

SITE = "https://org.example.ru"
MENU = ('<nav class="menu"><ul><li><a href="/">Главная</a></li><li><a href="/dogovor/">Коллективный договор</a></li>'
        '<li><a href="/kontakty/">Контакты</a></li></ul></nav>')


def page(path: str, body: str, menu: str = MENU, footer: str = "<footer><p>© ГБУ «Центр»</p></footer>"):
    html = f'<!DOCTYPE html><html lang="ru"><head><title>Центр</title></head><body>{menu}<main>{body}</main>{footer}</body></html>'
    return extract_page(html.encode(), url=SITE + path, headers={"Content-Type": "text/html; charset=utf-8"})


def view(*pages, documents=()) -> SiteView:
    snap = SiteSnapshot(start_url=SITE + "/", site="org.example.ru", pages=list(pages), documents=list(documents),
                        finished_at=datetime(2026, 3, 2, tzinfo=timezone.utc))
    return SiteView(snap, ["/news/"])


def run(site: SiteView, check: str, **params):
    return run_check(site, CheckRef(check=check, params=params))


def test_menu_item_is_a_label_but_a_heading_repeating_it_is_content():
    p = page("/dogovor/", "<h1>Коллективный договор</h1><p>Текст договора.</p>")
    spans = label_spans(p)
    menu_line = p.text.index("Коллективный договор")
    heading_line = p.text.index("Коллективный договор", menu_line + 1)
    assert any(lo <= menu_line < hi for lo, hi in spans)
    assert not any(lo <= heading_line < hi for lo, hi in spans)


def test_inline_menu_on_one_line_is_a_label():
    inline = ('<div class="top-menu"><a href="/">Главная</a> | <a href="/dogovor/">Коллективный договор</a> | '
              '<a href="/kontakty/">Контакты</a></div>')
    p = page("/", "<p>Добро пожаловать.</p>", menu=inline)
    line = next(ln for ln in p.text.splitlines() if "|" in ln)
    start = p.text.index(line)
    assert any(lo <= start and start + len(line) <= hi for lo, hi in label_spans(p))


def test_text_check_skips_menu_labels_only():
    menu_only = view(page("/", "<p>Добро пожаловать.</p>"))
    assert run(menu_only, "text", phrases=["коллективный договор"]).outcome == Outcome.absent
    with_content = view(page("/", "<p>Коллективный договор принят на собрании работников.</p>"))
    assert run(with_content, "text", phrases=["коллективный договор"]).outcome == Outcome.present


def test_content_length_leaves_out_menu_and_template_lines():
    empty = page("/dogovor/", "<h1>Коллективный договор</h1><p>Скоро.</p>")
    home = page("/", "<p>Добро пожаловать на сайт центра, здесь много текста о нашей работе.</p>")
    site = view(home, empty)
    # only "Скоро.": not the menu, not the footer shared by both pages, and not the heading that
    # merely repeats a menu item standing on every page
    assert content_length(site, empty) == len("Скоро.")
    assert content_length(site, home) > 50


def test_not_near_and_near_pattern():
    bank = view(page("/", "<p>Банк получателя: Уральский филиал ПАО «Банк», 620014, г. Екатеринбург, ул. Малышева, 28</p>"))
    branch = view(page("/", "<p>Филиал «Белоярский»: 624030, р. п. Белоярский, ул. Молодёжная, 9</p>"))
    params = dict(phrases=["филиал*"], near_pattern=r"\d{6}", not_near=["банк*"], window=120)
    assert run(bank, "text", **params).outcome == Outcome.absent
    assert run(branch, "text", **params).outcome == Outcome.present


def test_followed_by_can_require_a_capitalised_name():
    named = view(page("/", "<p>Директор — Иванова Мария Петровна</p>"))
    unnamed = view(page("/", "<p>Директор по общим вопросам принимает по средам</p>"))
    name = r"(?-i:[А-ЯЁ][а-яё]+\s+[А-ЯЁ][а-яё]+\s+[А-ЯЁ][а-яё]+(?:вна|вич))"
    assert run(named, "text", phrases=["директор"], followed_by=name).outcome == Outcome.present
    assert run(unnamed, "text", phrases=["директор"], followed_by=name).outcome == Outcome.absent


def test_patterns_find_text_without_a_keyword():
    site = view(page("/", "<p>624250, г. Заречный, ул. Лермонтова, д. 5</p>"))
    res = run(site, "text", patterns=[r"\d{6},\s+г\.[^\n]*ул\."])
    assert res.outcome == Outcome.present and "624250" in res.evidence[0].snippet


def test_link_exclude_texts_and_min_target_text():
    docs = page("/docs/", '<p><a href="/dogovor/">Коллективный договор</a></p>'
                          '<p><a href="/proekt/">Проект коллективного договора</a></p>')
    thin = page("/dogovor/", "<h1>Коллективный договор</h1>")
    full = page("/dogovor/", "<h1>Коллективный договор</h1><p>" + "Настоящий договор регулирует трудовые отношения. " * 8 + "</p>")
    params = dict(texts=["коллективн* договор*"], exclude_texts=["проект*"], target="page", min_target_text=200)
    weak = run(view(docs, thin), "link", **params)
    assert weak.outcome == Outcome.needs_review and "почти нет текста" in weak.evidence[0].note
    strong = run(view(docs, full), "link", **params)
    assert strong.outcome == Outcome.present
    assert all("/proekt/" not in e.snippet for e in strong.evidence)


def test_link_document_title_decides():
    docs = page("/docs/", '<p><a href="/files/regulation.docx">Правила внутреннего распорядка</a></p>')
    doc = Document(url=SITE + "/files/regulation.docx", status=200, kind="docx", detected_kind="docx", size=5000,
                   text_head="ПРАВИЛА ВНУТРЕННЕГО ТРУДОВОГО РАСПОРЯДКА. 1. Общие положения")
    site = view(docs, documents=[doc])
    labour = run(site, "link", texts=["правил* внутреннего трудового распорядка"],
                 document_texts=["правил* внутреннего трудового распорядка"], target="document")
    assert labour.outcome == Outcome.present and "озаглавлен" in labour.evidence[0].note
    recipients = run(site, "link", texts=["правил* внутреннего распорядка"],
                     exclude_document_texts=["трудов* распорядк*"], target="document")
    assert recipients.outcome == Outcome.absent


def test_navigation_absent_without_common_links():
    bare = [extract_page(f'<html lang="ru"><body><h1>{n}</h1><a href="/{n}/x/">дальше</a></body></html>'.encode(),
                         url=f"{SITE}/{n}/") for n in ("a", "b", "c")]
    assert run(view(*bare), "navigation").outcome == Outcome.absent
    menus = [page(f"/{n}/", f"<h1>{n}</h1>") for n in ("a", "b", "c")]
    assert run(view(*menus), "navigation").outcome == Outcome.present


def test_freshness_absent_when_stale_needs_review_without_dates():
    stale = view(page("/news/", "<p>15.03.2024 — день открытых дверей</p>"))
    assert run(stale, "freshness", max_age_days=180).outcome == Outcome.absent
    undated = view(page("/", "<p>Добро пожаловать.</p>"))
    assert run(undated, "freshness", max_age_days=180).outcome == Outcome.needs_review


def test_accessibility_basics_absent_on_a_concrete_failure():
    no_lang = extract_page(b'<html><body><h1>x</h1><img src="a.png"></body></html>', url=SITE + "/")
    assert run(view(no_lang), "accessibility_basics").outcome == Outcome.absent
    assert run(view(page("/", "<p>Текст</p>")), "accessibility_basics").outcome == Outcome.present
