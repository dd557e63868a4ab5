"""CPU time and memory of process trees, read from /proc (Linux).

A tree's CPU time is utime + stime + cutime + cstime summed over its live processes: a process that has exited
and been waited for is already counted in its parent's cutime/cstime, so workers that come and go (gunicorn
workers, PostgreSQL backends) are neither lost nor counted twice.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True)
class Stat:
    pid: int
    ppid: int
    cpu_ticks: int  # own + waited-for children


def read_stat(pid: int) -> Stat | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    fields = text[text.rindex(")") + 2 :].split()  # the command name may hold spaces and parentheses
    ppid = int(fields[1])
    utime, stime, cutime, cstime = (int(x) for x in fields[11:15])
    return Stat(pid, ppid, utime + stime + cutime + cstime)


def all_stats() -> dict[int, Stat]:
    stats = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (stat := read_stat(int(entry))) is not None:
            stats[stat.pid] = stat
    return stats


def tree(roots: Iterable[int], stats: dict[int, Stat]) -> set[int]:
    """The roots (if alive) and all their descendants."""
    children: dict[int, list[int]] = {}
    for stat in stats.values():
        children.setdefault(stat.ppid, []).append(stat.pid)
    found: set[int] = set()
    pending = [pid for pid in roots if pid in stats]
    while pending:
        pid = pending.pop()
        if pid not in found:
            found.add(pid)
            pending.extend(children.get(pid, []))
    return found


def cpu_seconds(roots: Iterable[int], stats: dict[int, Stat] | None = None) -> float:
    stats = stats if stats is not None else all_stats()
    return sum(stats[pid].cpu_ticks for pid in tree(roots, stats)) / TICKS


def memory_bytes(roots: Iterable[int], stats: dict[int, Stat] | None = None) -> int:
    """Proportional set size (PSS) summed over the tree: pages shared between processes (PostgreSQL's shared
    buffers, gunicorn workers forked from one master) are split between them instead of counted in each."""
    stats = stats if stats is not None else all_stats()
    return sum(_pss(pid) for pid in tree(roots, stats))


def _pss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE  # RSS: no smaps_rollup here
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return 0


def pids(roots: Iterable[int], stats: dict[int, Stat] | None = None) -> set[int]:
    return tree(roots, stats if stats is not None else all_stats())


def machine_busy_seconds() -> float:
    """CPU seconds spent by everything on the machine (all cores), from the first line of /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq + steal) / TICKS
