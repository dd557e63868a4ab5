"""What can be bought: the 45 generator types and the upgrade price curves (ORIGINAL-RULES §3, §7, §9)."""

from __future__ import annotations

import dataclasses
import functools
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Final, NamedTuple

from tycoon.errors import GeneratorTypeNotFound
from tycoon.kit.bignum import BigValue

# Type ids derive from the name so that every deployment (and every test) agrees on them.
TYPE_ID_NAMESPACE: Final = uuid.UUID("5d0f3c8e-9a41-4b6e-8f27-3e1c6a0b9d42")


@dataclass(frozen=True, slots=True)
class GeneratorType:
    index: int
    name: str
    description: str
    cost: BigValue
    production: BigValue  # energy per second before any upgrade or multiplier
    build_seconds: int
    heat: float  # heat per second while running
    tolerance: float  # heat limit before upgrades
    size: float  # sprite size, cosmetic

    @property
    def type_id(self) -> str:
        return type_id_of(self.name)


@functools.lru_cache(maxsize=256)
def type_id_of(name: str) -> str:
    return str(uuid.uuid5(TYPE_ID_NAMESPACE, name))


class _Row(NamedTuple):
    name: str
    cost: tuple[int, int]  # wire form (data, high)
    production: tuple[int, int]
    build_seconds: int
    heat: float
    tolerance: float
    size: float
    description: str


# fmt: off
_TABLE: Final = (
    _Row("식물 광합성 전지", (10000, 0), (1000, 0), 3, 0, 3, 1,
         "잎사귀가 햇빛을 모아 조금씩 전기를 흘려보냅니다. 낮에만 작동합니다."),
    _Row("소형 태양광 패널(개인용)", (250000, 0), (2600, 0), 4, 1, 10, 2,
         "지붕 위 작은 패널, 첫 번째 진짜 발전기입니다."),
    _Row("소형 풍력발전기(마이크로)", (100000, 1), (6800, 0), 6, 1, 15, 2,
         "바람이 불 때마다 날개가 부지런히 돕니다."),
    _Row("소수력발전기(마을급)", (360000, 1), (18000, 0), 9, 2, 25, 2.2,
         "마을 개울의 물살로 온 동네 불을 밝힙니다."),
    _Row("육상 풍력발전기(일반형)", (120000, 2), (54000, 0), 13, 1, 40, 3,
         "언덕 위에 우뚝 선 믿음직한 풍차입니다."),
    _Row("부유식 태양광(중형)", (720000, 2), (150000, 0), 18, 4, 75, 3,
         "호수 위에 떠서 물로 열을 식히는 패널입니다."),
    _Row("파력발전기(해양파)", (500000, 3), (500000, 0), 24, 3, 112, 2.3,
         "끝없이 밀려오는 파도를 전기로 바꿉니다."),
    _Row("해상 풍력발전기(대형 터빈)", (310000, 4), (200000, 1), 31, 3, 165, 3.5,
         "먼바다의 거센 바람을 거대한 날개로 받습니다."),
    _Row("폐열회수 보일러발전기", (200000, 5), (750000, 1), 39, 8, 225, 2.4,
         "버려지던 열을 모아 다시 터빈을 돌립니다."),
    _Row("바이오매스 발전기", (120000, 6), (300000, 2), 48, 10, 295, 2.1,
         "나무 부스러기와 농업 부산물을 태워 발전합니다."),
    _Row("디젤발전기", (800000, 6), (100000, 3), 58, 15, 375, 2.3,
         "시끄럽지만 언제든 시동이 걸리는 일꾼입니다."),
    _Row("조력발전기", (100000, 8), (350000, 3), 69, 4, 425, 2.5,
         "달이 당기는 밀물과 썰물로 전기를 만듭니다."),
    _Row("연료전지 발전기(수소)", (382500, 8), (150000, 4), 81, 50, 625, 2.7,
         "수소와 산소가 만나 물과 전기만 남깁니다."),
    _Row("지열발전기", (255500, 9), (400000, 4), 94, 18, 750, 2.5,
         "땅속 깊은 곳의 뜨거운 숨결을 끌어올립니다."),
    _Row("가스터빈 발전기", (130000, 11), (225000, 5), 108, 45, 875, 2.8,
         "불꽃과 함께 고속으로 회전하는 터빈입니다."),
    _Row("수소 가스터빈 발전기", (950000, 11), (215700, 6), 123, 50, 925, 2.9,
         "탄소 없이 수소만 태우는 차세대 터빈입니다."),
    _Row("수력발전(댐)", (800000, 12), (855000, 6), 139, 28, 1024, 3.4,
         "거대한 댐이 강 하나의 힘을 모읍니다."),
    _Row("LNG 복합화력발전기", (420000, 13), (300000, 7), 156, 62, 1200, 2.7,
         "가스터빈의 배기열로 증기터빈까지 돌립니다."),
    _Row("석탄 화력발전기", (325100, 15), (115000, 8), 174, 85, 1650, 3.4,
         "검은 연기와 함께 도시 전체를 먹여 살립니다."),
    _Row("원자력 발전기", (161500, 17), (200000, 9), 193, 300, 3250, 4,
         "작은 연료봉 하나에 엄청난 힘이 숨어 있습니다."),
    _Row("인공 태양 발전기", (200000, 22), (250000, 10), 213, 1200, 5200, 4.3,
         "자기장 속에 작은 태양을 가둬 두었습니다."),
    _Row("항성 핵 발전기", (927000, 25), (500000, 11), 234, 1800, 6800, 4.5,
         "별의 심장에서 곧바로 에너지를 뽑아냅니다."),
    _Row("초신성 발전기", (325000, 27), (420000, 12), 256, 2450, 7500, 4.7,
         "별이 터지는 순간의 빛을 붙잡아 둡니다."),
    _Row("반물질 발전기", (175000, 29), (267000, 13), 279, 3200, 8750, 4.8,
         "물질과 반물질이 만나 남김없이 사라집니다."),
    _Row("양자 진동 발전기", (115000, 31), (105000, 15), 303, 3850, 9550, 4.9,
         "양자 요동의 미세한 떨림을 증폭합니다."),
    _Row("쿼크 응축 발전기", (870000, 36), (472500, 17), 328, 4320, 11200, 5.0,
         "쿼크를 눌러 담아 강력을 전기로 바꿉니다."),
    _Row("중력 우물 발전기", (125000, 41), (222200, 19), 354, 4750, 12500, 5.2,
         "깊은 중력 우물로 떨어지는 물질을 이용합니다."),
    _Row("엔트로피 역행 발전기", (775000, 46), (655000, 20), 381, 5620, 14200, 5.3,
         "흩어진 무질서를 거꾸로 되감아 힘을 얻습니다."),
    _Row("특이점 압축 발전기", (375000, 51), (425000, 22), 408, 6730, 16500, 4.8,
         "한 점으로 짓눌린 시공간이 에너지를 토해냅니다."),
    _Row("제로포인트 에너지 코어 발전기", (997000, 59), (552000, 23), 436, 7990, 18250, 5.6,
         "텅 빈 진공에서도 에너지를 길어 올립니다."),
    _Row("고차원 에너지 공명 발전기", (867000, 65), (213000, 25), 465, 9250, 19100, 5.4,
         "보이지 않는 차원과 공명해 힘을 끌어옵니다."),
    _Row("초공간 균열 에너지 추출 발전기", (473000, 73), (517500, 26), 495, 10000, 20500, 5.5,
         "초공간의 틈새로 새어 나오는 빛을 모읍니다."),
    _Row("양자 진공 불안정 반응 발전기", (111000, 81), (365000, 27), 530, 12725, 22000, 5.6,
         "불안정한 진공이 무너지기 직전에 힘을 얻습니다."),
    _Row("다중특이점 공진 발전기", (876500, 89), (177000, 29), 560, 13500, 24300, 5.5,
         "여러 특이점이 한 박자로 울리도록 맞춥니다."),
    _Row("초대칭 붕괴 기반 에너지 발전기", (997000, 97), (235000, 30), 590, 14200, 25500, 5.7,
         "깨진 대칭의 조각마다 에너지가 담겨 있습니다."),
    _Row("원초입자 응축 에너지 발전기", (514000, 105), (897000, 32), 620, 15500, 26700, 5.3,
         "우주 탄생 직후의 입자를 다시 응축합니다."),
    _Row("엔트로피 제로 상태 구현 발전기", (198000, 113), (197000, 34), 650, 17000, 28000, 5.5,
         "완벽한 질서 속에서 손실 없이 발전합니다."),
    _Row("초차원 압력 변환 발전기", (798000, 121), (321000, 36), 680, 18500, 28500, 5.6,
         "차원 사이의 압력 차이를 전기로 바꿉니다."),
    _Row("우주배경장 왜곡 변환 발전기", (397000, 130), (155000, 38), 710, 19700, 29300, 5.5,
         "우주 배경에 퍼진 잔광을 비틀어 모읍니다."),
    _Row("근본상수 변조형 에너지 발전기", (899000, 140), (279000, 40), 740, 21000, 30500, 5.7,
         "물리 상수를 살짝 비틀어 차익을 남깁니다."),
    _Row("전역 시공간 재구성 발전기", (425000, 150), (175000, 42), 770, 22500, 31200, 5.8,
         "시공간 전체를 다시 짜 맞추며 힘을 얻습니다."),
    _Row("변종 오가네손 융합 발전기", (777000, 160), (111000, 44), 800, 23500, 32000, 5.7,
         "가장 무거운 원소를 억지로 융합시킵니다."),
    _Row("변종 에카-프랑슘 압축 폭발 에너지 발전기", (543000, 175), (764000, 46), 830, 24700, 33000, 5.8,
         "압축과 폭발을 끝없이 되풀이하는 위험한 장치입니다."),
    _Row("무간루프 압축 발전기", (654000, 190), (578000, 48), 860, 25500, 34200, 5.9,
         "끝나지 않는 고리 속에서 에너지가 불어납니다."),
    _Row("신성 엔진 발전기", (100000, 1250000), (100000, 50), 890, 27000, 34500, 6,
         "전설 속 신들의 엔진, 세상의 모든 빛이 여기서 나옵니다."),
)
# fmt: on


def _generator_type(index: int, row: _Row) -> GeneratorType:
    return GeneratorType(
        index=index,
        name=row.name,
        description=row.description,
        cost=BigValue.from_wire(*row.cost),
        production=BigValue.from_wire(*row.production),
        build_seconds=row.build_seconds,
        heat=float(row.heat),
        tolerance=float(row.tolerance),
        size=float(row.size),
    )


DEFAULT_GENERATOR_TYPES: Final[tuple[GeneratorType, ...]] = tuple(
    _generator_type(index, row) for index, row in enumerate(_TABLE)
)


@dataclass(frozen=True)
class Catalogue:
    """The generator types in force; `version` grows with every admin edit (cache keys, ETags)."""

    types: tuple[GeneratorType, ...]
    version: int = 0
    _by_index: Mapping[int, GeneratorType] = dataclasses.field(init=False, repr=False, compare=False)
    _by_type_id: Mapping[str, GeneratorType] = dataclasses.field(init=False, repr=False, compare=False)
    # Memo of derived values (simulation's generator rates) that depend only on this catalogue and small ints.
    memo: dict[tuple[int, ...], object] = dataclasses.field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_index", MappingProxyType({t.index: t for t in self.types}))
        object.__setattr__(self, "_by_type_id", MappingProxyType({t.type_id: t for t in self.types}))

    def __reduce__(self) -> tuple[type[Catalogue], tuple[tuple[GeneratorType, ...], int]]:
        # copy and pickle rebuild the indexes instead of copying the read-only mappings
        return Catalogue, (self.types, self.version)

    def by_index(self, index: int) -> GeneratorType | None:
        return self._by_index.get(index)

    def by_type_id(self, type_id: str) -> GeneratorType | None:
        return self._by_type_id.get(type_id)

    def with_type(self, new_type: GeneratorType) -> Catalogue:
        if self.by_index(new_type.index) is None:
            raise GeneratorTypeNotFound()
        types = tuple(new_type if t.index == new_type.index else t for t in self.types)
        return Catalogue(types, self.version + 1)


DEFAULT_CATALOGUE: Final = Catalogue(DEFAULT_GENERATOR_TYPES)


# Upgrades ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class UpgradeSpec:
    """A level bought with money (global) or rebirths: level L+i costs base × growth^(L+i−1+offset)."""

    key: str
    field: str  # PlayerState attribute holding the level
    base: Decimal
    growth: Decimal
    offset: int


@dataclass(frozen=True)
class GeneratorUpgradeSpec:
    """A level of one generator: level L+i costs install cost × multiplier × growth^(L+i)."""

    key: str
    field: str  # GeneratorState attribute holding the level
    multiplier: Decimal
    growth: Decimal


@dataclass(frozen=True)
class SpecialSpec:
    """A supercoin shop item: one supercoin per level."""

    key: str
    field: str
    cap: int | None


def _global(key: str, field: str, base: str, growth: str) -> UpgradeSpec:
    return UpgradeSpec(key, field, Decimal(base), Decimal(growth), offset=1)


def _rebirth(key: str, field: str, base: str, growth: str) -> UpgradeSpec:
    return UpgradeSpec(key, field, Decimal(base), Decimal(growth), offset=0)


GLOBAL_UPGRADES: Final[Mapping[str, UpgradeSpec]] = MappingProxyType(
    {
        spec.key: spec
        for spec in (
            _global("production", "production_bonus", "10", "1.8"),
            _global("heat_reduction", "heat_reduction", "50", "1.5"),
            _global("tolerance", "tolerance_bonus", "60", "2.0"),
            # the backend's curve (the server charged it), not data.js's 8
            _global("max_generators", "max_generators_bonus", "300", "3.0"),
            _global("demand", "demand_bonus", "15", "2.0"),
        )
    }
)

REBIRTH_UPGRADES: Final[Mapping[str, UpgradeSpec]] = MappingProxyType(
    {
        spec.key: spec
        for spec in (
            _rebirth("rebirth_chain", "rebirth_chain_upgrade", "1", "2"),
            _rebirth("upgrade_batch", "upgrade_batch_upgrade", "1", "2"),
            _rebirth("rebirth_start_money", "rebirth_start_money_upgrade", "3", "3"),
        )
    }
)

GENERATOR_UPGRADES: Final[Mapping[str, GeneratorUpgradeSpec]] = MappingProxyType(
    {
        spec.key: spec
        for spec in (
            GeneratorUpgradeSpec("production", "production_level", Decimal("1.0"), Decimal("1.25")),
            GeneratorUpgradeSpec("heat_reduction", "heat_reduction_level", Decimal("0.8"), Decimal("1.2")),
            GeneratorUpgradeSpec("tolerance", "tolerance_level", Decimal("0.9"), Decimal("1.2")),
        )
    }
)

SPECIAL_UPGRADES: Final[Mapping[str, SpecialSpec]] = MappingProxyType(
    {
        spec.key: spec
        for spec in (
            SpecialSpec("build_speed", "build_speed_reduction", cap=9),
            SpecialSpec("energy_mult", "energy_multiplier", cap=None),
            SpecialSpec("exchange_mult", "exchange_rate_multiplier", cap=None),
        )
    }
)
