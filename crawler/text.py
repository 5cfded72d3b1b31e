"""Visible text of HTML elements, normalised once: what a visitor reads, line by line.

Normalising: no-break and odd spaces become spaces, soft hyphens and zero-width characters go,
whitespace runs collapse; one block element per line, so FAQ questions and answers and table
rows keep their structure.
"""
from __future__ import annotations

from lxml import etree

# element subtrees whose text a visitor does not read as page text. <noscript> holds what a
# visitor without JavaScript sees (counters' pixels, fallback links); kept out of `text`.
SKIP = frozenset({"head", "script", "style", "noscript", "template", "svg", "math", "select",
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
            if not tag or tag in SKIP:
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
    """The text under `el` on one line."""
    return clean(_walk_text(el, " ", " "))


def visible_text(root) -> str:
    """The page text: one block element per line, table cells joined with " | "."""
    return clean_lines(_walk_text(root, "\n", _CELL))


def element_tokens(el) -> list[str]:
    """id and class names, lower-case."""
    return f"{el.get('id') or ''} {el.get('class') or ''}".lower().split()


def element_attrs(el) -> str:
    return " ".join(element_tokens(el))


def join_unique(parts: list[str]) -> str:
    """Cleaned non-empty parts, each once, space-joined."""
    seen: list[str] = []
    for part in parts:
        part = clean(part)
        if part and part not in seen:
            seen.append(part)
    return " ".join(seen)
