"""SQL for the generator catalogue (seeded from the rules' defaults, editable by admins)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
from sqlalchemy import select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from tycoon.kit.bignum import BigValue
from tycoon.models import CatalogueVersion, GeneratorTypeRow
from tycoon.rules.catalogue import DEFAULT_GENERATOR_TYPES, Catalogue, GeneratorType


def _to_row(gtype: GeneratorType) -> dict[str, object]:
    return {
        "index": gtype.index,
        "name": gtype.name,
        "description": gtype.description,
        "cost": str(gtype.cost),
        "production": str(gtype.production),
        "build_seconds": gtype.build_seconds,
        "heat": gtype.heat,
        "tolerance": gtype.tolerance,
        "size": gtype.size,
    }


def _from_row(row: GeneratorTypeRow) -> GeneratorType:
    return _from_values(
        {name: getattr(row, name) for name in ("index", "name", "description", "cost", "production")}
        | {"build_seconds": row.build_seconds, "heat": row.heat, "tolerance": row.tolerance, "size": row.size}
    )


def _from_values(values: dict[str, Any]) -> GeneratorType:
    return GeneratorType(
        **values
        | {"cost": BigValue.parse(values["cost"]), "production": BigValue.parse(values["production"])}
    )


def to_document(catalogue: Catalogue) -> bytes:
    """The catalogue in storage form (full precision), as cached in Redis."""
    return orjson.dumps([_to_row(gtype) for gtype in catalogue.types])


def from_document(version: int, document: str | bytes) -> Catalogue:
    return Catalogue(tuple(_from_values(values) for values in orjson.loads(document)), version)


async def seed(engine: AsyncEngine) -> int:
    """Insert the default types that are missing; admin edits of existing ones are kept."""
    async with engine.begin() as conn:
        rows = [_to_row(gtype) for gtype in DEFAULT_GENERATOR_TYPES]
        inserted = await conn.execute(insert(GeneratorTypeRow).values(rows).on_conflict_do_nothing())
        await conn.execute(insert(CatalogueVersion).values(id=1, version=1).on_conflict_do_nothing())
    return inserted.rowcount or 0


async def load(engine: AsyncEngine) -> Catalogue:
    # one snapshot for the rows and the version: an edit committed between two reads must not store old rows
    # under its new version
    async with AsyncSession(engine.execution_options(isolation_level="REPEATABLE READ")) as session:
        rows = (await session.scalars(select(GeneratorTypeRow).order_by(GeneratorTypeRow.index))).all()
        version = (await session.scalar(select(CatalogueVersion.version))) or 0
    return Catalogue(tuple(_from_row(row) for row in rows) or DEFAULT_GENERATOR_TYPES, version)


async def edit_type(
    engine: AsyncEngine, index: int, edit: Callable[[GeneratorType], GeneratorType]
) -> tuple[GeneratorType, int] | None:
    """Apply `edit` to the stored type under a row lock, so that edits made at once each build on the one before
    (not on a process's cached catalogue), and bump the catalogue version. Returns the edited type and the new
    version; None when no type has that index."""
    async with AsyncSession(engine) as session, session.begin():
        row = await session.scalar(
            select(GeneratorTypeRow).where(GeneratorTypeRow.index == index).with_for_update()
        )
        if row is None:
            return None
        edited = edit(_from_row(row))
        values = _to_row(edited)
        del values["index"]
        await session.execute(update(GeneratorTypeRow).where(GeneratorTypeRow.index == index).values(values))
        bumped = await session.execute(
            text("UPDATE catalogue_version SET version = version + 1 WHERE id = 1 RETURNING version")
        )
        return edited, int(bumped.scalar_one())
