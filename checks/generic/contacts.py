"""Phone numbers and e-mail addresses: found, well-formed, not placeholders."""
from __future__ import annotations

import re

from checks.findings import Evidence
from checks.generic.common import ordered_pages, result, script_built
from checks.registry import CheckResult, Params, check
from checks.site import SiteView
from checks.text import snippet

# +7 / 8 with a 3–5 digit code, or a bare local number with separators (2-34-56, 234-56-78)
_PHONE = re.compile(
    r"(?<![\d\w])(?:(?:\+7|8)[\s\-\u00a0]*\(?\d{3,5}\)?[\s\-\u00a0]*\d{1,3}[\s\-\u00a0]*\d{2}[\s\-\u00a0]*\d{2}"
    r"|\(\d{3,5}\)[\s\-\u00a0]*\d{1,3}[\s\-\u00a0]*\d{2}[\s\-\u00a0]*\d{2}"
    r"|\d{1,3}-\d{2}-\d{2})(?![\d\w])")
_PHONE_CONTEXT = re.compile(r"тел|факс|звон|горяч|телефон|моб|приемн|т\.\s*:", re.I)

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-zа-я]{2,}(?![\w-])", re.I)
_EMAIL_OBFUSCATED = re.compile(
    r"(?<![\w.+-])([\w.+-]+)\s*(?:\[at\]|\(at\)|\{at\}|\s+at\s+|\[собака\]|\(собака\)|\s+собака\s+)\s*"
    r"([\w-]+(?:\s*(?:\.|\[dot\]|\(dot\)|\s+dot\s+)\s*[\w-]+)*\s*(?:\.|\[dot\]|\(dot\)|\s+dot\s+)\s*[a-zа-я]{2,})",
    re.I)
_CF_EMAIL = re.compile(r"/cdn-cgi/l/email-protection#([0-9a-f]+)", re.I)
PLACEHOLDER_DOMAINS = re.compile(
    r"(^|\.)(example\.(com|org|net|ru)|domain\.(ru|com)|site\.ru|sait\.ru|mail\.example|test\.(ru|com)"
    r"|yourdomain\.\w+|email\.(com|ru)|localhost)$", re.I)


def phone_ok(raw: str) -> bool:
    digits = re.sub(r"\D", "", raw)
    if len(digits) == 11:
        return digits[0] in "78"
    if len(digits) == 10:
        return digits[0] in "3489"
    return 5 <= len(digits) <= 7  # a local number without the city code


class PhoneParams(Params):
    pass


@check("phone", PhoneParams)
def phone_check(site: SiteView, params: PhoneParams) -> CheckResult:
    """Номер телефона российского формата: ссылка tel: или номер рядом со словом «телефон»."""
    found: list[Evidence] = []
    odd: list[Evidence] = []
    for page in ordered_pages(site):
        for link in page.links:
            if link.url.startswith("tel:"):
                raw = link.url[4:]
                ev = Evidence(url=page.final_url, snippet=f"ссылка tel:{raw} «{link.text}»",
                              check="phone", rendered=script_built(
                                  page, lambda static, url=link.url: any(x.url == url for x in static.links)))
                (found if phone_ok(raw) else odd).append(ev)
                break
        for m in _PHONE.finditer(page.text):
            before = page.text[max(0, m.start() - 60): m.start()]
            local = not m.group().lstrip().startswith(("+", "8", "("))
            if not _PHONE_CONTEXT.search(before) and local:
                continue
            if phone_ok(m.group()):
                found.append(Evidence(url=page.final_url, snippet=snippet(page.text, m.start(), m.end(), 50),
                                      check="phone",
                                      rendered=script_built(page, lambda static, n=m.group(): n in static.text),
                                      note="номер без кода города" if local else ""))
                break
        if len({e.url for e in found}) >= 3:
            break
    number = found[0].snippet if found else ""
    return result(found, odd, note_present="опубликован номер телефона",
                  note_weak="номер в ссылке tel: неверного формата",
                  functioning=f"номер корректного российского формата: {number}" if found else "")


class EmailParams(Params):
    pass


@check("email", EmailParams)
def email_check(site: SiteView, params: EmailParams) -> CheckResult:
    """Адрес электронной почты: корректный, домен не заглушка; запись вида info[at]… засчитывается
    с замечанием."""
    found: list[Evidence] = []
    placeholders: list[Evidence] = []
    notes: set[str] = set()
    for page in ordered_pages(site):
        for address, how, where in _addresses(page):
            domain = address.rsplit("@", 1)[-1]
            ev = Evidence(url=page.final_url, snippet=where, check="email", rendered=script_built(
                page, lambda static, a=address: a in static.text or any(a in x.url for x in static.links)))
            if PLACEHOLDER_DOMAINS.search(domain):
                ev.note = f"адрес-заглушка: {address}"
                placeholders.append(ev)
                continue
            if how:
                ev.note = how
                notes.add(how)
            found.append(ev)
            break
        if len(found) >= 3:
            break
    functioning = ""
    if found:
        functioning = "адрес корректного формата" + (f" ({'; '.join(sorted(notes))})" if notes else "")
    # a template's placeholder (info@site.ru) reaches nobody: the method is missing, shown why
    return result(found, [], note_present="; ".join(sorted(notes)), functioning=functioning,
                  failed=placeholders, note_failed="опубликован только адрес-заглушка из шаблона сайта")


def _addresses(page):
    """(address, remark, snippet) for every e-mail seen on the page."""
    for link in page.links:
        if link.url.lower().startswith("mailto:"):
            address = link.url[7:].split("?")[0].strip()
            if _EMAIL.fullmatch(address):
                yield address, "", f"ссылка mailto:{address}"
        elif m := _CF_EMAIL.search(link.url):
            address = _decode_cloudflare(m.group(1))
            if address and _EMAIL.fullmatch(address):
                yield address, "адрес скрыт скриптом защиты от спама, расшифрован", f"защищённая ссылка → {address}"
    for m in _EMAIL.finditer(page.text):
        yield m.group(), "", snippet(page.text, m.start(), m.end(), 50)
    for m in _EMAIL_OBFUSCATED.finditer(page.text):
        domain = re.sub(r"\s*(\[dot\]|\(dot\)|\s+dot\s+)\s*", ".", m.group(2)).replace(" ", "")
        address = f"{m.group(1)}@{domain}"
        yield (address, "адрес записан в обход спам-ботов (например, [at]); его нельзя скопировать как есть",
               snippet(page.text, m.start(), m.end(), 50))


def _decode_cloudflare(hexed: str) -> str:
    try:
        data = bytes.fromhex(hexed)
        return bytes(b ^ data[0] for b in data[1:]).decode("utf-8")
    except (ValueError, IndexError, UnicodeDecodeError):
        return ""
