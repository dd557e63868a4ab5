"""Housekeeping of PROMETHEUS_MULTIPROC_DIR, run by the gunicorn master (gunicorn_conf.py).

Each worker process writes its own files; gunicorn replaces workers after --max-requests, so without care the
directory grows by a few files per replacement and every scrape reads them all. When a worker exits, its
counters and histograms are added into one `*_archive.db` file per kind (totals never go down) and its gauge
files are removed (a gauge of a dead process means nothing).
"""

from __future__ import annotations

import glob
import os
from pathlib import Path

from prometheus_client import multiprocess
from prometheus_client.mmap_dict import MmapedDict, mmap_key

SUMMED_KINDS = ("counter", "histogram", "summary")


def wipe(directory: str) -> None:
    """At server start: values of a previous run would be added to this run's."""
    Path(directory).mkdir(parents=True, exist_ok=True)
    for path in Path(directory).glob("*.db"):
        path.unlink()


def fold_exited_worker(directory: str, pid: int) -> None:
    multiprocess.mark_process_dead(pid, directory)  # type: ignore[no-untyped-call]
    for kind in SUMMED_KINDS:
        exited = os.path.join(directory, f"{kind}_{pid}.db")
        if os.path.exists(exited):
            _add_into_archive(os.path.join(directory, f"{kind}_archive.db"), exited)
    for path in glob.glob(os.path.join(directory, f"gauge_*_{pid}.db")):
        os.remove(path)


def _add_into_archive(archive: str, exited: str) -> None:
    sources = [path for path in (archive, exited) if os.path.exists(path)]
    merged = multiprocess.MultiProcessCollector.merge(sources, accumulate=False)  # type: ignore[no-untyped-call]
    staging = archive + ".tmp"  # not *.db: a scrape meanwhile does not read it
    if os.path.exists(staging):
        os.remove(staging)
    values = MmapedDict(staging)  # type: ignore[no-untyped-call]
    try:
        for metric in merged:
            for sample in metric.samples:
                names, label_values = list(sample.labels), list(sample.labels.values())
                key = mmap_key(metric.name, sample.name, names, label_values, metric.documentation)
                values.write_value(key, sample.value, 0.0)  # type: ignore[no-untyped-call]
    finally:
        values.close()  # type: ignore[no-untyped-call]
    # A scrape between these two lines counts the exited worker twice, for microseconds, once per exit.
    os.replace(staging, archive)
    os.remove(exited)
