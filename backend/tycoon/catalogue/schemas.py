"""The catalogue as GET /generator_types sends it (the original's two lists, plus heat, tolerance, size)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, Field

from tycoon.kit.bignum import BigValue
from tycoon.kit.text import NO_NUL
from tycoon.kit.wiretypes import NotBoolean
from tycoon.rules.catalogue import Catalogue, GeneratorType


class GeneratorTypeOut(BaseModel):
    id: str
    generator_type_id: str
    index: int
    name: str
    description: str
    cost_data: int
    cost_high: int
    energy_data: int
    energy_high: int
    install_seconds: int
    heat: float
    tolerance: float
    size: float
    image: int = Field(description="1-based number of the sprite, /generator/{image}.png")


class GeneratorTypesOut(BaseModel):
    types: list[GeneratorTypeOut]
    generator_types: list[GeneratorTypeOut]


def type_out(gtype: GeneratorType) -> dict[str, Any]:
    cost_data, cost_high = gtype.cost.to_wire()
    energy_data, energy_high = gtype.production.to_wire()
    return {
        "id": gtype.type_id,
        "generator_type_id": gtype.type_id,
        "index": gtype.index,
        "name": gtype.name,
        "description": gtype.description,
        "cost_data": cost_data,
        "cost_high": cost_high,
        "energy_data": energy_data,
        "energy_high": energy_high,
        "install_seconds": gtype.build_seconds,
        "heat": gtype.heat,
        "tolerance": gtype.tolerance,
        "size": gtype.size,
        "image": gtype.index + 1,
    }


def generator_types_body(catalogue: Catalogue) -> dict[str, Any]:
    types = [type_out(gtype) for gtype in catalogue.types]
    return {"types": types, "generator_types": types}


Mantissa = Annotated[int, Field(ge=0, le=999_999), NotBoolean]
Exponent = Annotated[int, Field(ge=0, le=10**9), NotBoolean]
Seconds = Annotated[int, Field(ge=1, le=10**7), NotBoolean]
PerSecond = Annotated[float, Field(ge=0, le=1e12), NotBoolean]


class GeneratorTypePatch(BaseModel):
    """Admin edit of a type's numbers; omitted fields keep their value."""

    model_config = {"extra": "forbid"}

    description: str | None = Field(None, max_length=500, pattern=NO_NUL)
    cost_data: Mantissa | None = None
    cost_high: Exponent | None = None
    energy_data: Mantissa | None = None
    energy_high: Exponent | None = None
    install_seconds: Seconds | None = None
    heat: PerSecond | None = None
    tolerance: PerSecond | None = None

    def apply(self, gtype: GeneratorType) -> GeneratorType:
        from dataclasses import replace

        cost = _merge_big(gtype.cost, self.cost_data, self.cost_high)
        production = _merge_big(gtype.production, self.energy_data, self.energy_high)
        return replace(
            gtype,
            description=gtype.description if self.description is None else self.description,
            cost=cost,
            production=production,
            build_seconds=self.install_seconds or gtype.build_seconds,
            heat=gtype.heat if self.heat is None else self.heat,
            tolerance=gtype.tolerance if self.tolerance is None else self.tolerance,
        )


def _merge_big(current: BigValue, data: int | None, high: int | None) -> BigValue:
    if data is None and high is None:
        return current
    current_data, current_high = current.to_wire()
    return BigValue.from_wire(current_data if data is None else data, current_high if high is None else high)
