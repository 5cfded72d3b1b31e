"""A read-only view of a site snapshot for the checks, with per-page caches."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cached_property
from urllib.parse import urlsplit

from checks.snapshot import Document, Page, Probe, SiteSnapshot
from checks.text import TokenizedText, matches_any


def url_key(url: str) -> str:
    """A URL without scheme, `www.`, fragment and trailing slash: to match links to pages."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    port = f":{parts.port}" if parts.port else ""
    path = parts.path.rstrip("/") or ""
    if path.lower().endswith(("/index.html", "/index.php", "/index.htm")):
        path = path.rsplit("/", 1)[0]
    return f"{host}{port}{path}" + (f"?{parts.query}" if parts.query else "")


def site_key(url: str) -> str:
    """The host without `www.`, plus `:port` unless 80/443: the crawler's site key
    (crawler.sitekey.site_key), so that `snapshot.site` and `same_site` agree."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().rstrip(".").removeprefix("www.")
    try:
        port = parts.port
    except ValueError:
        port = None
    return f"{host}:{port}" if port and port not in (80, 443) else host


@dataclass
class Target:
    """What a link points to, as far as the crawl saw it."""

    kind: str  # page | document | external | unfetched | contact
    ok: bool | None  # None = not known (not fetched)
    note: str  # Russian
    # for ok=False: the failure is definite (404, 403, an empty or wrong file), not a passing
    # one (5xx, timeout) that a second look might not see
    definite: bool = False


class SiteView:
    def __init__(self, snapshot: SiteSnapshot, news_url_patterns: list[str] | None = None,
                 now: datetime | None = None):
        self.snapshot = snapshot
        self.site = snapshot.site or site_key(snapshot.start_url)
        self._news = [re.compile(p, re.I) for p in (news_url_patterns or [])]
        self.now = now or snapshot.finished_at or datetime.now(timezone.utc)
        # the rule being checked sets where its item usually lives (rules.schema.Locate)
        self.locate = None
        self._sections: dict[int, list[Page]] = {}
        self._tokens: dict[int, TokenizedText] = {}
        self._heads: dict[int, TokenizedText] = {}

    # pages -------------------------------------------------------------------------------
    @cached_property
    def pages(self) -> list[Page]:
        """Pages that answered 2xx: the ones the checks read."""
        return self.snapshot.ok_pages()

    def text(self, page: Page) -> TokenizedText:
        key = id(page)
        if key not in self._tokens:
            self._tokens[key] = TokenizedText(page.text)
        return self._tokens[key]

    def head(self, page: Page) -> TokenizedText:
        """The page's title and headings: what the page is about."""
        key = id(page)
        if key not in self._heads:
            self._heads[key] = TokenizedText("\n".join([page.title, *page.headings]))
        return self._heads[key]

    def is_news(self, page: Page) -> bool:
        return self.is_news_url(page.final_url or page.url)

    def is_news_url(self, url: str) -> bool:
        """A news or event publication, by the pack's URL patterns."""
        parts = urlsplit(url)
        target = parts.path + ("?" + parts.query if parts.query else "")
        return any(p.search(target) for p in self._news)

    def rule_section_pages(self) -> list[Page]:
        """The section pages of the rule being checked (see `locate`)."""
        if self.locate is None:
            return []
        key = id(self.locate)
        if key not in self._sections:
            loc = self.locate
            self._sections[key] = self.section_pages(loc.link_texts, loc.url_patterns, loc.headings)
        return self._sections[key]

    def section_pages(self, link_texts: list[str], url_patterns: list[str],
                      headings: list[str]) -> list[Page]:
        """Pages that look like the section where an item lives: by URL, heading or the anchor
        text of links pointing to them."""
        regexes = [re.compile(p, re.I) for p in url_patterns]
        linked = self._anchors
        found = []
        for page in self.pages:
            target = urlsplit(page.final_url)
            path = target.path + ("?" + target.query if target.query else "")
            anchors = " \n".join(linked.get(url_key(page.final_url), ()))
            if (any(r.search(path) for r in regexes)
                    or (headings and matches_any("\n".join([page.title, *page.headings]), headings))
                    or (link_texts and anchors and matches_any(anchors, link_texts))):
                found.append(page)
        return found

    @cached_property
    def _anchors(self) -> dict[str, list[str]]:
        """Anchor texts of the links pointing to each URL (by url_key)."""
        index: dict[str, list[str]] = {}
        for page in self.pages:
            for link in page.links:
                if link.text:
                    texts = index.setdefault(url_key(link.url), [])
                    if link.text not in texts and len(texts) < 10:
                        texts.append(link.text)
        return index

    # link targets ------------------------------------------------------------------------
    @cached_property
    def _pages_by_key(self) -> dict[str, Page]:
        index: dict[str, Page] = {}
        for page in self.snapshot.pages:
            index.setdefault(url_key(page.url), page)
            index.setdefault(url_key(page.final_url), page)
        return index

    @cached_property
    def _documents_by_key(self) -> dict[str, Document]:
        index: dict[str, Document] = {}
        for doc in self.snapshot.documents:
            index.setdefault(url_key(doc.url), doc)
            if doc.final_url:
                index.setdefault(url_key(doc.final_url), doc)
        return index

    def document(self, url: str) -> Document | None:
        return self._documents_by_key.get(url_key(url))

    @cached_property
    def _probes(self) -> dict[str, Probe]:
        index: dict[str, Probe] = {}
        for probe in self.snapshot.probes:
            index.setdefault(url_key(probe.url), probe)
        return index

    def probe(self, url: str) -> Probe | None:
        """The crawler's safe probe of `url` (HEAD/GET, nothing sent), when it made one."""
        return self._probes.get(url_key(url))

    def endpoint(self, action: str, page_url: str) -> Target:
        """Whether a form's action URL exists, as far as the crawl showed (never by sending)."""
        if url_key(action) == url_key(page_url):
            return Target("page", True, "форма отправляется на свою же страницу (она открывается)")
        probe = self.probe(action)
        if probe is not None:
            return probe_target(probe, endpoint=True)
        page = self.page(action)
        if page is not None:
            ok = page.status < 400 or page.status in (401, 403, 405)
            return Target("page", ok, f"адрес отправки отвечает кодом {page.status}")
        return Target("unfetched", None, f"адрес отправки {action} не проверялся")

    def page(self, url: str) -> Page | None:
        return self._pages_by_key.get(url_key(url))

    def same_site(self, url: str) -> bool:
        return site_key(url) == self.site

    def target(self, url: str) -> Target:
        if url.startswith(("tel:", "mailto:")):
            return Target("contact", True, "")
        doc = self.document(url)
        if doc is not None:
            opens = None if doc.not_fetched else document_opens(doc)
            return Target("document", opens, document_note(doc), definite=opens is False and definite_failure(doc.status))
        page = self.page(url)
        if page is not None:
            ok = 200 <= page.status < 300
            return Target("page", ok, "страница открывается" if ok else f"страница отвечает кодом {page.status}",
                          definite=not ok and definite_failure(page.status))
        probe = self.probe(url)
        if probe is not None:
            return probe_target(probe)
        if not self.same_site(url):
            return Target("external", None, "внешний ресурс, не проверялся")
        return Target("unfetched", None, "страница не загружалась (ограничение обхода)")


# answers that show a target exists even when it refuses a robot's HEAD/GET: closed (401/403),
# wrong method for a form's endpoint (405), too many requests (429)
_EXISTS = frozenset({401, 403, 405, 429})


def probe_target(probe: Probe, endpoint: bool = False) -> Target:
    """A probed target: it answers (2xx, 3xx, or a refusal that shows it exists), it is missing
    (404, 410; for a form's endpoint only these), or it does not answer. A missing or silent
    external target is for a person to look at (servers treat robots differently), not definite."""
    kind = "external"
    endpoint = endpoint or probe.purpose == "form"
    what = ("адрес отправки формы" if endpoint
            else "скрипт или фрейм виджета" if probe.purpose == "widget" else "ссылка")
    method = f"{probe.method}, " if probe.method else ""
    if probe.status:
        code = f"({method}код {probe.status})"
        if probe.status in (404, 410):
            return Target(kind, False, f"{what} ведёт на несуществующую страницу {code}")
        if 200 <= probe.status < 400 or probe.status in _EXISTS or (endpoint and probe.status >= 500):
            moved = f", перенаправляет на {probe.location}" if probe.location else ""
            return Target(kind, True, f"{what} существует {code}" if endpoint
                          else f"{what}: адрес отвечает {code}{moved}")
        return Target(kind, False, f"{what}: адрес отвечает ошибкой {code}")
    if probe.reason == "robots":
        return Target(kind, None, f"{what}: не проверялось, запрещено в robots.txt")
    return Target(kind, False, f"{what}: адрес не отвечает ({probe.error or probe.reason})")


def definite_failure(status: int) -> bool:
    """A response that will not change on a second look: the resource is missing or closed, or
    (2xx) its body is empty or not a document. Server errors and timeouts may pass."""
    return 200 <= status < 500


def document_opens(doc: Document) -> bool:
    """The document answered 200, is not empty and its bytes are of a known document type."""
    if doc.error or not (200 <= doc.status < 300):
        return False
    if doc.size == 0:
        return False
    return bool(doc.detected_kind) and doc.detected_kind != "other"


def document_note(doc: Document) -> str:
    if doc.status == 0 and doc.error:
        return doc.error
    if not (200 <= doc.status < 300):
        return f"документ не открывается: код ответа {doc.status}"
    if doc.error:
        return f"документ не открывается: {doc.error}"
    if not doc.detected_kind or doc.detected_kind == "other":
        return "файл не является документом известного формата"
    size = f", {round(doc.size / 1024)} КБ" if doc.size else ""
    note = f"документ открывается ({doc.detected_kind.upper()}{size})"
    if doc.kind not in ("other", doc.detected_kind) and not _same_family(doc.kind, doc.detected_kind):
        note += f"; по ссылке обещан {doc.kind.upper()}, а файл — {doc.detected_kind.upper()}"
    if doc.text_layer is False:
        note += "; текстового слоя нет: скан, нужно распознавание (OCR)"
    if doc.date:
        note += f"; дата документа {doc.date[8:10]}.{doc.date[5:7]}.{doc.date[:4]}"
    return note


def _same_family(linked: str, detected: str) -> bool:
    """doc/docx, xls/xlsx are often swapped by servers and editors: not worth a remark."""
    return {linked, detected} in ({"doc", "docx"}, {"xls", "xlsx"}, {"odt", "docx"})
