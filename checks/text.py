"""Russian text normalisation and inflection-tolerant phrase matching.

A phrase is a sequence of words. Each word matches a token of the page by its Snowball stem
("учредителем" matches "учредитель"); a word ending in `*` matches any token starting with it
("предписани*"); words of up to three letters must match exactly. `~N` between words allows up
to N other tokens in between ("режим ~2 работы" matches "режим и график работы").
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

_STEMMER = snowballstemmer.stemmer("russian")
_TOKEN = re.compile(r"[0-9a-zа-яё]+", re.IGNORECASE)
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
_DASHES = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"})


def normalize(text: str) -> str:
    """Case-fold, ё→е, drop soft hyphens and zero-width marks, unify dashes and whitespace."""
    text = text.translate(_INVISIBLE).translate(_DASHES).replace("\u00a0", " ")
    return " ".join(text.lower().replace("ё", "е").split())


@lru_cache(maxsize=200_000)
def stem(token: str) -> str:
    token = token.lower().replace("ё", "е")
    return token if len(token) <= 3 else _STEMMER.stemWord(token)


# Inflectional endings: the Snowball stemmer sometimes cuts a noun's base itself ("устав" → "уста"
# but "устава" → "устав"), so a word also matches its own form plus one of these endings.
ENDINGS = frozenset(
    "а я о е ё ы и у ю ь ом ем ой ей ам ям ах ях ами ями ов ев ую юю ая яя ое ее ие ые ого его ому ему "
    "ым им ых их".split())


@dataclass(frozen=True)
class Word:
    value: str  # the stem, the prefix, or the exact word
    kind: str  # "stem" | "prefix" | "exact"
    gap_before: int  # how many extra tokens may precede this word after the previous one
    raw: str = ""

    def matches(self, token: str, token_stem: str) -> bool:
        if self.kind == "prefix":
            return token.startswith(self.value)
        if self.kind == "exact":
            return token == self.value
        return (token_stem == self.value or token == self.raw
                or (token.startswith(self.raw) and token[len(self.raw):] in ENDINGS))


@lru_cache(maxsize=4096)
def compile_phrase(phrase: str) -> tuple[Word, ...]:
    words: list[Word] = []
    gap = 0
    for part in normalize(phrase).split():
        if re.fullmatch(r"~\d+", part):
            gap = int(part[1:])
            continue
        raws = _TOKEN.findall(part)
        for i, raw in enumerate(raws):
            if part.endswith("*") and i == len(raws) - 1:
                words.append(Word(raw, "prefix", gap))
            elif len(raw) <= 3:
                words.append(Word(raw, "exact", gap))
            else:
                words.append(Word(stem(raw), "stem", gap, raw))
            gap = 0
    if not words:
        raise ValueError(f"empty phrase: {phrase!r}")
    return tuple(words)


class TokenizedText:
    """A text split into tokens with their character spans, stems computed once."""

    def __init__(self, text: str):
        self.text = text
        spans, tokens = [], []
        for m in _TOKEN.finditer(text):
            spans.append((m.start(), m.end()))
            tokens.append(m.group().lower().replace("ё", "е"))
        self.spans = spans
        self.tokens = tokens
        self.stems = [stem(t) for t in tokens]
        self._by_token: dict[str, list[int]] = {}
        self._by_stem: dict[str, list[int]] = {}
        for i, (token, token_stem) in enumerate(zip(tokens, self.stems)):
            self._by_token.setdefault(token, []).append(i)
            self._by_stem.setdefault(token_stem, []).append(i)
        self._by_base: dict[str, list[int]] = {}  # token minus an inflectional ending
        for token, positions in self._by_token.items():
            for cut in (1, 2, 3):
                if len(token) - cut >= 3 and token[-cut:] in ENDINGS:
                    self._by_base.setdefault(token[:-cut], []).extend(positions)

    def _starts(self, word: Word) -> list[int]:
        """Positions of tokens matching the word, from the indexes (no full scan)."""
        if word.kind == "prefix":
            hits = [i for tok, pos in self._by_token.items() if tok.startswith(word.value) for i in pos]
            return sorted(hits)
        if word.kind == "exact":
            return self._by_token.get(word.value, [])
        hits = {*self._by_stem.get(word.value, ()), *self._by_base.get(word.raw, ()),
                *self._by_token.get(word.raw, ())}
        return sorted(hits)

    def find(self, phrase: str, limit: int = 5) -> list[tuple[int, int]]:
        """Character spans (start, end) of up to `limit` occurrences of the phrase."""
        words = compile_phrase(phrase)
        found: list[tuple[int, int]] = []
        for i in self._starts(words[0]):
            end = self._match_rest(words, i)
            if end is not None:
                found.append((self.spans[i][0], self.spans[end][1]))
                if len(found) >= limit:
                    break
        return found

    def _match_rest(self, words: tuple[Word, ...], start: int) -> int | None:
        pos = start
        for word in words[1:]:
            for j in range(pos + 1, min(pos + 2 + word.gap_before, len(self.tokens))):
                if word.matches(self.tokens[j], self.stems[j]):
                    pos = j
                    break
            else:
                return None
        return pos


def snippet(text: str, start: int, end: int, width: int = 90) -> str:
    """The match with some context around it, on one line, with ellipses where cut."""
    lo, hi = max(0, start - width), min(len(text), end + width)
    if lo > 0:
        space = text.find(" ", lo, start)
        lo = space + 1 if space != -1 else lo
    if hi < len(text):
        space = text.rfind(" ", end, hi)
        hi = space if space != -1 else hi
    body = " ".join(text[lo:hi].split())
    return ("…" if lo > 0 else "") + body + ("…" if hi < len(text) else "")


@lru_cache(maxsize=16_384)
def _short_text(text: str) -> TokenizedText:
    # the same menu anchors and titles come back on every page and for every rule
    return TokenizedText(text)


def matches_any(text: str, phrases: list[str]) -> str | None:
    """The first phrase found in a short text (a link anchor, a title), or None."""
    tokenized = _short_text(text) if len(text) < 500 else TokenizedText(text)
    return next((p for p in phrases if tokenized.find(p, limit=1)), None)
