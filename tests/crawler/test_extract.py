"""HTML → Page: decoding, visible text, links and their areas, forms, widget controls."""
from __future__ import annotations

import pytest

from crawler.encoding import decode_html
from crawler.extract import extract_page

RUSSIAN = "Получатели социальных услуг: порядок предоставления и тарифы"
URL = "https://kcson.example.ru/svedeniya/?tab=1"


def page(body: str, content_type: str = "text/html; charset=utf-8", **kw):
    html = body if body.lstrip().startswith("<") and "<html" in body else (
        f"<html><head><title>Т</title></head><body>{body}</body></html>")
    return extract_page(html.encode("utf-8"), url=URL, headers={"Content-Type": content_type},
                        **kw)


# ---- decoding --------------------------------------------------------------------------------
@pytest.mark.parametrize("codec, content_type, meta, label", [
    ("cp1251", "text/html; charset=windows-1251", "", "windows-1251"),
    ("cp1251", "text/html", '<meta http-equiv="Content-Type" content="text/html; '
                            'charset=windows-1251">', "windows-1251"),
    ("cp1251", "text/html", "", "windows-1251"),  # undeclared: sniffed, not cp1252 mojibake
    ("cp1251", "text/html; charset=iso-8859-1", "", "windows-1251"),  # a server default
    ("koi8-r", "text/html; charset=koi8-r", "", "koi8-r"),
    ("koi8-r", "text/html", "", "koi8-r"),  # undeclared koi8-r
    ("utf-8", "text/html; charset=windows-1251", "", "utf-8"),  # misdeclared UTF-8
    ("cp1251", "text/html; charset=utf-8", "", "windows-1251"),  # misdeclared windows-1251
])
def test_decoding(codec, content_type, meta, label):
    body = f"<html><head>{meta}</head><body><p>{RUSSIAN}</p></body></html>".encode(codec)
    result = extract_page(body, url=URL, headers={"content-type": content_type})
    assert result.encoding == label
    assert result.text == RUSSIAN


def test_meta_charset_and_xml_declaration():
    body = (f'<?xml version="1.0" encoding="windows-1251"?><html><body><p>{RUSSIAN}</p>'
            "</body></html>").encode("cp1251")
    assert extract_page(body, url=URL).text == RUSSIAN
    assert decode_html("\ufeffпривет".encode("utf-8")) == ("привет", "utf-8")
    assert decode_html(b'<meta charset="win-1251">' + "щ".encode("cp1251"))[0].endswith("щ")


def test_western_text_is_not_forced_into_cyrillic():
    body = "<p>Café crème brûlée à la française</p>".encode("cp1252")
    assert "Café crème" in extract_page(body, url=URL).text


# ---- text --------------------------------------------------------------------------------
def test_visible_text_one_block_per_line():
    result = page("""
        <script>var hidden = 1;</script><style>p{}</style><noscript>Включите JavaScript</noscript>
        <h2>Вопрос: как получить услугу?</h2><p>Ответ:&nbsp;обратиться в&#160;центр.<br>
        Телефон  указан ниже</p><!-- comment --><div>Соци&shy;аль&shy;ные ус\u200bлуги</div>
        <table><tr><th>Услуга</th><td>Тариф</td></tr><tr><td>Уборка</td><td>100&nbsp;руб.</td></tr>
        </table><ul><li>Первый</li><li>Второй</li></ul>
        <p><span>Склеено</span><a href="/x">ссылкой</a><button>Кнопка</button></p>
        <select><option>Москва</option><option>Тула</option></select>""")
    assert result.text.split("\n") == [
        "Вопрос: как получить услугу?", "Ответ: обратиться в центр.", "Телефон указан ниже",
        "Социальные услуги", "Услуга | Тариф", "Уборка | 100 руб.", "Первый", "Второй",
        "Склеено ссылкой Кнопка"]
    assert result.headings == ["Вопрос: как получить услугу?"]
    assert result.title == "Т"


def test_page_metadata():
    html = ('<html lang="ru-RU"><head><title> Главная&nbsp;страница </title>'
            '<base href="https://kcson.example.ru/base/"><script src="/js/bvi.js"></script>'
            '<script>window.a = 1;</script><script> </script></head><body>'
            '<img src="a.png" alt="Фото"><img src="b.png"><img src="c.png" alt="">'
            '<iframe src="//yandex.ru/map-widget/v1/?um=1"></iframe>'
            '<iframe src="about:blank"></iframe>'
            '<div itemscope><span itemprop="telephone">+7 (495) 000-00-00</span>'
            '<a itemprop="email url" href="mailto:info@example.ru">почта</a>'
            '<meta itemprop="foundingDate" content="1998-05-01"></div></body></html>')
    result = extract_page(html.encode(), url=URL, status=200,
                          headers={"Last-Modified": "Tue, 10 Feb 2026 10:00:00 GMT"})
    assert result.title == "Главная страница" and result.lang == "ru-RU"
    assert result.scripts == ["https://kcson.example.ru/js/bvi.js"]
    assert result.inline_scripts == ["window.a = 1;"]
    assert result.iframes == ["https://yandex.ru/map-widget/v1/?um=1"]
    assert (result.images, result.images_without_alt) == (3, 1)
    assert result.last_modified.startswith("Tue, 10 Feb 2026")
    assert result.itemprops == {"telephone": ["+7 (495) 000-00-00"],
                                "email": ["mailto:info@example.ru"],
                                "url": ["mailto:info@example.ru"],
                                "foundingDate": ["1998-05-01"]}


def test_empty_and_broken_documents_do_not_raise():
    assert extract_page(b"", url=URL).text == ""
    assert extract_page(b"\x00\xff\xfe<<<>>", url=URL, status=500).status == 500


# ---- links -------------------------------------------------------------------------------
def test_links_urls_and_texts():
    result = page("""
        <a href="/docs/ustav.pdf#page=2">Устав</a>
        <a href="../kontakty/" title="Контакты организации"><img src="i.png" alt="Контакты"></a>
        <a href="#" class="bvi-open Special" id="eye">Версия для слабовидящих</a>
        <a href="javascript:void(0)" aria-label="Открыть чат"></a>
        <a href="tel:+7 (495) 000-00-00">Позвонить</a><a href="mailto:info@example.ru">Почта</a>
        <a href="https://vk.com/club1">ВКонтакте</a><a name="anchor">без href</a>
        <a href="
/multi
line/ ">Перенос</a>
        <map><area href="/area/" alt="Область"></map>
        <meta http-equiv="refresh" content="10; url=/moved/">""")
    got = [(link.url, link.text, link.attrs) for link in result.links]
    assert got == [
        ("https://kcson.example.ru/docs/ustav.pdf", "Устав", ""),
        ("https://kcson.example.ru/kontakty/", "Контакты Контакты организации", ""),
        (URL, "Версия для слабовидящих", "eye bvi-open special"),
        (URL, "Открыть чат", ""),
        ("tel:+7 (495) 000-00-00", "Позвонить", ""),
        ("mailto:info@example.ru", "Почта", ""),
        ("https://vk.com/club1", "ВКонтакте", ""),
        ("https://kcson.example.ru/multiline/", "Перенос", ""),
        ("https://kcson.example.ru/area/", "", ""),
        ("https://kcson.example.ru/moved/", "", "meta-refresh"),
    ]


def test_link_areas():
    result = page("""
        <header><a href="/1">Шапка</a></header>
        <div id="top-menu"><a href="/2">Меню</a></div>
        <div class="main-navigation"><a href="/3">Навигация</a></div>
        <ul role="navigation"><li><a href="/4">Роль</a></li></ul>
        <div class="canvas"><a href="/5">Контент</a></div>
        <article><header><a href="/6">Шапка статьи</a></header></article>
        <div class="site-footer"><a href="/7">Подвал</a></div>
        <footer><a href="/8">Футер</a></footer>
        <aside><a href="/9">Колонка</a></aside><div class="left-sidebar"><a href="/10">Бок</a></div>
        <nav><footer><a href="/11">Ближайший</a></footer></nav>""")
    assert [link.area for link in result.links] == [
        "nav", "nav", "nav", "nav", "main", "main", "footer", "footer", "aside", "aside",
        "footer"]


# ---- forms and controls --------------------------------------------------------------------
def test_forms():
    result = page("""
        <form action="/feedback/send.php" method="POST" class="feedback-form" id="fb">
          <fieldset><legend>Напишите нам</legend>
          <label for="name">ФИО</label><input id="name" name="fio" required>
          <label>Электронная почта <input type="email" name="email" aria-required="true"></label>
          <textarea name="msg" placeholder="Текст обращения"></textarea>
          <select name="topic" aria-label="Тема"><option>Жалоба</option></select>
          <input type="hidden" name="sessid" value="x">
          <input type="checkbox" name="agree" title="Согласие">
          <button type="button">Прикрепить файл</button>
          <button>Отправить обращение</button></fieldset>
        </form>
        <form><input name="q" placeholder="Поиск"></form>
        <form action="search"><input type="submit" value="Найти"><input type="image" alt="Ок">
        </form>""")
    feedback, search, other = result.forms
    assert feedback.action == "https://kcson.example.ru/feedback/send.php"
    assert feedback.method == "post" and feedback.attrs == "fb feedback-form"
    fields = [(f.tag, f.type, f.name, f.label, f.required) for f in feedback.fields]
    assert fields == [
        ("input", "text", "fio", "ФИО", True),
        ("input", "email", "email", "Электронная почта", True),
        ("textarea", "", "msg", "Текст обращения", False),
        ("select", "", "topic", "Тема", False),
        ("input", "hidden", "sessid", "", False),
        ("input", "checkbox", "agree", "Согласие", False),
        ("button", "button", "", "", False),
        ("button", "submit", "", "", False),
    ]
    assert feedback.submit_texts == ["Отправить обращение"]
    assert feedback.text.startswith("Напишите нам ФИО Электронная почта")
    assert "Жалоба" not in feedback.text
    assert search.action == URL and search.method == "get" and search.submit_texts == []
    assert other.action == "https://kcson.example.ru/svedeniya/search"
    assert other.submit_texts == ["Найти", "Ок"]


def test_widget_controls():
    result = page("""
        <img id="specialButton" style="cursor:pointer" src="eye.png" alt="ВЕРСИЯ ДЛЯ СЛАБОВИДЯЩИХ">
        <img src="photo.jpg" alt="Фото здания">
        <a href="/"><img id="logo" src="logo.png" alt="Логотип"></a>
        <button class="btn" onclick="openChat()">Задать вопрос</button>
        <span class="bvi-open">Для слабовидящих</span>
        <div onclick="toggle()" title="Меню"></div>
        <div role="button" aria-label="Закрыть"></div>
        <div class="btn-group"><a href="/a">а</a></div>
        <div class="special-block">{long}</div>
        <form><button>В форме</button></form>
        <input type="button" value="Обратный звонок">""".replace("{long}", "Текст " * 40))
    assert [(c.tag, c.text, c.attrs) for c in result.controls] == [
        ("img", "ВЕРСИЯ ДЛЯ СЛАБОВИДЯЩИХ", "specialbutton"),
        ("button", "Задать вопрос", "btn"),
        ("span", "Для слабовидящих", "bvi-open"),
        ("div", "Меню", ""),
        ("div", "Закрыть", ""),
        ("input", "Обратный звонок", ""),
    ]
