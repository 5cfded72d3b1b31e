"""Judging what the browser showed: the low-vision version switched on (3.2).

The crawler records the trial (crawler/browser.py): the control used, the page measured before
and after, or the version's URL opened. These checks only read those facts."""
from __future__ import annotations

import re

from checks.findings import Evidence, Outcome
from checks.generic.common import one_line
from checks.registry import CheckResult, Params, check
from checks.site import SiteView
from checks.snapshot import BrowserTrial


class TrialParams(Params):
    min_font_growth: float = 1.1  # the text must grow by this factor to count as "larger"


_RGB = re.compile(r"rgba?\((\d+),\s*(\d+),\s*(\d+)(?:,\s*([\d.]+))?\)")


def colour(css: str) -> str:
    """A computed CSS colour for people: #rrggbb, or «прозрачный»."""
    m = _RGB.fullmatch(css.strip())
    if not m:
        return css or "—"
    if m.group(4) is not None and float(m.group(4)) == 0:
        return "прозрачный"
    return "#" + "".join(f"{int(v):02x}" for v in m.groups()[:3])


def trial_changes(trial: BrowserTrial, min_font_growth: float = 1.1) -> list[str]:
    """What changed on the page after the control was used, in Russian; [] = nothing."""
    before, after = trial.before, trial.after
    if before is None or after is None:
        return []
    changes = []
    if before.font_size and after.font_size >= before.font_size * min_font_growth:
        changes.append(f"шрифт крупнее: {before.font_size:.0f} → {after.font_size:.0f} px")
    elif before.root_font_size and after.root_font_size >= before.root_font_size * min_font_growth:
        changes.append(f"базовый шрифт крупнее: {before.root_font_size:.0f} → {after.root_font_size:.0f} px")
    colours = [f"{what} {colour(b)} → {colour(a)}" for what, b, a in (
        ("фон", before.background, after.background), ("текст", before.color, after.color)) if a != b]
    if colours:
        changes.append("сменились цвета: " + ", ".join(colours))
    added = sorted(set(after.classes.split()) - set(before.classes.split()) - {"|"})
    if added:
        changes.append("у страницы появились классы " + ", ".join(added[:5]))
    if after.stylesheets > before.stylesheets:
        changes.append(f"подключены стили версии ({before.stylesheets} → {after.stylesheets})")
    if after.images_visible < before.images_visible:
        changes.append(f"скрыты изображения ({before.images_visible} → {after.images_visible})")
    if trial.added_nodes and trial.action == "click":
        changes.append(f"на странице появились новые элементы ({trial.added_nodes}): панель настроек")
    return changes


def _best(trials: list[BrowserTrial]) -> BrowserTrial:
    ran = [t for t in trials if t.ran]
    return (ran or trials)[0]


@check("low_vision_trial", TrialParams)
def low_vision_trial_check(site: SiteView, params: TrialParams) -> CheckResult:
    """Версия для слабовидящих включается в браузере: после нажатия кнопки шрифт становится
    крупнее, меняются цвета, появляется панель настроек или класс режима — либо по ссылке
    открывается отдельная версия сайта. Не проверялось (нет браузера, не найдено кнопки) — вывод
    делается по разметке; кнопка есть, но ничего не меняется — «требует проверки»."""
    snapshot = site.snapshot
    trials = [t for t in snapshot.trials if t.kind == "low_vision"]
    if not trials:
        if snapshot.render_note:
            return CheckResult(Outcome.not_applicable, note=f"переключение не проверялось: {snapshot.render_note}")
        if snapshot.render_mode == "never":
            return CheckResult(Outcome.not_applicable,
                               note="переключение не проверялось: браузер не использовался (--render never)")
        return CheckResult(Outcome.not_applicable,
                           note="переключение в браузере не проверялось: кнопки или ссылки версии не найдено")
    trial = _best(trials)
    if not trial.ran:
        return CheckResult(Outcome.not_applicable, note=f"переключение не проверялось: {trial.error}")
    where = trial.page_url
    if trial.action == "navigate":
        status = trial.target_status
        if 200 <= status < 300:
            changes = trial_changes(trial, params.min_font_growth)
            seen = f"; {'; '.join(changes)}" if changes else "; внешне не отличается от обычной"
            text = f"по ссылке {trial.control} открывается версия для слабовидящих {trial.target_url} (код {status}){seen}"
            ev = Evidence(url=where, snippet=one_line(f"{trial.control} → {trial.target_url}", 200),
                          check="low_vision_trial", note=f"проверено в браузере: {text}", rendered=True,
                          screenshot=trial.screenshot)
            return CheckResult(Outcome.present, [ev], "версия для слабовидящих открывается", text)
        what = f"код {status}" if status else (trial.error or "нет ответа")
        ev = Evidence(url=where, snippet=one_line(f"{trial.control} → {trial.target_url}", 200),
                      check="low_vision_trial", note=f"версия по ссылке не открывается: {what}", rendered=True)
        return CheckResult(Outcome.needs_review, [ev], f"ссылка на версию для слабовидящих не открывается ({what})")
    changes = trial_changes(trial, params.min_font_growth)
    if changes:
        text = f"после нажатия {trial.control}: " + "; ".join(changes)
        ev = Evidence(url=where, snippet=one_line(trial.control, 160), check="low_vision_trial",
                      note=f"проверено в браузере: {'; '.join(changes)}", rendered=True,
                      screenshot=trial.screenshot)
        return CheckResult(Outcome.present, [ev], "версия для слабовидящих включается", text)
    if trial.blocked_requests and not trial.failed_requests:
        return CheckResult(Outcome.not_applicable,
                           note=f"переключение не подтверждено: браузеру не разрешено загружать сторонние "
                                f"скрипты ({trial.blocked_requests} запросов к другим сайтам не выполнено)")
    why = "страница не изменилась: шрифт, цвета и оформление прежние"
    if trial.failed_requests:
        why += "; не загрузились скрипты: " + ", ".join(one_line(f, 100) for f in trial.failed_requests[:3])
    ev = Evidence(url=where, snippet=one_line(trial.control, 160), check="low_vision_trial",
                  note=f"кнопка нажата в браузере, {why}", rendered=True, screenshot=trial.screenshot)
    return CheckResult(Outcome.needs_review, [ev], f"версия для слабовидящих не включается: {why}")
