"""Production, heat, explosions, builds and cooling over time, in closed form (issue 2, decision 2).

Each generator follows a piecewise-linear path (ORIGINAL-RULES §4.5, §5.1, read in continuous time):
* developing (`build_end` set): no production; heat holds, or cools while paused; when the build ends the
  generator runs (the original server completed builds as running), with heat 0 after a rebuild;
* built and running: produces, heat rises by `heat_rate`/s; the instant heat passes `heat_limit` it explodes:
  heat 0, production stops, it rebuilds for `rebuild_seconds` and then runs again from heat 0, forever;
* built and paused: no production, heat falls by COOLING_PER_SECOND to 0.
The explosion cycle has a fixed length, so any interval is a first partial run, whole cycles counted with
`divmod`, and a last partial cycle: the cost of `advance` does not depend on how much time passed.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Final, Protocol, cast

from tycoon.errors import GeneratorTypeNotFound
from tycoon.kit.bignum import BigValue, big_sum, power
from tycoon.rules.catalogue import Catalogue, GeneratorType
from tycoon.rules.state import GeneratorState, PlayerState

COOLING_PER_SECOND: Final = 1.0
# The original client rolled (running generators) / 1e6 per second for a coin; the server keeps that rate.
SUPERCOIN_DROPS_PER_PRODUCING_SECOND: Final = 1e-6


@dataclass(frozen=True, slots=True)
class GeneratorRates:
    production: BigValue  # energy per second while built and running, all multipliers applied
    heat_rate: float  # heat per second while built and running
    heat_limit: float  # explodes when heat > heat_limit
    rebuild_seconds: float  # rebuild after an explosion (not shortened by the build-speed upgrade)

    @property
    def explodes(self) -> bool:
        # The original only checked a positive tolerance (`T > 0 and heat > T`). A heat rate so small that a
        # run from heat 0 outlasts the float range (0.9^q at q ≈ 6 700) counts as never exploding.
        return self.heat_rate > 0 and self.heat_limit > 0 and math.isfinite(self.heat_limit / self.heat_rate)

    @property
    def run_seconds(self) -> float:
        """How long a run from heat 0 lasts before it explodes."""
        return self.heat_limit / self.heat_rate if self.explodes else math.inf

    @property
    def cycle_seconds(self) -> float:
        return self.run_seconds + self.rebuild_seconds


# Rates -------------------------------------------------------------------------------------------------
def generator_type_of(catalogue: Catalogue, generator: GeneratorState) -> GeneratorType:
    gtype = catalogue.by_index(generator.type_index)
    if gtype is None:
        raise GeneratorTypeNotFound()
    return gtype


_MEMO_LIMIT: Final = 50_000


def generator_rates(state: PlayerState, generator: GeneratorState, catalogue: Catalogue) -> GeneratorRates:
    # Every request needs the rates of every generator; they depend on a handful of levels only, so they are
    # remembered per catalogue (pure: the same levels always give the same rates).
    key = (
        generator.type_index, generator.production_level, generator.heat_reduction_level,
        generator.tolerance_level, state.production_bonus, state.rebirth_count + state.energy_multiplier,
        state.heat_reduction, state.tolerance_bonus,
    )  # fmt: skip
    rates = catalogue.memo.get(key)
    if rates is None:
        if len(catalogue.memo) > _MEMO_LIMIT:
            catalogue.memo.clear()
        rates = catalogue.memo[key] = _generator_rates(state, generator, catalogue)
    return cast(GeneratorRates, rates)


def _generator_rates(state: PlayerState, generator: GeneratorState, catalogue: Catalogue) -> GeneratorRates:
    gtype = generator_type_of(catalogue, generator)
    return GeneratorRates(
        production=_production(state, generator, gtype),
        heat_rate=_heat_rate(state, generator, gtype),
        heat_limit=gtype.tolerance + 10.0 * (generator.tolerance_level + state.tolerance_bonus),
        rebuild_seconds=float(max(1, gtype.build_seconds)),
    )


def _production(state: PlayerState, generator: GeneratorState, gtype: GeneratorType) -> BigValue:
    own = Decimal(10 + generator.production_level) / 10
    return (
        gtype.production
        * own
        * _player_multiplier(state.production_bonus, state.rebirth_count + state.energy_multiplier)
    )


@functools.lru_cache(maxsize=1024)
def _player_multiplier(production_bonus: int, doublings: int) -> BigValue:
    """(1 + 0.1 P) × 2^(R + M), in exact decimals (2^R × 2^M can pass any float); cached: every request needs it."""
    return power(2, doublings) * (Decimal(10 + production_bonus) / 10)


def _heat_rate(state: PlayerState, generator: GeneratorState, gtype: GeneratorType) -> float:
    own = (gtype.heat + 0.5 * generator.production_level) * 0.9**generator.heat_reduction_level
    return own * max(1, 10 - state.heat_reduction) / 10  # global: −10 %/level, floored at 10 %


def is_producing(generator: GeneratorState) -> bool:
    return generator.build_end is None and generator.running


def production_per_second(
    state: PlayerState, catalogue: Catalogue, rates: Mapping[str, GeneratorRates] | None = None
) -> BigValue:
    """Energy per second now; `rates` (by generator id) when the caller already computed them."""
    producing = [g for g in state.generators if is_producing(g)]
    if rates is None:
        return big_sum([generator_rates(state, g, catalogue).production for g in producing])
    return big_sum([rates[g.generator_id].production for g in producing])


def build_duration(gtype: GeneratorType, build_speed_level: int) -> int:
    # The original's float64 arithmetic, to the second: 890 s at level 9 is 88 s (890 × 0.09999999999999998).
    return max(1, int(gtype.build_seconds * (1 - min(0.1 * build_speed_level, 0.9))))


# Advancing time ----------------------------------------------------------------------------------------
class Draws(Protocol):
    """Where supercoin drops draw their next threshold: a random.Random, or one seeded only when drawn from."""

    def expovariate(self, lambd: float) -> float: ...


def advance(state: PlayerState, catalogue: Catalogue, now: float, produce_until: float, rng: Draws) -> None:
    """Move `state` from `settled_at` to `now`, crediting only production before `produce_until`."""
    start = state.settled_at
    if now <= start:
        return
    window_end = max(start, min(now, produce_until))
    gains: list[BigValue] = []
    producing_total = 0.0
    for generator in state.generators:
        rates = generator_rates(state, generator, catalogue)
        seconds = _producing_seconds(generator, rates, start, window_end)
        gains.append(rates.production * seconds)
        producing_total += seconds
        _evolve(generator, rates, start, now)
    state.energy = state.energy + big_sum(gains)
    _drop_supercoins(state, producing_total, rng)
    state.settled_at = now


def _drop_supercoins(state: PlayerState, producing_seconds: float, rng: Draws) -> None:
    # One loop turn per coin, not per second: about 0.03 coins per generator-hour.
    state.drop_exposure += SUPERCOIN_DROPS_PER_PRODUCING_SECOND * producing_seconds
    while state.drop_exposure >= state.drop_threshold:
        state.supercoin += 1
        state.drop_exposure -= state.drop_threshold
        state.drop_threshold = rng.expovariate(1.0)


def _producing_seconds(generator: GeneratorState, rates: GeneratorRates, start: float, end: float) -> float:
    """Seconds within [start, end] during which `generator` (as it is at `start`) produces."""
    if end <= start:
        return 0.0
    if generator.build_end is not None:
        built_at, heat = _completion(generator, start)
        return 0.0 if built_at >= end else _running_seconds(heat, rates, end - built_at)
    if not generator.running:
        return 0.0
    return _running_seconds(generator.heat, rates, end - start)


def _running_seconds(heat: float, rates: GeneratorRates, duration: float) -> float:
    first = _seconds_to_explosion(heat, rates)
    if duration <= first:
        return duration
    cycles, rest = divmod(duration - first, rates.cycle_seconds)
    return first + cycles * rates.run_seconds + max(0.0, rest - rates.rebuild_seconds)


def _seconds_to_explosion(heat: float, rates: GeneratorRates) -> float:
    if not rates.explodes:
        return math.inf
    return max(0.0, (rates.heat_limit - heat) / rates.heat_rate)


def _completion(generator: GeneratorState, start: float) -> tuple[float, float]:
    """When the current build of a developing generator ends, and its heat at that instant."""
    assert generator.build_end is not None
    built_at = max(start, generator.build_end)
    if generator.exploded:
        return built_at, 0.0
    return built_at, _cooled(generator, built_at - start)


def _cooled(generator: GeneratorState, seconds: float) -> float:
    if generator.running:
        return generator.heat
    return max(0.0, generator.heat - COOLING_PER_SECOND * seconds)


def _evolve(generator: GeneratorState, rates: GeneratorRates, start: float, end: float) -> None:
    if generator.build_end is not None:
        if generator.build_end > end:
            generator.heat = _cooled(generator, end - start)
            return
        start, heat = _completion(generator, start)
        complete_build(generator, heat)
    if generator.running:
        _run(generator, rates, start, end)
    else:
        generator.heat = _cooled(generator, end - start)


def complete_build(generator: GeneratorState, heat: float) -> None:
    """The build or rebuild is over: the generator runs (the original server set running on completion)."""
    generator.build_end = None
    generator.build_total = 0.0
    generator.exploded = False
    generator.running = True
    generator.heat = heat


def _run(generator: GeneratorState, rates: GeneratorRates, start: float, end: float) -> None:
    elapsed = end - start
    first = _seconds_to_explosion(generator.heat, rates)
    if elapsed <= first:
        generator.heat += rates.heat_rate * elapsed
        return
    cycles = (elapsed - first) // rates.cycle_seconds
    rebuilt_at = start + first + cycles * rates.cycle_seconds + rates.rebuild_seconds
    if rebuilt_at > end:
        _start_rebuild(generator, rebuilt_at - rates.rebuild_seconds, rates.rebuild_seconds)
    else:
        generator.heat = rates.heat_rate * (end - rebuilt_at)


def _start_rebuild(generator: GeneratorState, at: float, rebuild_seconds: float) -> None:
    generator.heat = 0.0
    generator.build_end = at + rebuild_seconds
    generator.build_total = rebuild_seconds
    generator.exploded = True
