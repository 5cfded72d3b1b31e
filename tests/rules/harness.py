"""Per-rule fixtures: small sites of fictional organisations, turned into a SiteSnapshot through
the crawler's own extraction function and checked with one rule.

Layout: `fixtures/<rule id>/<expected outcome>/<case>/` holds the case's pages and `case.yaml`.

- A page file maps to a URL by its path: `index.html` → `/`, `svedeniya/index.html` →
  `/svedeniya/`, `docs/list.html` → `/docs/list.html`.
- A page that is a fragment (it does not start with `<!doctype` or `<html`) is wrapped in
  `fixtures/_layout.html`: the organisation's header, a menu linking every page of the case (by
  the page's first `<h1>`, always starting with «Главная»), the fragment as the main content
  and a footer. A full HTML document
  is used as it is.
- `case.yaml`:
  - `about`: what the case shows (one line);
  - `evidence`: the path (or absolute URL) of the page the finding's evidence must point to, or
    a list of them (each must be among the evidence URLs); required unless the outcome is
    `absent` without evidence;
  - `documents`: the documents the case links, `path: state`, where state is `ok` (opens),
    `scan` (opens, no text layer), `html` (answers 200 with a web page), `empty` (0 bytes) or an
    HTTP status code such as 404; or `path: {state: ok, title: "…"}` when the beginning of the
    document's text matters. Every same-site document link of the case must be listed: a
    fixture says what the crawler would have found behind each of its links;
  - `status`: `path: code` for pages that answered with an error code (401, 403 …);
  - `charset`: the charset the pages are served with (default utf-8; the files are stored in it).
  - `probes`: what the crawler's safe probes saw, `[{url, purpose, method, status, reason,
    error}]` (checks.snapshot.Probe; a path is on the fixture's site);
  - `trials`: low-vision trials in the browser, `[{ran, action, control, before, after, …}]`
    (checks.snapshot.BrowserTrial; `page_url` and `target_url` may be paths);
  - `render_mode`: how the pages were read (auto, never…), when it matters.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from string import Template

import yaml

from checks.engine import evaluate_rule, load_checked_pack
from checks.findings import Finding, Outcome
from checks.site import SiteView
from checks.snapshot import BrowserTrial, Document, Probe, SiteSnapshot
from crawler.extract import extract_page
from crawler.sitekey import document_kind

FIXTURES = Path(__file__).parent / "fixtures"
SITE = "https://kcson-rassvet.ru"
ORG = "ГАУ «Комплексный центр социального обслуживания населения „Рассвет“ города Заречного»"
# the moment the fixture sites were "crawled": dates on fixture pages are relative to it
CRAWLED_AT = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)
OUTCOMES = {o.value for o in Outcome}
_H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.I | re.S)
_TAG = re.compile(r"<[^>]+>")
# what a document manifest entry means: (status, detected kind or "" for the link's own kind,
# size in bytes, text layer)
_DOC_STATES = {
    "ok": (200, "", 48_213, True),
    "scan": (200, "", 1_204_551, False),
    "html": (200, "html", 8_120, None),
    "empty": (200, "", 0, None),
}


@dataclass
class Case:
    rule_id: str
    outcome: Outcome
    name: str
    path: Path
    meta: dict = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.rule_id}/{self.outcome.value}/{self.name}"

    def url(self, path: str) -> str:
        return path if "://" in path else SITE + path


def cases() -> list[Case]:
    found = []
    for case_yaml in sorted(FIXTURES.glob("*/*/*/case.yaml")):
        case_dir = case_yaml.parent
        outcome_dir = case_dir.parent.name
        if outcome_dir not in OUTCOMES:
            raise ValueError(f"{case_dir}: the folder above a case must be an outcome, not {outcome_dir!r}")
        meta = yaml.safe_load(case_yaml.read_text(encoding="utf-8")) or {}
        found.append(Case(case_dir.parent.parent.name, Outcome(outcome_dir), case_dir.name, case_dir, meta))
    return found


@functools.cache
def pack():
    return load_checked_pack("social")


@functools.cache
def _layout() -> Template:
    return Template((FIXTURES / "_layout.html").read_text(encoding="utf-8"))


def page_path(case_dir: Path, file: Path) -> str:
    rel = file.relative_to(case_dir).as_posix()
    if rel == "index.html":
        return "/"
    if rel.endswith("/index.html"):
        return "/" + rel[: -len("index.html")]
    return "/" + rel


def _is_document(source: str) -> bool:
    return source.lstrip()[:15].lower().startswith(("<!doctype", "<html"))


def _title(source: str, path: str) -> str:
    match = _H1.search(source)
    return " ".join(_TAG.sub("", match.group(1)).split()) if match else ("Главная" if path == "/" else path)


def _render(sources: dict[str, str]) -> dict[str, str]:
    """Fragments wrapped in the layout, with a menu of every page of the case."""
    fragments = {path: src for path, src in sources.items() if not _is_document(src)}
    items = {"/": "Главная"} | {p: _title(fragments[p], p) for p in sorted(fragments) if p != "/"}
    menu = "\n".join(f'      <li><a href="{p}">{title}</a></li>' for p, title in items.items())
    return {path: (src if path not in fragments else
                   _layout().substitute(title=_title(src, path), org=ORG, menu=menu, content=src))
            for path, src in sources.items()}


def build_snapshot(case: Case) -> SiteSnapshot:
    charset = case.meta.get("charset", "utf-8")
    statuses = {str(k): int(v) for k, v in (case.meta.get("status") or {}).items()}
    files = sorted(case.path.rglob("*.html"))
    sources = {page_path(case.path, f): f.read_bytes().decode(charset) for f in files}
    pages = []
    for path, html in _render(sources).items():
        pages.append(extract_page(html.encode(charset), url=case.url(path), status=statuses.get(path, 200),
                                  headers={"Content-Type": f"text/html; charset={charset}"}))
    probes = [Probe.model_validate({**p, "url": case.url(p["url"])}) for p in case.meta.get("probes") or []]
    trials = [BrowserTrial.model_validate({**t, "page_url": case.url(t.get("page_url", "/")),
                                           "target_url": case.url(t["target_url"]) if t.get("target_url") else ""})
              for t in case.meta.get("trials") or []]
    return SiteSnapshot(org_id=case.id, start_url=SITE + "/", site=SITE.split("://", 1)[1],
                        started_at=CRAWLED_AT, finished_at=CRAWLED_AT, pages=pages,
                        documents=_documents(case, pages), probes=probes, trials=trials,
                        render_mode=case.meta.get("render_mode", ""))


def _documents(case: Case, pages) -> list[Document]:
    manifest = {case.url(str(k)): v for k, v in (case.meta.get("documents") or {}).items()}
    docs: dict[str, Document] = {}
    for page in pages:
        for link in page.links:
            kind = document_kind(link.url)
            if not kind or not link.url.startswith(SITE):
                continue
            if link.url not in manifest:
                raise ValueError(f"{case.id}: document {link.url} is linked but not in case.yaml `documents`")
            doc = docs.get(link.url) or _document(link.url, kind, manifest[link.url])
            docs[link.url] = doc
            if page.final_url not in doc.linked_from:
                doc.linked_from.append(page.final_url)
            if link.text and link.text not in doc.link_texts:
                doc.link_texts.append(link.text)
    unused = set(manifest) - set(docs)
    if unused:
        raise ValueError(f"{case.id}: documents listed but never linked: {sorted(unused)}")
    return list(docs.values())


def _document(url: str, kind: str, entry) -> Document:
    state, title = (entry["state"], entry.get("title", "")) if isinstance(entry, dict) else (entry, "")
    if isinstance(state, int):
        return Document(url=url, final_url=url, status=state, kind=kind, content_type="text/html")
    status, detected, size, text_layer = _DOC_STATES[state]
    return Document(url=url, final_url=url, status=status, kind=kind, detected_kind=detected or kind,
                    size=size, text_layer=text_layer, pages=None if status != 200 else 3, text_head=title,
                    error="вместо документа получена веб-страница" if detected == "html" else "")


def run_case(case: Case) -> Finding:
    snapshot = build_snapshot(case)
    site = SiteView(snapshot, pack().settings.news_url_patterns)
    return evaluate_rule(site, pack().rules[case.rule_id])
