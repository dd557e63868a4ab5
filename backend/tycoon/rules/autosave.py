"""POST /progress/autosave: kept for the original client, only its pause switches count (issue 2, dec. 4).

Energy, money, supercoin, play time and heat sent by the client are never applied: the server computes them.
"""

from __future__ import annotations

from collections.abc import Mapping

from tycoon.rules.state import PlayerState


def apply_autosave(state: PlayerState, running_by_generator_id: Mapping[str, bool]) -> None:
    for generator in state.generators:  # ids the player does not own are ignored
        running = running_by_generator_id.get(generator.generator_id)
        if running is not None:
            generator.running = running
