"""Site identity, URL dedup, what is crawled, trap detection, link priority."""
from __future__ import annotations

import pytest

from crawler.priority import Prioritizer
from crawler.sitekey import (
    clean_url, dedup_key, document_kind, is_asset, is_calendar, normalise_start_url, same_site,
    site_key, trap_reason,
)


@pytest.mark.parametrize("url, key", [
    ("https://WWW.Kcson.Ru/about/", "kcson.ru"),
    ("http://kcson.ru:80", "kcson.ru"),
    ("https://kcson.ru:443/x", "kcson.ru"),
    ("http://127.0.0.1:8080/", "127.0.0.1:8080"),
    ("http://центр.рф/", "xn--e1aqjhr.xn--p1ai"),
    ("http://sub.kcson.ru/", "sub.kcson.ru"),
])
def test_site_key(url, key):
    assert site_key(url) == key


def test_same_site_ignores_scheme_and_www():
    keys = {"kcson.ru"}
    assert same_site("https://www.kcson.ru/a", keys) and same_site("http://kcson.ru/", keys)
    assert not same_site("https://kcson.ru.evil.com/", keys)
    assert not same_site("mailto:info@kcson.ru", keys)


def test_normalise_start_url():
    assert normalise_start_url(" kcson.ru ") == "http://kcson.ru/"
    assert normalise_start_url("HTTPS://KCSON.RU/Index.php#top") == "https://kcson.ru/Index.php"


def test_session_and_tracking_parameters_dropped():
    assert clean_url("http://x.ru/news/?PHPSESSID=abc&id=5&utm_source=vk#f") == (
        "http://x.ru/news/?id=5")
    assert clean_url("http://x.ru/a;jsessionid=0AF3B9?x=1") == "http://x.ru/a?x=1"
    assert clean_url("http://x.ru/?sid=12") == "http://x.ru/?sid=12"  # a section id
    assert clean_url("http://x.ru/?sid=9f8e7d6c5b4a39281706") == "http://x.ru/"
    assert clean_url("http://x.ru/?print=Y&clear_cache=Y") == "http://x.ru/"


def test_dedup_key_treats_variants_as_one():
    same = ["http://www.x.ru/a/?b=2&a=1", "https://x.ru/a/?a=1&b=2&PHPSESSID=1",
            "https://x.ru/a/index.php?a=1&b=2"]
    assert len({dedup_key(u) for u in same}) == 1
    assert dedup_key("https://x.ru/a/") != dedup_key("https://x.ru/A/")
    assert dedup_key("http://x.ru/путь/") == dedup_key("http://x.ru/%D0%BF%D1%83%D1%82%D1%8C/")


def test_documents_and_assets_by_extension():
    assert document_kind("http://x.ru/files/Устав.PDF") == "pdf"
    assert document_kind("http://x.ru/files/plan.docx?v=2") == "docx"
    assert document_kind("http://x.ru/docs/") == ""
    assert is_asset("http://x.ru/i/photo.JPG") and is_asset("http://x.ru/a.zip")
    assert not is_asset("http://x.ru/page.php") and not is_asset("http://x.ru/doc.pdf")


@pytest.mark.parametrize("url, reason", [
    ("http://x.ru/" + "a" * 600, "long_url"),
    ("http://x.ru/a/b/a/b/a/b/", "repeated_segments"),
    ("http://x.ru/" + "/".join(f"s{i}" for i in range(20)), "deep_path"),
    ("http://x.ru/about/contacts/", ""),
])
def test_trap_reason(url, reason):
    assert trap_reason(url, 500) == reason


@pytest.mark.parametrize("url, calendar", [
    ("http://x.ru/events/?month=5&year=2024", True),
    ("http://x.ru/calendar/", True),
    ("http://x.ru/news/2024/05/", True),
    ("http://x.ru/afisha/2024-05-12/", True),
    ("http://x.ru/news/?arrFilter_DATE_FROM=01.05.2024", True),
    ("http://x.ru/docs/2024/", False),
    ("http://x.ru/news/?id=2024", False),
])
def test_calendar_urls(url, calendar):
    assert is_calendar(url) is calendar


def test_priority_from_hints():
    prio = Prioritizer({"link_texts": ["Сведения об организации", "Документы"],
                        "url_patterns": [r"/sveden/", "[bad regex"]})
    assert prio.text_hinted("ОСНОВНЫЕ  сведения об организации")
    assert prio.text_hinted("Учредительные документы")
    assert not prio.text_hinted("Недокументы")  # matches only where a word starts
    assert prio.url_hinted("http://x.ru/sveden/common/")
    assert prio.url_hinted("http://x.ru/[bad regex")  # an invalid regex is a substring
    text = prio.score(url="http://x.ru/o-nas/", text="Сведения об организации", depth=2)
    url = prio.score(url="http://x.ru/sveden/", depth=1)
    nav = prio.score(url="http://x.ru/news/", text="Новости", area="nav", depth=1)
    plain = prio.score(url="http://x.ru/news/1/", text="Новость", depth=1)
    deep = prio.score(url="http://x.ru/news/1/", text="Новость", depth=4)
    calendar = prio.score(url="http://x.ru/cal/", depth=1, calendar=True)
    assert text > url > nav > plain > deep > calendar
    assert Prioritizer(None).score(url="http://x.ru/", text="Документы") == 0
    assert Prioritizer({"link_texts": ["Сведения о ёлке"]}).text_hinted("сведения о елке")
