"""Decoding of HTML bytes: BOM, the declared charset, else sniffed (UTF-8, windows-1251, koi8-r).

Browsers' own fallback for undeclared pages (windows-1252) turns Russian windows-1251 text into
mojibake, and misdeclared pages are common on the sites audited, so:
- a BOM wins;
- a body that is valid UTF-8 with multibyte sequences is UTF-8 whatever the declaration says
  (random windows-1251 or koi8-r text is practically never valid UTF-8);
- otherwise the declared charset (HTTP header, then <meta>/<?xml?>) is used, except a declared
  UTF-8 (the body is not UTF-8) or a Latin-1/ASCII one (a server default, not the author's);
- otherwise the Cyrillic single-byte encoding whose decoding reads most like Russian.
"""
from __future__ import annotations

import codecs
import re

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
         (codecs.BOM_UTF16_BE, "utf-16-be"))
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?\s*([\w.:\-]+)", re.I)
_META_CHARSET = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([\w.:\-]+)", re.I)
_XML_ENCODING = re.compile(rb"^\s*<\?xml[^>]*encoding\s*=\s*[\"']([\w.:\-]+)", re.I)
_HEAD_BYTES = 8192
_ALIASES = {"win-1251": "cp1251", "win1251": "cp1251", "x-cp1251": "cp1251",
            "windows1251": "cp1251", "cp-1251": "cp1251", "x-user-defined": "cp1252"}
# declared by server defaults rather than page authors: not trusted over sniffing
_LATIN = frozenset({"ascii", "latin-1", "iso8859-1", "cp1252"})
_LABELS = {"cp1251": "windows-1251", "cp1252": "windows-1252", "koi8-r": "koi8-r",
           "utf-8": "utf-8"}
# the most frequent lower-case Russian letters: real Russian text is mostly made of them
_FREQUENT = frozenset("оеаинтсрвлкмдпуяы")
# a lone high byte next to a Latin letter: an accented letter in a Western word (Russian words
# are runs of high bytes; one-letter Russian words stand between spaces)
_LATIN_ACCENT = re.compile(rb"(?<=[A-Za-z])[\x80-\xff](?![\x80-\xff])"
                           rb"|(?<![\x80-\xff])[\x80-\xff](?=[A-Za-z])")


def charset_of(content_type: str) -> str:
    match = _HEADER_CHARSET.search(content_type or "")
    return match.group(1) if match else ""


def _codec(name: str) -> str:
    """Python's canonical codec name for a charset label, "" when unknown."""
    name = name.strip().lower()
    try:
        return codecs.lookup(_ALIASES.get(name, name)).name
    except LookupError:
        return ""


def declared_charsets(body: bytes, content_type: str = "") -> list[str]:
    """Charsets declared for the body: HTTP header first, then <meta> or the XML declaration."""
    head = body[:_HEAD_BYTES]
    labels = [charset_of(content_type)]
    for pattern in (_META_CHARSET, _XML_ENCODING):
        match = pattern.search(head)
        labels.append(match.group(1).decode("ascii", "replace") if match else "")
    codecs_ = [_codec(label) for label in labels if label]
    return list(dict.fromkeys(c for c in codecs_ if c))


def sniff_single_byte(body: bytes) -> str:
    """windows-1251 or koi8-r by how Russian the decoded letters look; windows-1252 when most
    high bytes are accented letters inside Latin words (Western European text)."""
    high = sum(1 for b in body if b >= 0x80)
    if high and len(_LATIN_ACCENT.findall(body)) * 2 > high:
        return "cp1252"
    scores = {}
    for codec in ("cp1251", "koi8-r"):
        text = body.decode(codec, "replace")
        scores[codec] = sum(1 for ch in text if ch in _FREQUENT)
    return "koi8-r" if scores["koi8-r"] > scores["cp1251"] else "cp1251"


def decode_html(body: bytes, content_type: str = "") -> tuple[str, str]:
    """(text, encoding label) for an HTML body; never raises on bad bytes (they become U+FFFD)."""
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return body[len(bom):].decode(codec, "replace"), codec
    declared = declared_charsets(body, content_type)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None and (not body.isascii() or not declared or declared[0] == "utf-8"):
        return text, "utf-8"
    codec = next((c for c in declared if c != "utf-8" and c not in _LATIN
                  and not c.startswith("utf-16")), "")
    if not codec:
        codec = "ascii" if body.isascii() else sniff_single_byte(body)
    return body.decode(codec, "replace"), _LABELS.get(codec, codec)
