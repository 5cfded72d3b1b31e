"""Forms and clickable controls: how a visitor could write to the organisation or open a
service (a low-vision version button, a chat, a callback widget)."""
from __future__ import annotations

from urllib.parse import urljoin

from lxml import etree

from checks.snapshot import Control, Form, FormField
from crawler.text import SKIP, clean, element_attrs, element_tokens, inline_text, join_unique

_WIDGET_TOKENS = ("btn", "button", "bvi", "special", "toggle", "trigger", "widget")
MAX_CONTROLS = 200
MAX_FORM_TEXT = 2000
MAX_CONTROL_TEXT = 200
MAX_WIDGET_TEXT = 120  # a longer "button-like" element is a container, not a control


def _field_label(el, labels: dict[str, str], root) -> str:
    field_id = el.get("id")
    if field_id and labels.get(field_id):
        return labels[field_id]
    for anc in el.iterancestors("label"):
        text = inline_text(anc)
        if text:
            return text
    for ref in (el.get("aria-labelledby") or "").split():
        target = root.get_element_by_id(ref, None)
        if target is not None and inline_text(target):
            return inline_text(target)
    return clean(el.get("aria-label") or el.get("placeholder") or el.get("title") or "")


def _control_text(el) -> str:
    return join_unique([inline_text(el)[:MAX_CONTROL_TEXT], el.get("value") or "",
                        el.get("alt") or "", el.get("title") or "", el.get("aria-label") or ""])


def _is_submit(el) -> bool:
    kind = (el.get("type") or "").lower()
    if el.tag == "button":
        return kind in ("", "submit")
    return el.tag == "input" and kind in ("submit", "image")


def forms(root, base: str, page_url: str) -> list[Form]:
    labels: dict[str, str] = {}
    for label in root.iter("label"):
        if label.get("for"):
            labels.setdefault(label.get("for"), inline_text(label))
    found = []
    for form in root.iter("form"):
        fields, submits = [], []
        for el in form.iter("input", "textarea", "select", "button"):
            default_type = {"input": "text", "button": "submit"}.get(el.tag, "")
            fields.append(FormField(
                tag=el.tag, type=(el.get("type") or default_type).lower(),
                name=el.get("name") or "", label=_field_label(el, labels, root),
                required=el.get("required") is not None
                or (el.get("aria-required") or "").lower() == "true"))
            if _is_submit(el):
                submits.append(_control_text(el))
        action = (form.get("action") or "").strip()
        found.append(Form(
            action=urljoin(base, action).split("#", 1)[0] if action else page_url,
            method=(form.get("method") or "get").lower(), fields=fields, submit_texts=submits,
            text=inline_text(form)[:MAX_FORM_TEXT], attrs=element_attrs(form)))
    return found


def _inside(el, tag: str) -> bool:
    return any(True for _ in el.iterancestors(tag))


def _is_control(el) -> bool:
    tag = el.tag
    if tag == "a":
        return False
    if tag == "button" or (tag == "input" and (el.get("type") or "").lower() in (
            "button", "submit", "image")):
        return not _inside(el, "form")
    if el.get("onclick") is not None or (el.get("role") or "").lower() == "button":
        return True
    if tag == "img":
        return bool((el.get("alt") or el.get("title"))
                    and (el.get("id") or el.get("class")
                         or "pointer" in (el.get("style") or ""))
                    and not _inside(el, "a"))
    tokens = element_tokens(el)
    return (any(w in t for t in tokens for w in _WIDGET_TOKENS)
            and next(el.iter("a"), None) is None
            and len(inline_text(el)) <= MAX_WIDGET_TEXT)


def controls(root) -> list[Control]:
    found = []
    for el in root.iter(etree.Element):
        if el.tag in SKIP or not _is_control(el):
            continue
        found.append(Control(tag=el.tag, text=_control_text(el), attrs=element_attrs(el)))
        if len(found) >= MAX_CONTROLS:
            break
    return found
