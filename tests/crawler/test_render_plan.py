"""Deciding without a browser what the browser is for: signs that a page is built by scripts
(crawler/jsdetect.py) and, from the rule pack's hints, which targets get a safe probe and which
controls the low-vision trial tries (crawler/plan.py)."""
from __future__ import annotations

import pytest

from checks.engine import load_checked_pack
from crawler.extract import extract_page
from crawler.plan import Planner
from tests.crawler.helpers import links

URL = "http://127.0.0.1:8000/"
MENU = "<nav>" + links(("/a/", "Сведения"), ("/b/", "Документы"), ("/c/", "Контакты")) + "</nav>"
TEXT = "<p>" + "Комплексный центр социального обслуживания населения. " * 5 + "</p>"


def page(body: str, *, url: str = URL, depth: int = 0, head: str = ""):
    html = f"<!doctype html><html lang='ru'><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>"
    return extract_page(html.encode(), url=url, depth=depth)


@pytest.fixture(scope="module")
def planner():
    return Planner(load_checked_pack("social").crawl_hints())


def test_a_plain_page_needs_no_browser_even_with_scripts():
    assert page(MENU + TEXT, head="<script src='/js/jquery.js'></script>").js_signals == []
    assert page("<nav><ul class='menu'></ul></nav>" + TEXT).js_signals == []  # no scripts: nothing to run


def test_an_empty_scripted_menu_on_a_start_page_with_no_links():
    signals = page("<nav class='gw-menu'><ul class='gw-menu__list'></ul></nav>" + TEXT,
                   head="<script src='/js/menu.js' defer></script>").js_signals
    assert signals == ["empty_nav", "few_links"]
    # an empty mobile-menu placeholder beside a real menu is not a sign
    assert page(MENU + "<nav class='mobile-menu'></nav>" + TEXT, head="<script src='/m.js'></script>",
                depth=1).js_signals == []


def test_spa_shell_and_noscript_warning_but_not_a_tracking_pixel():
    shell = page("<div id='app'></div><noscript>Для работы сайта включите JavaScript</noscript>",
                 head="<script src='/app.js'></script>")
    assert {"spa_shell", "noscript"} <= set(shell.js_signals)
    pixel = page(MENU + TEXT + "<noscript><div><img src='https://mc.yandex.ru/watch/1' alt=''></div></noscript>",
                 head="<script>ym(1, 'init');</script>", depth=1)
    assert pixel.js_signals == []


def test_inline_script_that_writes_links():
    built = page(MENU + TEXT + "<div id='c'></div><script>document.getElementById('c').innerHTML = "
                 "'<a href=\"/kontakty/\">Контакты</a>';</script>", depth=1)
    assert built.js_signals == ["script_links"]


def test_probe_targets_external_services_and_message_form_actions(planner):
    p = page(links(("https://bus.gov.ru/qrcode/rate/123", "Оцените качество"),
                   ("https://vk.com/kcson_example", "Мы ВКонтакте"),
                   ("https://vk.com/share.php?url=x", "Поделиться"),
                   ("/anketa/", "Анкета"))
             + "<script src='https://pos.gosuslugi.ru/bin/script.min.js'></script>"
             + "<form action='/send.php' method='post'><textarea name='t'></textarea><button>Отправить</button></form>"
             + "<form action='/search/' method='get'><input name='q'><button>Найти</button></form>"
             + "<form method='post'><textarea name='t'></textarea><button>Отправить</button></form>")
    targets = planner.probe_targets(p, {"127.0.0.1:8000"})
    assert ("https://bus.gov.ru/qrcode/rate/123", "link") in targets
    assert ("https://vk.com/kcson_example", "link") in targets
    assert ("https://pos.gosuslugi.ru/bin/script.min.js", "widget") in targets
    assert ("http://127.0.0.1:8000/send.php", "form") in targets
    urls = [u for u, _ in targets]
    assert "https://vk.com/share.php?url=x" not in urls  # a share button is not an account
    assert "http://127.0.0.1:8000/search/" not in urls  # a search form takes no message
    assert URL not in urls  # a form posting to its own page: that page answered already
    assert "http://127.0.0.1:8000/anketa/" not in urls  # the site's own pages are crawled, not probed


def test_low_vision_controls_and_version_links(planner):
    assert planner.has_trial
    assert "span" in planner.trial_control(page("<span class='bvi-open' title='Версия для слабовидящих'></span>"))
    assert planner.trial_control(page(links(("/special/", "Для слабовидящих"))))
    assert planner.trial_control(page(TEXT, head="<script src='/media/bvi/js/bvi.min.js'></script>"))
    assert planner.trial_control(page(links(("/dostupnaya-sreda/", "Доступная среда")) + TEXT)) == ""
    assert planner.version_link("http://x.ru/news/?special_version=Y")
    assert not planner.version_link("http://x.ru/news/")


def test_rules_name_the_pages_they_want_rendered(planner):
    assert planner.render_hinted("http://x.ru/feedback/", "")
    assert planner.render_hinted("http://x.ru/page/12/", "Интернет-приёмная")
    assert not planner.render_hinted("http://x.ru/news/", "Новости")


def test_no_hints_no_probes_no_trials():
    empty = Planner({})
    assert not empty.has_trial and empty.trial_control(page(links(("/special/", "Для слабовидящих")))) == ""
    assert empty.probe_targets(page(links(("https://bus.gov.ru/x", "x"))), set()) == []


def test_driver_closing_on_stop_is_not_logged_as_an_error():
    import logging

    import crawler.browser  # noqa: F401  (installs the filter)

    def record(error: Exception) -> logging.LogRecord:
        return logging.LogRecord("asyncio", logging.ERROR, __file__, 1, "Future exception was never retrieved",
                                 None, (type(error), error, None))

    keep = logging.getLogger("asyncio").filter
    assert not keep(record(Exception("Connection closed while reading from the driver")))
    assert keep(record(RuntimeError("something else")))
