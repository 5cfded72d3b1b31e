"""Peak memory of a process tree, sampled from /proc while a benchmarked command runs (Linux)."""
from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path


def _children() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                ppid = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    return children


def _field_kb(path: str, name: str) -> int:
    try:
        text = Path(path).read_text()
    except OSError:
        return 0
    return next((int(line.split()[1]) for line in text.splitlines() if line.startswith(name)), 0)


def tree_memory(pid: int) -> tuple[int, int]:
    """(proportional set size of the whole tree, largest single resident size), in KB.

    PSS shares each shared page among the processes mapping it, so the sum over Chromium's or
    the check pool's processes is not inflated by the pages they share."""
    children = _children()
    total = biggest = 0
    stack = [pid]
    while stack:
        current = stack.pop()
        total += _field_kb(f"/proc/{current}/smaps_rollup", "Pss:")
        biggest = max(biggest, _field_kb(f"/proc/{current}/status", "VmRSS:"))
        stack.extend(children.get(current, []))
    return total, biggest


def run_sampled(cmd: list[str], **popen) -> tuple[subprocess.CompletedProcess, float, float, float]:
    """Run a command to the end, sampling its tree every 0.2 s: (result, wall s, peak tree MB, peak
    process MB). Proxy variables are dropped: everything benchmarked talks to 127.0.0.x."""
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    began = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env, **popen)
    peak_total = peak_one = 0
    while proc.poll() is None:
        total, one = tree_memory(proc.pid)
        peak_total, peak_one = max(peak_total, total), max(peak_one, one)
        time.sleep(0.2)
    wall = time.monotonic() - began
    result = subprocess.CompletedProcess(cmd, proc.returncode, "", proc.stderr.read())
    return result, wall, peak_total / 1024, peak_one / 1024
