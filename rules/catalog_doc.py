"""The rule catalog of a sphere as a Russian Markdown document, generated from the rule files.

`python -m rules.catalog_doc` writes docs/rules-<sphere>.md; tests fail when the committed file
differs from what the rules say. Every rule: id, title, legal basis with how sure we are of it,
what counts as evidence (in words, from the rule's checks), what a missing item reads like and
the recommendation.
"""
from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from rules.loader import RulePack, load_pack
from rules.schema import CONFIDENCE_RU, GROUP_RU, CheckRef, Rule

ROOT = Path(__file__).resolve().parents[1]
GROUP_ORDER = ("information", "remote", "accessibility", "advisory")
TARGET_RU = {
    "document": "на документ (PDF, DOC/DOCX, XLS/XLSX, ODT, RTF); документ должен открываться, иначе — «требует проверки»",
    "page": "на страницу сайта",
    "external": "на другой сайт",
    "any": "",
}
# the checks without wording parameters, in the words of the catalog (rules/ sits below checks/,
# so it does not import the checks' own docstrings)
CHECK_RU = {
    "phone": "номер телефона российского формата: ссылка tel: или номер рядом со словом «телефон»",
    "email": "корректный адрес электронной почты (не заглушка вроде example.com); адрес, записанный "
             "в обход спам-ботов (info[at]…), засчитывается с замечанием",
    "faq": "раздел «Часто задаваемые вопросы» хотя бы с одним вопросом и ответом; пустой раздел не засчитывается",
    "form": "форма на сайте (не отправляется при проверке)",
    "navigation": "общее меню на не менее чем 80 % страниц; нет ни одной общей ссылки — «нет»",
    "documents_open": "все документы сайта открываются (ответ 200, не пустые, формат распознаётся) и "
                      "опубликованы в открытых форматах; сканы без текстового слоя — «требует проверки»",
    "freshness": "самая свежая дата на страницах и в документах сайта",
    "no_registration": "страницы и документы открываются без входа на сайт (нет ответов 401/402/403 и "
                       "страниц, где вместо содержания форма входа)",
    "accessibility_basics": "у страниц указан язык (lang), у изображений есть текстовая альтернатива (alt), "
                            "у полей форм — подписи; контраст не проверяется",
}
FORM_RU = {"message": "форма обращения: поле для текста, поле для контакта и кнопка отправки",
           "questionnaire": "анкета: вопросы с вариантами ответа и кнопка отправки",
           "callback": "форма обратного звонка: поле для телефона, без поля сообщения"}
SCOPE_RU = {"site": "в тексте страниц сайта", "section": "в тексте страниц раздела", "head": "в заголовках страниц"}


def doc_path(sphere: str) -> Path:
    return ROOT / "docs" / f"rules-{sphere}.md"


def _quoted(items: list[str], limit: int = 12) -> str:
    shown = ", ".join(f"«{i}»" for i in items[:limit])
    return shown + (f" и ещё {len(items) - limit}" if len(items) > limit else "")


def _code(items: list[str], limit: int = 6) -> str:
    shown = ", ".join(f"`{i}`" for i in items[:limit])
    return shown + (f" и ещё {len(items) - limit}" if len(items) > limit else "")


def _listed(params: dict, parts: list[tuple[str, str, Callable[[list[str]], str]]]) -> list[str]:
    """"<words> <values>" for each of `parts` (parameter, words, formatter) the check sets."""
    return [f"{words} {fmt(params[name])}" for name, words, fmt in parts if params.get(name)]


def _pattern(ref: CheckRef, regex: str, where: str) -> str:
    """The rule's own words for a pattern, else the pattern itself."""
    return ref.about or f"{where} — шаблон `{regex}`"


def describe_check(ref: CheckRef) -> str:
    """One check of a rule's evidence, in Russian words."""
    p = ref.params
    if ref.check == "text":
        parts = [SCOPE_RU[p.get("scope", "site")] + " — " + (
            f"{_quoted(p['phrases'])} (с учётом словоизменения)" if p.get("phrases")
            else ref.about or f"шаблон {_code(p['patterns'])}")]
        if p.get("min_distinct", 1) > 1:
            parts.append(f"не меньше {p['min_distinct']} разных формулировок из списка (меньше — «требует проверки»)")
        for group in p.get("near", []):
            parts.append(f"рядом одно из: {_quoted(group, 8)}")
        if p.get("phrases") and p.get("patterns"):
            parts.append(f"или шаблон {_code(p['patterns'])}")
        if p.get("followed_by"):
            parts.append(_pattern(ref, p["followed_by"], "после этого"))
        if p.get("near_pattern"):
            parts.append(_pattern(ref, p["near_pattern"], "рядом"))
        if p.get("not_near"):
            parts.append(f"не засчитывается рядом со словами {_quoted(p['not_near'], 8)}")
        text = "; ".join(parts)
    elif ref.check == "link":
        what = _listed(p, [("texts", "с текстом", _quoted), ("url_patterns", "с адресом по шаблону", _code),
                           ("attrs", "с классом или id", _code),
                           ("document_texts", "на документ, который сам озаглавлен", _quoted)])
        text = "ссылка " + " или ".join(what)
        if p.get("also_texts"):
            text += f", в тексте которой есть одно из: {_quoted(p['also_texts'], 8)}"
        if p.get("exclude_texts"):
            text += f", кроме ссылок со словами {_quoted(p['exclude_texts'], 8)}"
        if p.get("exclude_document_texts"):
            text += f", кроме документов, озаглавленных {_quoted(p['exclude_document_texts'], 8)}"
        if TARGET_RU[p.get("target", "any")]:
            text += ", " + TARGET_RU[p.get("target", "any")]
        if p.get("min_target_text"):
            text += (f"; на странице должно быть не меньше {p['min_target_text']} знаков собственного текста "
                     "(пустая или не загруженная страница — «требует проверки»)")
    elif ref.check == "page":
        text = "страница раздела " + " или ".join(
            _listed(p, [("url_patterns", "по адресу", _code), ("headings", "по заголовку", _quoted)]))
    elif ref.check == "markup":
        found = _listed(p, [("scripts", "скрипты", _code), ("inline", "встроенные скрипты", _code),
                            ("iframes", "фреймы", _code), ("controls", "кнопки с текстом", _quoted),
                            ("control_attrs", "элементы с классом", _code)])
        text = f"{p.get('label', 'элемент на странице')}: " + "; ".join(found)
    elif ref.check == "form":
        text = f"{CHECK_RU['form']} — {FORM_RU[p['kind']]}"
    elif ref.check == "faq":
        text = f"{CHECK_RU['faq']}; название раздела — {_quoted(p['titles'])}"
    elif ref.check == "freshness":
        text = f"{CHECK_RU['freshness']} не старше {p.get('max_age_days', 365)} дней; дат нет — «требует проверки»"
    else:
        text = CHECK_RU[ref.check]
    if ref.weak:
        text += " — такой признак даёт только «требует проверки»"
    return text[0].upper() + text[1:]


FUNCTIONING_RU = {
    "low_vision_trial": "в браузере нажимается кнопка версии для слабовидящих (или открывается "
                        "ссылка на неё) и страница сравнивается до и после: крупнее шрифт, другие цвета, "
                        "панель настроек, класс режима или открывшаяся версия — работает; ничего не "
                        "изменилось — «требует проверки»; проверить не удалось — вывод по разметке",
}


def browser_lines(rule: Rule) -> list[str]:
    """What the crawler does for the rule beyond fetching: render, probe, switch on."""
    loc, lines = rule.locate, []
    if rule.functioning is not None:
        lines += ["", f"**Как проверяется работа:** {FUNCTIONING_RU[rule.functioning.check]}."]
    if loc.probe or loc.probe_forms:
        what = []
        if loc.probe_forms:
            what.append("адрес отправки форм обращений и анкет")
        if loc.probe:
            what.append(f"ссылки, скрипты и фреймы по шаблонам {_code(loc.probe, 4)}")
        lines += ["", f"**Проверка без отправки данных:** {' и '.join(what)} — запросом HEAD (GET без "
                  "параметров, если HEAD не принят); ничего не отправляется; 404 или отсутствие ответа — "
                  "«требует проверки»."]
    if loc.render:
        lines += ["", "**Браузер:** страницы раздела открываются и в браузере, если на них есть скрипты "
                  "(формы и виджеты часто строятся скриптами)."]
    return lines


def render_rule(rule: Rule) -> str:
    lines = [f"### `{rule.id}` — {rule.title}", ""]
    if rule.description:
        lines += [" ".join(rule.description.split()), ""]
    lines.append("**Основание:**")
    for b in rule.basis:
        note = f"; {b.note}" if b.note else ""
        lines.append(f"- {b.act}, {b.clause} — *{CONFIDENCE_RU[b.confidence]}*{note}")
    combine = "любой из признаков" if rule.evidence.any else "все признаки сразу"
    lines += ["", f"**Что считается подтверждением** ({combine}):"]
    lines += [f"- {describe_check(ref)}." for ref in rule.checks()]
    lines += browser_lines(rule)
    channels = {"site": "сайт", "stand": "стенд", "visit": "посещение"}
    lines += ["", f"**Каналы:** {', '.join(channels[c] for c in rule.channels)}"
              + (f"; показатель {rule.indicator}" if rule.indicator else ""),
              "", f"**Если не выполнено:** {rule.failure_title}.",
              "", f"**Рекомендация:** {' '.join(rule.recommendation.split())}", ""]
    return "\n".join(lines)


def _ordered(pack: RulePack, group: str) -> list[Rule]:
    """Rules of a group: information items in the order of the site preset, others by id."""
    order = {rule_id: n for n, rule_id in enumerate(pack.preset("site"))} if "site" in pack.presets.presets else {}
    return sorted(pack.by_group(group), key=lambda r: (order.get(r.id, len(order)), r.id))


def render(pack: RulePack) -> str:
    out = [f"# Каталог правил: {pack.settings.title}", "",
           f"<!-- Файл создан командой `python -m rules.catalog_doc` из rules/{pack.sphere}/site/*.yaml; "
           "не правьте его вручную. -->", "",
           f"Правил: {len(pack.rules)}. Каждое правило проверяет один пункт каталога "
           "(идентификатор — как в reference/catalog-social.md) по снимку сайта и даёт один из исходов: "
           "«есть», «нет», «требует проверки», «не применимо» или «ошибка проверки».", "",
           "Общие соглашения:", "",
           "- фразы ищутся с учётом словоизменения; `слово*` — любое слово с этим началом; "
           "`~N` — до N других слов между словами фразы;",
           "- упоминание, найденное только в новостях и объявлениях, даёт «требует проверки»: "
           "новость часто о другой организации или о событии;",
           "- пункт меню с названием раздела — не сама информация: нужна страница или документ с содержанием;",
           "- уверенность в правовом основании: *подтверждено* — формулировка видна в источнике; "
           "*подтверждено косвенно* — по вторичным источникам; *не подтверждено по официальному тексту* — "
           "восстановлено по памяти, требует сверки.", ""]
    for group in GROUP_ORDER:
        rules = _ordered(pack, group)
        if not rules:
            continue
        out += [f"## {GROUP_RU[group]}", ""]
        out += [render_rule(rule) for rule in rules]
    return "\n".join(out).rstrip("\n") + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Записать каталог правил набора в docs/rules-<сфера>.md")
    parser.add_argument("--sphere", default="social")
    parser.add_argument("--output", type=Path, default=None, help="куда записать (по умолчанию docs/rules-<сфера>.md)")
    args = parser.parse_args(argv)
    target = args.output or doc_path(args.sphere)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render(load_pack(args.sphere)), encoding="utf-8")
    print(f"Записан каталог правил: {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
