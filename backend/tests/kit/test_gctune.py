"""The server processes' collector settings (gunicorn's post_worker_init applies them)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from tycoon import gunicorn_conf
from tycoon.kit.gctune import YOUNG_THRESHOLD


@pytest.fixture
def restored_gc() -> Iterator[None]:
    before = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*before)


@pytest.mark.usefixtures("restored_gc")
def test_a_worker_freezes_its_start_up_objects_and_collects_young_objects_less_often() -> None:
    gunicorn_conf.post_worker_init(worker=None)
    assert gc.get_freeze_count() > 0
    assert gc.get_threshold()[0] == YOUNG_THRESHOLD
