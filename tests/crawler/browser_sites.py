"""Local fixture sites for the browser tests (fictional organisations), and the stand-ins that
answer for bus.gov.ru, vk.com and pos.gosuslugi.ru on another loopback address.

- `svetly_site()`: the menu and the contacts are written by a script (the static HTML has an
  empty menu and a <noscript> warning); a working bvi widget; a third-party script that the
  browser must not load in tests; an appeal form whose POST-only endpoint answers 405; the
  Госуслуги widget (its script builds a frame); an empty FAQ; a text PDF, a scan and a broken
  PDF; links to the bus.gov.ru rating form and a VK account that no longer exists.
- `tihiy_site()`: plain HTML with a separate `/special/` version, a fake feedback form whose
  action does not exist, and an OK group whose robots.txt forbids robots.
"""
from __future__ import annotations

from tests.crawler.helpers import html_page, links, pdf_bytes
from tests.sites import LocalSite

STAND_IN_HOST = "127.0.0.3"
EXTERNAL = ("https://bus.gov.ru", "https://vk.com", "https://pos.gosuslugi.ru", "https://ok.ru")

MENU_JS = """document.addEventListener('DOMContentLoaded', function () {
  var menu = [['Сведения об организации', '/svedeniya/'], ['Документы', '/dokumenty/'],
              ['Обращения граждан', '/obrashcheniya/'], ['Вопрос-ответ', '/vopros-otvet/'],
              ['Независимая оценка качества', '/nok/']];
  var ul = document.getElementById('menu');
  menu.forEach(function (m) { var li = document.createElement('li'), a = document.createElement('a');
    a.href = m[1]; a.textContent = m[0]; li.appendChild(a); ul.appendChild(li); });
  var box = document.getElementById('contacts');
  if (box) box.innerHTML = '<p>Телефон: <a href="tel:+78123456789">8 (812) 345-67-89</a></p>' +
    '<p>Электронная почта: <a href="mailto:info@kcson-svetly.ru">info@kcson-svetly.ru</a></p>';
});
"""
# the bvi plugin's behaviour as a visitor sees it: larger black-on-white text, a settings panel
BVI_JS = """window.isvek = {Bvi: function () {
  document.addEventListener('click', function (e) {
    var t = e.target.closest && e.target.closest('.bvi-open'); if (!t) return; e.preventDefault();
    var s = document.createElement('style');
    s.textContent = 'body.bvi-body, body.bvi-body * {font-size: 26px !important; background: #fff !important; color: #000 !important}';
    document.head.appendChild(s); document.body.classList.add('bvi-body');
    var p = document.createElement('div'); p.className = 'bvi-panel'; p.textContent = 'Размер шрифта · Цвета · Изображения';
    document.body.insertBefore(p, document.body.firstChild);
  });
}};
"""
WIDGET_JS = """document.addEventListener('DOMContentLoaded', function () {
  var w = document.getElementById('js-show-iframe-wrapper'); if (!w) return;
  var f = document.createElement('iframe'); f.src = 'https://pos.gosuslugi.ru/og/org-activities?mun_code=1';
  f.title = 'Платформа обратной связи'; w.appendChild(f);
});
"""
HEAD = ('<script src="/js/menu.js" defer></script><script src="/js/bvi.min.js"></script>'
        '<script>new isvek.Bvi();</script>'
        '<script src="https://lidrekon.ru/slep/js/uhpv-full.min.js"></script>')
HEADER = ('<header><a href="#" class="bvi-open" title="Версия сайта для слабовидящих">Версия для '
          'слабовидящих</a><nav class="main-menu"><ul id="menu"></ul></nav></header>')
FOOTER = "<footer><p>ГБУ «КЦСОН «Светлый», 190000, г. Светлогорск, ул. Лесная, д. 1</p></footer>"


def _svetly(title: str, body: str) -> str:
    return (f"<!doctype html><html lang='ru'><head><meta charset='utf-8'><title>{title} — КЦСОН "
            f"«Светлый»</title>{HEAD}</head><body>{HEADER}<main><h1>{title}</h1>{body}</main>"
            f"{FOOTER}</body></html>")


def broken_pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer\n<< /Root"


def svetly_site() -> LocalSite:
    pages = {
        "/": _svetly("Главная", "<p>Комплексный центр социального обслуживания населения «Светлый».</p>"
                     '<div id="contacts"><noscript>Включите JavaScript, чтобы увидеть контакты</noscript></div>'),
        "/svedeniya/": _svetly("Сведения об организации",
                               "<p>Учредитель: Министерство социальной защиты населения Северной области.</p>"
                               "<p>Дата государственной регистрации: 12.03.1996.</p>"),
        "/dokumenty/": _svetly("Документы", links(("/files/ustav.pdf", "Устав учреждения"),
                                                  ("/files/otchet.pdf", "Отчёт о деятельности за 2024 год"),
                                                  ("/files/licenziya.pdf", "Лицензия (скан)"))),
        "/obrashcheniya/": _svetly(
            "Обращения граждан",
            '<form action="/api/send" method="post"><label>ФИО <input name="fio"></label>'
            '<label>E-mail <input type="email" name="email"></label>'
            '<label>Текст обращения <textarea name="text"></textarea></label>'
            '<button type="submit">Отправить</button></form>'
            '<div id="js-show-iframe-wrapper"></div>'
            '<script src="https://pos.gosuslugi.ru/bin/script.min.js"></script>'),
        "/vopros-otvet/": _svetly("Вопрос-ответ", "<p>Раздел находится в наполнении.</p>"),
        "/nok/": _svetly("Независимая оценка качества", links(
            ("https://bus.gov.ru/qrcode/rate/123456", "Оцените качество условий оказания услуг"),
            ("https://vk.com/kcson_svetly", "Мы ВКонтакте"))),
        "/js/menu.js": MENU_JS,
        "/js/bvi.min.js": BVI_JS,
        "/files/otchet.pdf": pdf_bytes("Report of the social service centre for the year 2024"),
        "/files/licenziya.pdf": pdf_bytes(""),  # a page without any text: a scan
        "/files/ustav.pdf": broken_pdf(),
    }
    routes = {"/api/send": lambda handler: (405, {"Allow": "POST", "Content-Type": "text/plain"},
                                            "Method Not Allowed")}
    return LocalSite(pages=pages, routes=routes)


def tihiy_site() -> LocalSite:
    menu = links(("/", "Главная"), ("/svedeniya/", "Сведения"), ("/obratnaya-svyaz/", "Обратная связь"))
    version = '<p><a href="/special/">Версия для слабовидящих</a></p>'
    pages = {
        "/": html_page(f"<nav>{menu}</nav>{version}<h1>СРЦН «Тихий»</h1><p>Телефон: 8 (813) 222-33-44</p>"
                       + links(("https://ok.ru/group/srcn_tihiy", "Мы в Одноклассниках")), "Главная"),
        "/svedeniya/": html_page(f"<nav>{menu}</nav>{version}<h1>Сведения</h1><p>Учредитель: администрация района.</p>",
                                 "Сведения"),
        "/obratnaya-svyaz/": html_page(
            f"<nav>{menu}</nav>{version}<h1>Обратная связь</h1>"
            '<form action="/nowhere.php" method="post"><label>Имя <input name="name"></label>'
            '<label>E-mail <input type="email" name="email"></label><label>Сообщение <textarea name="msg">'
            '</textarea></label><button type="submit">Отправить</button></form>', "Обратная связь"),
        "/special/": ("<!doctype html><html lang='ru'><head><meta charset='utf-8'><title>Версия для "
                      "слабовидящих</title></head><body style='font-size:28px;background:#000;color:#ff0'>"
                      f"<nav>{menu}</nav><h1>СРЦН «Тихий»</h1><p>Обычная версия сайта</p></body></html>"),
    }
    return LocalSite(pages=pages)


def stand_ins() -> LocalSite:
    """bus.gov.ru's rating form answers; the VK account is gone (404); the Госуслуги widget's
    script and frame load; robots.txt keeps robots out of /group/ (the OK group is not probed)."""
    pages = {
        "/robots.txt": "User-agent: *\nDisallow: /group/\n",
        "/qrcode/rate/123456": "<h1>Оценка качества условий оказания услуг</h1>",
        "/bin/script.min.js": WIDGET_JS,
        "/og/org-activities": "<p>Сообщить о проблеме</p>",
    }
    return LocalSite(pages=pages, host=STAND_IN_HOST)


def stand_in_map(server: LocalSite) -> dict[str, str]:
    return {origin: server.url for origin in EXTERNAL}
