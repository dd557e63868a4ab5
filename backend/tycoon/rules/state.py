"""A player's game state as the rules see it: plain data, no I/O.

Times are unix seconds as floats. The state is exact at `settled_at`; `rules.simulation.advance` moves it to
any later instant in closed form. Stores serialise it (players/codec.py); rules mutate a loaded copy in place
and validate before they change anything, so a rejected action leaves the state as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tycoon.kit.bignum import ZERO, BigValue

STARTING_MONEY = BigValue(10)


@dataclass(slots=True)
class GeneratorState:
    generator_id: str
    type_index: int
    x_position: int
    world_position: int = 0
    running: bool = True  # the player's switch; False = paused
    heat: float = 0.0  # at PlayerState.settled_at
    build_end: float | None = None  # when the current build or rebuild ends; None once built
    build_total: float = 0.0  # duration of the current build or rebuild
    exploded: bool = False  # the current build is a rebuild after an explosion
    production_level: int = 0
    heat_reduction_level: int = 0
    tolerance_level: int = 0

    @property
    def developing(self) -> bool:
        return self.build_end is not None


@dataclass(slots=True)
class PlayerState:
    user_id: str
    username: str
    settled_at: float
    energy: BigValue = ZERO
    money: BigValue = STARTING_MONEY
    sold_energy: BigValue = ZERO
    # global upgrades (money)
    production_bonus: int = 0
    heat_reduction: int = 0
    tolerance_bonus: int = 0
    max_generators_bonus: int = 0
    demand_bonus: int = 0
    # rebirth and its upgrades (paid in rebirths)
    rebirth_count: int = 0
    rebirth_chain_upgrade: int = 0
    upgrade_batch_upgrade: int = 0
    rebirth_start_money_upgrade: int = 0
    # special shop (supercoin)
    supercoin: int = 0
    build_speed_reduction: int = 0
    energy_multiplier: int = 0
    exchange_rate_multiplier: int = 0
    # supercoin drops are a Poisson process: a coin drops each time `drop_exposure` (running-generator-seconds
    # × 1e-6) passes `drop_threshold`, an Exp(1) draw made when the previous coin dropped.
    drop_exposure: float = 0.0
    drop_threshold: float = 1.0
    tutorial: int = 1
    tutorial_rewards_paid: list[int] = field(default_factory=list)
    play_time_ms: int = 0
    generators: list[GeneratorState] = field(default_factory=list)

    def generator(self, generator_id: str) -> GeneratorState | None:
        return next((g for g in self.generators if g.generator_id == generator_id), None)
