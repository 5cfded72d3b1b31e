"""The site snapshot: what the crawler saw on one organisation's site, with no verdicts.

The crawler fills it, the checks read it. Stored as versioned JSON so that a snapshot taken by
this version can be re-checked by the next one.
"""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

SNAPSHOT_VERSION = 1

# Where on the page a link sits: common navigation (nav/header/menu), footer, sidebar, or content.
Area = Literal["nav", "footer", "aside", "main"]


class Link(BaseModel):
    url: str  # absolute, fragment removed (kept only for "#"-only links: then url is the page url)
    text: str = ""  # anchor text, plus img alt/title, aria-label and title attribute when present
    area: Area = "main"
    attrs: str = ""  # id and class names, lower-case, space-separated (widget hooks such as bvi-open)


class FormField(BaseModel):
    tag: str  # input | textarea | select | button
    type: str = ""  # input type, lower-case
    name: str = ""
    label: str = ""  # <label> text, aria-label or placeholder, whichever is present
    required: bool = False


class Form(BaseModel):
    action: str  # absolute URL (the page URL when the form has no action)
    method: str = "get"
    fields: list[FormField] = Field(default_factory=list)
    submit_texts: list[str] = Field(default_factory=list)  # texts of submit controls; empty = none
    text: str = ""  # visible text inside the form (titles, legends), trimmed
    attrs: str = ""  # id and class names of the form


class Control(BaseModel):
    """A clickable element that is not a plain link: button, onclick element, widget image."""

    tag: str
    text: str = ""  # visible text, alt, title or aria-label
    attrs: str = ""  # id and class names, lower-case


class Page(BaseModel):
    url: str  # the URL requested
    final_url: str  # after redirects
    status: int
    content_type: str = ""
    encoding: str = ""
    title: str = ""
    lang: str = ""
    text: str = ""  # visible text, whitespace-normalised, one block element per line
    headings: list[str] = Field(default_factory=list)  # h1-h4 texts in document order
    links: list[Link] = Field(default_factory=list)
    forms: list[Form] = Field(default_factory=list)
    controls: list[Control] = Field(default_factory=list)
    scripts: list[str] = Field(default_factory=list)  # absolute src URLs
    inline_scripts: list[str] = Field(default_factory=list)  # heads of inline scripts (truncated)
    iframes: list[str] = Field(default_factory=list)  # absolute src URLs
    images: int = 0
    images_without_alt: int = 0
    # microdata: itemprop name -> values (content/datetime/href/src attribute, else the text)
    itemprops: dict[str, list[str]] = Field(default_factory=dict)
    last_modified: str = ""  # HTTP Last-Modified header, as sent
    depth: int = 0
    rendered: bool = False  # built from a browser-rendered DOM rather than the static HTML
    fetched_at: datetime | None = None
    # why the static HTML looks incomplete (crawler/jsdetect.py): empty_nav, spa_shell,
    # noscript, few_links, script_links; the crawler renders such pages in a browser
    js_signals: list[str] = Field(default_factory=list)
    # a rendered page: why it was rendered, how long it took, and its static twin (what the
    # page shows without scripts, to tell items seen only after scripts)
    render_reason: str = ""
    render_ms: int | None = None
    static: "Page | None" = None


DocumentKind = Literal["pdf", "doc", "docx", "xls", "xlsx", "odt", "ods", "rtf", "other"]


class Document(BaseModel):
    """A linked document (pdf, doc/docx, xls/xlsx, odt, ods, rtf)."""

    url: str
    final_url: str = ""
    status: int = 0  # 0 = not fetched (see error)
    content_type: str = ""
    kind: DocumentKind = "other"  # by extension of the link
    detected_kind: str = ""  # by the file's leading bytes; "" when unknown or not fetched
    size: int | None = None  # bytes, from Content-Length or the body
    error: str = ""  # why it could not be fetched, in Russian
    # True when the crawler did not try it (external, budget, robots.txt): unknown, not broken
    not_fetched: bool = False
    linked_from: list[str] = Field(default_factory=list)
    link_texts: list[str] = Field(default_factory=list)
    # filled when the document body was read (issue: documents opened)
    text_layer: bool | None = None
    pages: int | None = None
    date: str = ""  # ISO date found in the document or its metadata
    text_head: str = ""  # the first characters of the extracted text, normalised


class Probe(BaseModel):
    """A safe check that a linked target answers: HEAD (or GET without parameters when HEAD
    is refused), never POST, nothing sent. Recorded by the crawler, judged by the checks."""

    url: str  # the target as linked (a form's action, a link, a widget's script or frame)
    purpose: Literal["link", "form", "widget"] = "link"
    found_on: str = ""  # the page that links it
    method: str = ""  # HEAD | GET; "" when no request was made (see reason)
    status: int = 0  # HTTP status of the answer; 0 = no answer
    location: str = ""  # a redirect's target (redirects are not followed)
    content_type: str = ""
    reason: str = ""  # machine code when there is no answer: timeout, dns, refused, robots, ...
    error: str = ""  # Russian: why there is no answer
    via: str = ""  # the local stand-in actually asked (tests only)


class VisualState(BaseModel):
    """What the browser showed: measured before and after a low-vision control is used."""

    url: str = ""
    font_size: float = 0.0  # median computed font size of text elements, px
    root_font_size: float = 0.0  # <html> font size, px
    color: str = ""  # computed text colour of <body>
    background: str = ""  # computed background of <body> (or <html> when transparent)
    classes: str = ""  # class attributes of <html> and <body>
    stylesheets: int = 0
    images_visible: int = 0


class BrowserTrial(BaseModel):
    """The low-vision version switched on in a browser (3.2): which control was used, what the
    page looked like before and after. Facts only; the check decides whether it worked."""

    kind: Literal["low_vision"] = "low_vision"
    page_url: str  # the page the control was used on
    ran: bool = False  # False: the trial could not run (see error)
    control: str = ""  # the control used: tag, text, classes
    action: Literal["click", "navigate", ""] = ""
    target_url: str = ""  # navigate: the version's URL
    target_status: int = 0  # navigate: its HTTP status
    before: VisualState | None = None
    after: VisualState | None = None
    added_nodes: int = 0  # elements added to the page after the click (a panel, a toolbar)
    blocked_requests: int = 0  # requests the crawler did not let the browser make (settings)
    failed_requests: list[str] = Field(default_factory=list)  # scripts that did not load
    candidates: int = 0  # controls matching the hints on the page
    error: str = ""  # Russian
    screenshot: str = ""  # after switching on, when screenshots were asked for
    seconds: float = 0.0


class Failure(BaseModel):
    url: str
    reason: str  # machine code: timeout, dns, refused, too_large, redirect_loop, http_404, robots, ...
    detail: str = ""  # human-readable, Russian


class SiteSnapshot(BaseModel):
    version: int = SNAPSHOT_VERSION
    org_id: str = ""
    start_url: str
    site: str = ""  # the site key: host without www., lower-case
    user_agent: str = ""
    started_at: datetime | None = None
    finished_at: datetime | None = None
    reachable: bool = True  # False when not a single page of the site could be fetched
    stop_reason: str = ""  # "" = frontier exhausted; else pages_budget, time_budget, ...
    pages: list[Page] = Field(default_factory=list)
    documents: list[Document] = Field(default_factory=list)
    failures: list[Failure] = Field(default_factory=list)
    probes: list[Probe] = Field(default_factory=list)  # safe checks of linked targets
    trials: list[BrowserTrial] = Field(default_factory=list)  # low-vision version switched on
    # how pages were read: auto | always | never, and "never" with a note when no browser
    render_mode: str = ""
    render_note: str = ""  # Russian: why the browser was not used, when it was meant to be

    def ok_pages(self) -> list[Page]:
        """Pages that answered 200 with HTML: the ones the checks read."""
        return [p for p in self.pages if 200 <= p.status < 300]
