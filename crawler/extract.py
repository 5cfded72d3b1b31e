"""HTML bytes + headers + URL → `Page`: what a visitor could see and use on the page.

Pure functions over lxml; no Scrapy here, so extraction is tested and reused on its own.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timezone
from urllib.parse import urldefrag, urljoin

from lxml import etree, html

from checks.snapshot import Control, Form, FormField, Link, Page
from crawler.encoding import decode_html

# element subtrees whose text a visitor does not read as page text. <noscript> holds what a
# visitor without JavaScript sees (counters' pixels, fallback links); kept out of `text`.
_SKIP = frozenset({"head", "script", "style", "noscript", "template", "svg", "math", "select",
                   "object", "iframe", "frame", "canvas"})
_BLOCK = frozenset("""
    address article aside blockquote body caption center dd details dialog dir div dl dt
    fieldset figcaption figure footer form frameset h1 h2 h3 h4 h5 h6 header hgroup hr html
    legend li main menu nav noframes ol p pre section summary table tbody tfoot thead tr ul
""".split())
_CELLS = frozenset({"td", "th"})
# inline elements rendered as separate boxes: their text must not glue to the neighbours'
_SEPARATE = frozenset({"a", "button", "label", "input", "textarea", "img"})
_CELL = "\ue000"  # private-use marker between table cells, rendered " | "
_SPACES = dict.fromkeys(map(ord, "\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
                                 "\u2007\u2008\u2009\u200a\u202f\u205f\u3000\t\r\f\v"), " ")
_INVISIBLE = dict.fromkeys(map(ord, "\xad\u200b\u200c\u200d\u2060\ufeff\x00"))
_TRANSLATE = _SPACES | _INVISIBLE
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
_REFRESH_URL = re.compile(r"url\s*=\s*['\"]?([^'\"]+)", re.I)
_WIDGET_TOKENS = ("btn", "button", "bvi", "special", "toggle", "trigger", "widget")
_NAV_EXACT = frozenset({"header", "site-header", "top-header", "topbar", "breadcrumbs",
                        "breadcrumb"})
_ASIDE_EXACT = frozenset({"aside", "side", "leftcol", "rightcol", "left-col", "right-col",
                          "column-left", "column-right", "left-column", "right-column"})
_CONTENT_CONTAINERS = frozenset({"article", "main", "section"})
MAX_LINKS = 3000
MAX_CONTROLS = 200
MAX_INLINE_SCRIPTS = 30
INLINE_SCRIPT_CHARS = 1000
MAX_FORM_TEXT = 2000
MAX_CONTROL_TEXT = 200
MAX_WIDGET_TEXT = 120  # a longer "button-like" element is a container, not a control
MAX_ITEMPROP_NAMES = 100
MAX_ITEMPROP_VALUES = 20
MAX_ITEMPROP_CHARS = 300


def clean(text: str) -> str:
    """One line: no-break and odd spaces → space, soft hyphens and zero-width chars removed."""
    return " ".join(text.translate(_TRANSLATE).split())


def clean_lines(text: str) -> str:
    """Like `clean`, line by line; empty lines dropped; table cells joined with " | "."""
    lines = []
    for raw in text.translate(_TRANSLATE).split("\n"):
        cells = (" ".join(cell.split()) for cell in raw.split(_CELL))
        line = " | ".join(c for c in cells if c)
        if line:
            lines.append(line)
    return "\n".join(lines)


def _walk_text(el, block: str, cell: str) -> str:
    """Visible text under `el` (its tail excluded); block elements delimited by `block`."""
    out: list[str] = []
    walker = etree.iterwalk(el, events=("start", "end"))
    for event, node in walker:
        tag = node.tag if isinstance(node.tag, str) else ""
        if event == "start":
            if not tag or tag in _SKIP:
                walker.skip_subtree()
                continue
            if tag in _BLOCK:
                out.append(block)
            elif tag in _CELLS:
                out.append(cell)
            elif tag in _SEPARATE:
                out.append(" ")
            if node.text:
                out.append(node.text)
        else:
            if tag in _BLOCK or tag == "br":
                out.append(block)
            elif tag in _SEPARATE:
                out.append(" ")
            if node.tail and node is not el:
                out.append(node.tail)
    return "".join(out)


def inline_text(el) -> str:
    return clean(_walk_text(el, " ", " "))


def _tokens(el) -> list[str]:
    return f"{el.get('id') or ''} {el.get('class') or ''}".lower().split()


def _attrs(el) -> str:
    return " ".join(_tokens(el))


def _is_nav_token(token: str) -> bool:
    parts = re.split(r"[-_]", token)
    return ("menu" in token or token in _NAV_EXACT
            or any(p.startswith("nav") or p.endswith("nav") for p in parts if p))


def _own_area(el) -> str:
    """The area an element itself declares ("" when it says nothing)."""
    tag = el.tag if isinstance(el.tag, str) else ""
    role = (el.get("role") or "").lower()
    tokens = _tokens(el)
    if tag == "nav" or role in ("navigation", "banner", "menubar", "menu") or any(
            _is_nav_token(t) for t in tokens):
        return "nav"
    if tag == "footer" or role == "contentinfo" or any("footer" in t for t in tokens):
        return "footer"
    if tag == "aside" or role == "complementary" or any(
            "sidebar" in t or t in _ASIDE_EXACT for t in tokens):
        return "aside"
    if tag == "header" and not any(a.tag in _CONTENT_CONTAINERS for a in el.iterancestors()):
        return "nav"
    return ""


def link_area(el, memo: dict | None = None) -> str:
    """nav / footer / aside / main, by the nearest ancestor that says which. `memo` caches
    the answer per ancestor element across the links of one page."""
    memo = {} if memo is None else memo
    climbed = []
    area = "main"
    for anc in el.iterancestors():
        if anc in memo:
            area = memo[anc]
            break
        climbed.append(anc)
        own = _own_area(anc)
        if own:
            area = own
            break
    for anc in climbed:
        memo[anc] = area
    return area


def _join_unique(parts: list[str]) -> str:
    seen: list[str] = []
    for part in parts:
        part = clean(part)
        if part and part not in seen:
            seen.append(part)
    return " ".join(seen)


def _link_text(a) -> str:
    if len(a) == 0 and a.get("aria-label") is None and a.get("title") is None:
        return clean(a.text or "")  # the common case: plain text only
    parts = [inline_text(a)]
    for img in a.iter("img"):
        parts += [img.get("alt") or "", img.get("title") or ""]
    parts += [a.get("aria-label") or "", a.get("title") or ""]
    return _join_unique(parts)


def _absolute(base: str, ref: str) -> str:
    return urldefrag(urljoin(base, ref))[0]


def link_url(href: str, base: str, page_url: str) -> str:
    """Absolute URL without fragment; `#…`/javascript: hooks → the page URL; other schemes
    (tel:, mailto:, viber:, …) kept as written."""
    href = re.sub(r"[\t\n\r]", "", href).strip()
    if not href or href.startswith("#"):
        return page_url
    match = _SCHEME.match(href)
    if match:
        scheme = match.group(1).lower()
        if scheme == "javascript":
            return page_url
        if scheme not in ("http", "https"):
            return href
    return _absolute(base, href)


def _links(root, base: str, page_url: str) -> list[Link]:
    links = []
    areas: dict = {}
    for a in root.iter("a", "area"):
        href = a.get("href")
        if href is None:
            continue
        links.append(Link(url=link_url(href, base, page_url), text=_link_text(a),
                          area=link_area(a, areas), attrs=_attrs(a)))
        if len(links) >= MAX_LINKS:
            break
    for meta in root.iter("meta"):
        if (meta.get("http-equiv") or "").lower() == "refresh":
            match = _REFRESH_URL.search(meta.get("content") or "")
            if match:
                links.append(Link(url=link_url(match.group(1), base, page_url),
                                  attrs="meta-refresh"))
    return links


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
    return _join_unique([inline_text(el)[:MAX_CONTROL_TEXT], el.get("value") or "",
                         el.get("alt") or "", el.get("title") or "",
                         el.get("aria-label") or ""])


def _is_submit(el) -> bool:
    kind = (el.get("type") or "").lower()
    if el.tag == "button":
        return kind in ("", "submit")
    return el.tag == "input" and kind in ("submit", "image")


def _forms(root, base: str, page_url: str) -> list[Form]:
    labels: dict[str, str] = {}
    for label in root.iter("label"):
        if label.get("for"):
            labels.setdefault(label.get("for"), inline_text(label))
    forms = []
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
        forms.append(Form(
            action=_absolute(base, action) if action else page_url,
            method=(form.get("method") or "get").lower(), fields=fields,
            submit_texts=submits, text=inline_text(form)[:MAX_FORM_TEXT], attrs=_attrs(form)))
    return forms


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
    tokens = _tokens(el)
    return (any(w in t for t in tokens for w in _WIDGET_TOKENS)
            and next(el.iter("a"), None) is None
            and len(inline_text(el)) <= MAX_WIDGET_TEXT)


def _controls(root) -> list[Control]:
    controls = []
    for el in root.iter(etree.Element):
        if el.tag in _SKIP or not _is_control(el):
            continue
        controls.append(Control(tag=el.tag, text=_control_text(el), attrs=_attrs(el)))
        if len(controls) >= MAX_CONTROLS:
            break
    return controls


def _itemprops(root, base: str) -> dict[str, list[str]]:
    props: dict[str, list[str]] = {}
    for el in root.xpath("//*[@itemprop]"):
        value = el.get("content") or el.get("datetime")
        if value is None and el.tag in ("a", "link", "area"):
            value = _absolute(base, el.get("href") or "")
        elif value is None and el.tag in ("img", "iframe", "source", "embed"):
            value = _absolute(base, el.get("src") or "")
        value = clean(value if value is not None else inline_text(el))[:MAX_ITEMPROP_CHARS]
        for name in (el.get("itemprop") or "").split():
            if name not in props and len(props) >= MAX_ITEMPROP_NAMES:
                continue
            values = props.setdefault(name, [])
            if len(values) < MAX_ITEMPROP_VALUES:
                values.append(value)
    return props


def _sources(root, tags: tuple[str, ...], base: str) -> list[str]:
    out = []
    for el in root.iter(*tags):
        src = (el.get("src") or "").strip()
        if src and not src.lower().startswith(("javascript:", "about:", "data:")):
            out.append(_absolute(base, src))
    return out


def _inline_scripts(root) -> list[str]:
    heads = []
    for el in root.iter("script"):
        if el.get("src") is None and (el.text or "").strip():
            heads.append(el.text.strip()[:INLINE_SCRIPT_CHARS])
            if len(heads) >= MAX_INLINE_SCRIPTS:
                break
    return heads


def parse_html(text: str):
    """lxml document for HTML text, None for an empty document."""
    text = _XML_DECL.sub("", text, count=1).replace("\x00", "")
    try:
        return html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return None


def extract_page(body: bytes, *, url: str, final_url: str = "", status: int = 200,
                 headers: Mapping[str, str] | None = None, depth: int = 0) -> Page:
    """A `Page` from an HTML response. `headers`: HTTP response headers (any key case)."""
    headers = {k.lower(): v for k, v in (headers or {}).items()}
    final_url = final_url or url
    content_type = headers.get("content-type", "")
    text, encoding = decode_html(body, content_type)
    page = Page(url=url, final_url=final_url, status=status, content_type=content_type,
                encoding=encoding, last_modified=headers.get("last-modified", ""),
                depth=depth, fetched_at=datetime.now(timezone.utc))
    root = parse_html(text)
    if root is None:
        return page
    page_url = urldefrag(final_url)[0]
    base_href = root.xpath("string(//base/@href)").strip()
    base = urljoin(page_url, base_href) if base_href else page_url
    title = root.find(".//title")
    images = list(root.iter("img"))
    page.title = clean(title.text_content()) if title is not None else ""
    page.lang = clean(root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
                      or "")
    page.text = clean_lines(_walk_text(root, "\n", _CELL))
    page.headings = [h for h in (inline_text(el) for el in root.iter("h1", "h2", "h3", "h4"))
                     if h]
    page.links = _links(root, base, page_url)
    page.forms = _forms(root, base, page_url)
    page.controls = _controls(root)
    page.scripts = _sources(root, ("script",), base)
    page.inline_scripts = _inline_scripts(root)
    page.iframes = _sources(root, ("iframe", "frame"), base)
    page.images = len(images)
    page.images_without_alt = sum(1 for img in images if img.get("alt") is None)
    page.itemprops = _itemprops(root, base)
    return page
