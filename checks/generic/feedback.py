"""Feedback forms, questionnaires and the FAQ section, judged without submitting anything."""
from __future__ import annotations

import re
from typing import Literal

from checks.findings import Evidence
from checks.generic.common import one_line, ordered_pages, result, script_built
from checks.registry import CheckResult, Params, check
from checks.site import SiteView
from checks.snapshot import Form, FormField
from checks.text import matches_any

_CONTACT_TYPES = {"email", "tel"}
_CHOICE_TYPES = {"radio", "checkbox"}


class FormParams(Params):
    kind: Literal["message", "questionnaire", "callback"]
    message_labels: list[str] = []  # phrases naming a message field (besides any <textarea>)
    contact_labels: list[str] = []  # phrases naming a contact field (besides type email/tel)
    form_texts: list[str] = []  # phrases in the form's own text or title (for questionnaires)
    min_questions: int = 3  # questionnaire: choice groups or selects


@check("form", FormParams)
def form_check(site: SiteView, params: FormParams) -> CheckResult:
    """Форма на сайте: для обращений — поле сообщения, контакт и кнопка отправки; для анкеты —
    вопросы с вариантами ответа. Форма не отправляется."""
    good: list[Evidence] = []
    partial: list[Evidence] = []
    for page in ordered_pages(site):
        for form in page.forms:
            verdict = _judge(form, params)
            if verdict is None:
                continue
            complete, what = verdict
            if complete:
                target = site.endpoint(form.action, page.final_url)
                what += f"; {target.note}"
                complete = target.ok is not False
            ev = Evidence(url=page.final_url, snippet=one_line(form.text or what, 160), check="form",
                          note=what, rendered=script_built(
                              page, lambda static, action=form.action: any(f.action == action for f in static.forms)))
            (good if complete else partial).append(ev)
    return result(good, partial, note_present="форма найдена (не отправлялась)",
                  note_weak="форма неполная или её адрес отправки не существует",
                  functioning=good[0].note if good else "")


def _judge(form: Form, params: FormParams) -> tuple[bool, str] | None:
    """(complete, description) when the form is of the wanted kind; None when it is not."""
    fields = [f for f in form.fields if f.type not in ("hidden", "submit", "button", "reset", "image")]
    submit = bool(form.submit_texts)
    if params.kind == "questionnaire":
        questions = len({f.name for f in fields if f.type in _CHOICE_TYPES or f.tag == "select"})
        titled = bool(params.form_texts and matches_any(form.text, params.form_texts))
        if questions < params.min_questions and not (titled and questions):
            return None
        return submit, f"анкета: {questions} вопрос(ов) с вариантами ответа" + ("" if submit else ", нет кнопки отправки")
    message = [f for f in fields if f.tag == "textarea" or _labelled(f, params.message_labels)]
    contact = [f for f in fields if f.type in _CONTACT_TYPES or _labelled(f, params.contact_labels)]
    if not contact:
        # labels written in table cells beside the fields (uCoz, Bitrix iblock forms) are not tied
        # to the fields, but the form's own text names the contact it asks for
        unlabelled = [f for f in fields if f.tag == "input" and f.type in ("", "text") and not f.label]
        if unlabelled and params.contact_labels and matches_any(form.text, params.contact_labels):
            contact = unlabelled
    if params.kind == "callback":
        phone = [f for f in contact if f.type == "tel" or re.search(r"тел|phone", f.name + f.label, re.I)]
        if not phone or message or len(fields) > 4:
            return None
        return submit, "форма обратного звонка" + ("" if submit else ", нет кнопки отправки")
    if not message:
        return None
    missing = [name for name, ok in (("поля для контакта", contact), ("кнопки отправки", submit)) if not ok]
    if missing:
        return False, "форма обращения без " + " и ".join(missing)
    return True, f"форма обращения: поле сообщения, контакт, кнопка «{form.submit_texts[0]}»"


def _labelled(field: FormField, phrases: list[str]) -> bool:
    return bool(phrases) and bool(matches_any(f"{field.label} {field.name}", phrases))


class FaqParams(Params):
    titles: list[str]  # names of the FAQ section
    min_pairs: int = 1


_QUESTION = re.compile(r"\?\s*$|^\s*(вопрос|в)\s*[:.)]", re.I)


@check("faq", FaqParams)
def faq_check(site: SiteView, params: FaqParams) -> CheckResult:
    """Раздел «Часто задаваемые вопросы» с хотя бы одним вопросом и ответом."""
    found: list[Evidence] = []
    empty: list[str] = []
    for page in ordered_pages(site):
        start = _section_start(site, page, params.titles)
        if start is None:
            continue
        lines = [ln for ln in page.text.splitlines()[start:] if ln.strip()]
        pairs = [(q, a) for q, a in zip(lines, lines[1:])
                 if _QUESTION.search(q) and not _QUESTION.search(a) and len(a) >= 15]
        if len(pairs) >= params.min_pairs:
            q, a = pairs[0]
            found.append(Evidence(url=page.final_url, snippet=one_line(f"{q} — {a}", 200), check="faq",
                                  note=f"вопросов с ответами: {len(pairs)}",
                                  rendered=script_built(page, lambda static, q=q: q in static.text)))
        else:
            empty.append(page.final_url)
    res = result(found, [], note_present="раздел с вопросами и ответами",
                 functioning=found[0].note if found else "")
    if not found and empty:
        res.note = "раздел «Вопрос-ответ» есть, но в нём нет ни одного вопроса с ответом: " + ", ".join(empty[:3])
    return res


def _section_start(site: SiteView, page, titles: list[str]) -> int | None:
    """The line where the FAQ starts: 0 for a FAQ page, the heading's line inside another page."""
    if site.head(page).find(titles[0], limit=1) or any(site.head(page).find(t, limit=1) for t in titles):
        return 0
    for number, line in enumerate(page.text.splitlines()):
        if len(line) < 60 and matches_any(line, titles):
            return number + 1
    return None
