"""The browser side of the crawler: the system Chromium driven by Playwright (scrapy-playwright
for rendered pages, the async API for evidence screenshots), what the browser may load, and the
low-vision trial (switch the version on, measure the page before and after).

Nothing here submits anything: the browser's own requests other than GET/HEAD are refused, the
trial never touches submit buttons, and controls inside forms only when they cannot submit.
`playwright install` is not used: Chromium is the system one (`browser_executable`).
"""
from __future__ import annotations

import asyncio
import logging
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

from checks.snapshot import BrowserTrial, VisualState
from crawler.sitekey import origin, site_key

logger = logging.getLogger(__name__)


def _not_driver_gone(record: logging.LogRecord) -> bool:
    """False for asyncio's 'exception never retrieved' about the Playwright driver closing:
    on Ctrl+C or a stop the driver goes first; the run is stopped cleanly all the same."""
    error = record.exc_info[1] if record.exc_info else None
    return not str(error).startswith("Connection closed while reading from the driver")


logging.getLogger("asyncio").addFilter(_not_driver_gone)

# flags of shared/reference/environment.md §2 (Playwright adds most of them itself; harmless)
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
VIEWPORT = {"width": 1280, "height": 900}
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SETTLE_SECONDS = 2.0  # waiting for the network to go quiet after load (widgets, menus)
TRIAL_WAIT_MS = 700  # after a click: time for a widget to switch the page
MAX_TRIAL_CONTROLS = 3  # controls tried one after another until one switches the page
SCREENSHOT_QUALITY = 60


class BrowserMissing(RuntimeError):
    """`render: always` without a usable Chromium (the message is Russian)."""


def browser_available(executable: str) -> bool:
    return os.path.isfile(executable) and os.access(executable, os.X_OK)


def unavailable_note(executable: str) -> str:
    return (f"браузер Chromium не найден ({executable}): страницы проверены без выполнения "
            "скриптов; меню, контакты и формы, которые строятся скриптами, могли остаться "
            "невидимыми (установите: apt-get install -y chromium)")


def resolve(options):
    """(options, note): `auto` without a usable Chromium becomes `never`, with a Russian note
    saying so; `always` without one raises BrowserMissing."""
    if options.render == "never" or browser_available(options.browser_executable):
        return options, ""
    note = unavailable_note(options.browser_executable)
    if options.render == "always":
        raise BrowserMissing(f"Режим --render always невозможен: {note}")
    logger.warning(note)
    return options.model_copy(update={"render": "never"}), note


class SharedPlaywrightHandler(ScrapyPlaywrightDownloadHandler):
    """scrapy-playwright's handler, once for http and https: Scrapy builds a handler per scheme,
    and each would start its own Playwright driver (about 100 MB and a second of start-up)."""

    @classmethod
    def from_crawler(cls, crawler):
        handler = getattr(crawler, "_nok_playwright_handler", None)
        if handler is None:
            handler = crawler._nok_playwright_handler = cls(crawler)
        return handler

    async def close(self) -> None:
        if getattr(self, "_nok_closed", False):  # asked once per scheme
            return
        self._nok_closed = True
        await super().close()


def scrapy_settings(options) -> dict:
    """scrapy-playwright settings for the system Chromium; pages without `meta["playwright"]`
    still go through Scrapy's own HTTP handler."""
    handler = "crawler.browser.SharedPlaywrightHandler"
    return {
        "DOWNLOAD_HANDLERS": {"http": handler, "https": handler},
        "PLAYWRIGHT_BROWSER_TYPE": "chromium",
        "PLAYWRIGHT_LAUNCH_OPTIONS": {"executable_path": options.browser_executable,
                                      "headless": True, "args": CHROMIUM_ARGS,
                                      "timeout": 30_000},
        "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": int(options.render_timeout * 1000),
        # one browser context for the whole run: its page limit is the run's render concurrency
        "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": options.render_concurrency,
        "PLAYWRIGHT_MAX_CONTEXTS": 1,
    }


def context_kwargs(user_agent: str) -> dict:
    return {"viewport": VIEWPORT, "locale": "ru-RU", "user_agent": user_agent,
            "ignore_https_errors": True, "service_workers": "block", "accept_downloads": False}


# ---- what the browser may load ---------------------------------------------------------------
@dataclass
class PageWatch:
    """What happened to one browser page's requests."""

    blocked: int = 0  # refused by the policy: another host (third party off), a POST
    skipped: int = 0  # media, images and fonts not loaded to save time
    blocked_hosts: set[str] = field(default_factory=set)
    failed_scripts: list[str] = field(default_factory=list)  # scripts answering 4xx/5xx or failing
    aborted: set[str] = field(default_factory=set)  # URLs we refused ourselves
    failed: set[str] = field(default_factory=set)


class RequestPolicy:
    """Decides every request a browser page makes: the site's own resources load; other hosts'
    only when `third_party`; stand-ins replace origins (tests); anything but GET/HEAD is refused
    (no form is ever sent); media (and images and fonts unless screenshots are taken) are
    skipped to save time."""

    def __init__(self, site_keys: set[str], *, third_party: bool, stand_ins: dict[str, str],
                 screenshots: bool):
        self.site_keys = site_keys  # shared with the frontier: grows when the site moves
        self.third_party = third_party
        self.stand_ins = {k.rstrip("/").lower(): v.rstrip("/") for k, v in stand_ins.items()}
        self.skip_types = {"media"} if screenshots else {"media", "image", "font"}

    def stand_in(self, url: str) -> str:
        """The local stand-in URL for `url`, or "" when its origin has none."""
        base = self.stand_ins.get(origin(url))
        if not base:
            return ""
        parts = urlsplit(url)
        return base + (parts.path or "/") + (f"?{parts.query}" if parts.query else "")

    def allowed_host(self, url: str) -> bool:
        return self.third_party or site_key(url) in self.site_keys or bool(self.stand_in(url))

    async def attach(self, page) -> PageWatch:
        watch = PageWatch()
        page.nok_watch = watch

        async def handle(route, request):
            url = request.url
            if not url.startswith(("http://", "https://")):
                await route.fallback()
                return
            if request.method.upper() not in SAFE_METHODS or not self.allowed_host(url):
                watch.blocked += 1
                watch.aborted.add(url)
                watch.blocked_hosts.add(urlsplit(url).hostname or "")
                await route.abort()
                return
            if request.resource_type in self.skip_types and not request.is_navigation_request():
                watch.skipped += 1
                watch.aborted.add(url)
                await route.abort()
                return
            local = self.stand_in(url)
            if local:
                try:
                    response = await route.fetch(url=local, max_redirects=0)
                    await route.fulfill(response=response)
                except Exception:  # noqa: BLE001 - the stand-in is down: the resource fails
                    await route.abort()
                return
            await route.fallback()

        def on_response(response):
            request = response.request
            if request.resource_type == "script" and response.status >= 400:
                watch.failed.add(request.url)
                watch.failed_scripts.append(f"{request.url} (HTTP {response.status})")

        def on_failed(request):
            if (request.resource_type == "script" and request.url not in watch.aborted
                    and request.url not in watch.failed):
                watch.failed.add(request.url)
                watch.failed_scripts.append(f"{request.url} ({request.failure or 'ошибка'})")

        await page.route("**", handle)
        page.on("response", on_response)
        page.on("requestfailed", on_failed)
        return watch


async def settle(page, seconds: float = SETTLE_SECONDS) -> None:
    """Let scripts finish: wait until the network is quiet, at most `seconds`."""
    try:
        await page.wait_for_load_state("networkidle", timeout=max(100, int(seconds * 1000)))
    except Exception:  # noqa: BLE001 - a chat widget polling forever: take the page as it is
        pass


def shot_folder(base: str | Path, org_id: str) -> Path:
    """Where an organisation's screenshots go: a folder named by its id, made safe."""
    return Path(base or "nok-screenshots") / "".join(c if c.isalnum() or c in "-_." else "_" for c in org_id)


async def screenshot(page, path: Path) -> str:
    """A JPEG of the viewport; the file's path, "" when it could not be taken."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(path), type="jpeg", quality=SCREENSHOT_QUALITY,
                              timeout=10_000)
        return str(path)
    except Exception as exc:  # noqa: BLE001 - a missing screenshot is not a failed render
        logger.warning("screenshot of %s failed: %s", page.url, exc)
        return ""


# ---- the low-vision trial ----------------------------------------------------------------------
MEASURE_JS = """() => {
  const cs = e => getComputedStyle(e);
  const body = document.body || document.documentElement;
  const sizes = [];
  for (const el of body.querySelectorAll('p, li, a, span, td, div, h1, h2, h3, label, strong')) {
    if (sizes.length >= 300) break;
    if (![...el.childNodes].some(c => c.nodeType === 3 && c.textContent.trim().length > 1)) continue;
    if (!el.getClientRects().length) continue;
    sizes.push(parseFloat(cs(el).fontSize) || 0);
  }
  sizes.sort((a, b) => a - b);
  let bg = cs(body).backgroundColor;
  if (bg === 'rgba(0, 0, 0, 0)' || bg === 'transparent') bg = cs(document.documentElement).backgroundColor;
  const visible = [...document.images].filter(i => i.getClientRects().length
      && cs(i).visibility !== 'hidden' && cs(i).display !== 'none' && cs(i).opacity !== '0').length;
  return {url: location.href, font_size: sizes.length ? sizes[Math.floor(sizes.length / 2)] : 0,
          root_font_size: parseFloat(cs(document.documentElement).fontSize) || 0,
          color: cs(body).color, background: bg,
          classes: ((document.documentElement.className || '') + ' | ' + (document.body ? document.body.className || '' : '')).trim(),
          stylesheets: document.styleSheets.length, images_visible: visible};
}"""

# controls matching the hints, best first; each gets data-nok-candidate=<n> for the click
CANDIDATES_JS = """(hints) => {
  const norm = s => (s || '').toLowerCase().replace(/ё/g, 'е').replace(/\\s+/g, ' ').trim();
  const texts = hints.texts.map(norm).filter(Boolean);
  const rx = list => list.map(p => { try { return new RegExp(p, 'i'); } catch (e) { return null; } }).filter(Boolean);
  const attrs = rx(hints.attrs), urls = rx(hints.url_patterns);
  const submitting = el => {
    const form = el.closest('form');
    const tag = el.tagName;
    const type = (el.getAttribute('type') || '').toLowerCase();
    if (tag === 'INPUT' && ['submit', 'image', 'reset'].includes(type)) return true;
    if (tag === 'BUTTON' && form && type !== 'button') return true;
    const href = (el.getAttribute('href') || '').toLowerCase();
    return href.startsWith('javascript:') && /submit|postback/.test(href);
  };
  const found = [];
  const els = document.querySelectorAll('a, button, [role=button], [onclick], img, input[type=button], input[type=image], div, span, li, i');
  for (const el of els) {
    if (submitting(el)) continue;
    const tag = el.tagName;
    const own = norm([el.getAttribute('title'), el.getAttribute('alt'), el.getAttribute('aria-label'),
                      el.getAttribute('value')].join(' '));
    const inner = norm((el.innerText || '').slice(0, 200));
    const label = (inner + ' ' + own).trim();
    const hooks = ((el.id || '') + ' ' + (typeof el.className === 'string' ? el.className : '')).toLowerCase();
    const clickable = ['A', 'BUTTON', 'IMG', 'INPUT'].includes(tag) || el.hasAttribute('onclick')
        || (el.getAttribute('role') || '') === 'button';
    if (!clickable && (inner.length > 80 || el.querySelector('a, button'))) continue;
    let score = 0;
    if (texts.some(t => label.includes(t))) score += 2;
    if (attrs.some(r => r.test(hooks))) score += 2;
    const href = tag === 'A' ? el.href || '' : '';
    if (href && urls.some(r => r.test(href))) score += 2;
    if (!score || (!clickable && score < 2)) continue;
    if (el.getClientRects().length) score += 1;
    if (clickable) score += 1;
    found.push({el, score});
  }
  // a container holding a better candidate is not a control itself
  const kept = found.filter(c => !found.some(o => o !== c && c.el.contains(o.el) && o.score >= c.score - 1));
  kept.sort((a, b) => b.score - a.score);
  return kept.slice(0, hints.max).map((c, i) => {
    c.el.setAttribute('data-nok-candidate', String(i));
    const el = c.el;
    const raw = el.getAttribute('href') || '';
    const navigates = el.tagName === 'A' && raw && !raw.startsWith('#') && !/^javascript:/i.test(raw)
        && el.href.split('#')[0] !== location.href.split('#')[0];
    const parts = [];
    for (const p of [(el.innerText || '').slice(0, 80), el.getAttribute('title'), el.getAttribute('alt'),
                     el.getAttribute('aria-label')].map(norm))
      if (p && !parts.some(q => q.includes(p) || p.includes(q))) parts.push(p);
    const text = parts.join(' / ');
    const hooks = ((el.id ? '#' + el.id : '') + (typeof el.className === 'string' && el.className.trim()
        ? '.' + el.className.trim().split(/\\s+/).join('.') : ''));
    return {index: i, tag: el.tagName.toLowerCase(), text, hooks, href: navigates ? el.href : ''};
  });
}"""

OBSERVE_JS = """() => {
  window.__nokAdded = 0;
  const obs = new MutationObserver(list => { for (const m of list) for (const n of m.addedNodes)
    if (n.nodeType === 1) window.__nokAdded += 1; });
  obs.observe(document.documentElement, {childList: true, subtree: true});
  window.__nokObserver = obs;
}"""

CLICK_JS = """(i) => {
  const el = document.querySelector('[data-nok-candidate="' + i + '"]');
  if (!el) return false;
  el.click();
  return true;
}"""

ADDED_JS = "() => { if (window.__nokObserver) window.__nokObserver.disconnect(); return window.__nokAdded || 0; }"


async def _measure(page) -> VisualState:
    return VisualState.model_validate(await page.evaluate(MEASURE_JS))


def _describe(candidate: dict) -> str:
    parts = [candidate["tag"]]
    if candidate.get("hooks"):
        parts.append(candidate["hooks"])
    if candidate.get("text"):
        parts.append(f"«{candidate['text'][:80]}»")
    return " ".join(parts)


def _changed(before: VisualState, after: VisualState, added: int) -> bool:
    return (abs(after.font_size - before.font_size) >= 1 or after.root_font_size != before.root_font_size
            or after.color != before.color or after.background != before.background
            or after.classes != before.classes or after.stylesheets != before.stylesheets
            or after.images_visible < before.images_visible or added > 0)


async def find_controls(page, hints: dict) -> list[dict]:
    """Low-vision controls on the page (rules' trial hints), best first."""
    data = {"texts": hints.get("texts", []), "attrs": hints.get("attrs", []),
            "url_patterns": hints.get("url_patterns", []), "max": MAX_TRIAL_CONTROLS}
    try:
        return await page.evaluate(CANDIDATES_JS, data)
    except Exception as exc:  # noqa: BLE001 - a page that broke its own DOM API
        logger.warning("low-vision controls on %s: %s", page.url, exc)
        return []


async def low_vision_trial(page, controls: list[dict], *, deadline: float,
                           shot: Path | None = None) -> BrowserTrial:
    """Switch the low-vision version on with each control in turn until the page changes (a
    click) or the version loads (a link to it). The page is left on what was seen last."""
    began = time.monotonic()
    trial = BrowserTrial(page_url=page.url, candidates=len(controls))
    watch: PageWatch | None = getattr(page, "nok_watch", None)
    start_url = page.url
    main: list = []  # main-frame navigation responses (a click that opens a version)
    page.on("response", lambda r: main.append(r) if r.request.is_navigation_request()
            and r.frame == page.main_frame else None)
    try:
        for control in controls:
            if time.monotonic() > deadline:
                trial.error = trial.error or "не хватило времени на проверку в браузере"
                break
            trial.control = _describe(control)
            if page.url != start_url:  # a previous control moved the page: come back
                await page.goto(start_url, wait_until="load")
                await settle(page, 1.0)
            trial.before = await _measure(page)
            if control["href"]:
                trial.action, trial.target_url = "navigate", control["href"]
                response = await page.goto(control["href"], wait_until="load")
                trial.target_status = response.status if response is not None else 0
                await settle(page, 1.5)
                trial.after = await _measure(page)
                trial.ran = True
                if 200 <= trial.target_status < 300:
                    break
                continue
            trial.action = "click"
            await page.evaluate(OBSERVE_JS)
            clicked = await page.evaluate(CLICK_JS, control["index"])
            if not clicked:
                continue
            await page.wait_for_timeout(TRIAL_WAIT_MS)
            await settle(page, 1.0)
            trial.ran = True
            if page.url.split("#")[0] != start_url.split("#")[0]:  # the click opened a version
                trial.action, trial.target_url = "navigate", page.url
                trial.target_status = main[-1].status if main else 0
                trial.after = await _measure(page)
                if 200 <= trial.target_status < 300:
                    break
                continue
            trial.added_nodes = int(await page.evaluate(ADDED_JS) or 0)
            trial.after = await _measure(page)
            if _changed(trial.before, trial.after, trial.added_nodes):
                break
    except Exception as exc:  # noqa: BLE001 - the trial's failure is a fact, not a crash
        host = urlsplit(trial.target_url).hostname or ""
        if trial.action == "navigate" and watch is not None and host in watch.blocked_hosts:
            trial.error = (f"версия для слабовидящих на другом сайте ({host}), а обращения к другим "
                           "сайтам отключены")
        else:
            trial.error = f"сбой при проверке в браузере: {type(exc).__name__}: {str(exc)[:200]}"
    if watch is not None:
        trial.blocked_requests = watch.blocked
        trial.failed_requests = watch.failed_scripts[:10]
    if shot is not None and trial.ran:
        trial.screenshot = await screenshot(page, shot)
    trial.seconds = round(time.monotonic() - began, 2)
    return trial


async def forget(page) -> None:
    """Switch a version off again: the cookies and local storage a trial may have set (the
    browser context is shared by the run, and the site's next pages must look as usual)."""
    try:
        await page.evaluate("() => { try { localStorage.clear(); sessionStorage.clear(); } catch (e) {} }")
        await page.context.clear_cookies()
    except Exception:  # noqa: BLE001 - a closed page has nothing left to forget
        pass


# ---- evidence screenshots after the checks -------------------------------------------------
@dataclass
class Shot:
    url: str
    path: Path
    text: str = ""  # a fragment of the evidence to scroll to and outline


HIGHLIGHT_JS = """(text) => {
  const norm = s => (s || '').toLowerCase().replace(/ё/g, 'е').replace(/\\s+/g, ' ').trim();
  const want = norm(text);
  if (want.length < 4) return false;
  let best = null;
  for (const el of document.body.querySelectorAll('*')) {
    if (!el.getClientRects().length) continue;
    const t = norm(el.innerText || el.getAttribute('title') || el.getAttribute('alt') || '');
    if (t.includes(want) && (!best || t.length < best.t.length)) best = {el, t};
  }
  if (!best) return false;
  best.el.scrollIntoView({block: 'center'});
  best.el.style.outline = '3px solid #d32f2f';
  best.el.style.outlineOffset = '2px';
  return true;
}"""

_FRAGMENT = re.compile(r"«([^»]{4,80})»|([^…«»→]{6,80})")


def snippet_fragment(snippet: str) -> str:
    """A piece of an evidence snippet worth finding on the page (a link's label, a phrase)."""
    match = _FRAGMENT.search(snippet)
    if not match:
        return ""
    text = (match.group(1) or match.group(2) or "").strip()
    return " ".join(text.split()[:8])


async def _capture(shots: list[Shot], options, site_keys: set[str]) -> dict[str, str]:
    from playwright.async_api import async_playwright

    done: dict[str, str] = {}
    policy = RequestPolicy(site_keys, third_party=options.browser_third_party,
                           stand_ins=options.stand_ins, screenshots=True)
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=options.browser_executable,
                                           headless=True, args=CHROMIUM_ARGS, timeout=30_000)
        try:
            context = await browser.new_context(**context_kwargs(options.user_agent))
            semaphore = asyncio.Semaphore(2)

            async def one(shot: Shot) -> None:
                async with semaphore:
                    page = await context.new_page()
                    try:
                        await policy.attach(page)
                        await page.goto(shot.url, wait_until="load",
                                        timeout=int(options.render_timeout * 1000))
                        await settle(page)
                        if shot.text:
                            await page.evaluate(HIGHLIGHT_JS, shot.text)
                        path = await screenshot(page, shot.path)
                        if path:
                            done[str(shot.path)] = path
                    except Exception as exc:  # noqa: BLE001 - one page's failure, not the run's
                        logger.warning("screenshot of %s failed: %s", shot.url, exc)
                    finally:
                        await page.close()

            await asyncio.gather(*(one(s) for s in shots))
        finally:
            await browser.close()
    return done


def capture(shots: list[Shot], options) -> dict[str, str]:
    """Screenshots of evidence pages (one browser, two pages at a time): {path: path written}.
    Runs its own event loop: call it after the crawl (Twisted's reactor is done by then)."""
    if not shots or not browser_available(options.browser_executable):
        return {}
    keys = {site_key(s.url) for s in shots}
    return asyncio.run(_capture(shots, options, keys))
