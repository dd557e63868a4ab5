"""GET /generator_types (cached, with ETag) and the admin edit of a type's numbers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response

from tycoon.auth.deps import CurrentAdmin, GameDep
from tycoon.catalogue import repository
from tycoon.catalogue.cache import publish_version
from tycoon.catalogue.schemas import GeneratorTypeOut, GeneratorTypePatch, GeneratorTypesOut, type_out
from tycoon.errors import AdminRequired, GeneratorTypeNotFound
from tycoon.openapi import refusals
from tycoon.redis import RedisDep

router = APIRouter(tags=["catalogue"])


@router.get(
    "/generator_types",
    response_model=GeneratorTypesOut,
    operation_id="generator_types",
    responses={304: {"description": "Not modified (If-None-Match matched the ETag)"}},
)
async def generator_types(request: Request, game: GameDep) -> Response:
    cache = game.catalogue
    headers = {"ETag": cache.etag, "Cache-Control": "public, max-age=0, must-revalidate"}
    if cache.etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(cache.body, media_type="application/json", headers=headers)


@router.patch(
    "/admin/generator_types/{index}",
    response_model=GeneratorTypeOut,
    operation_id="edit_generator_type",
    responses=refusals(AdminRequired, GeneratorTypeNotFound),
)
async def edit_generator_type(
    index: Annotated[int, Path(ge=0, le=10_000)],
    patch: GeneratorTypePatch,
    request: Request,
    admin: CurrentAdmin,
    game: GameDep,
    redis: RedisDep,
) -> GeneratorTypeOut:
    saved = await repository.edit_type(request.app.state.engine, index, patch.apply)
    if saved is None:
        raise GeneratorTypeNotFound()
    edited, version = saved
    await publish_version(redis, version)
    await game.catalogue.refresh(request.app.state.engine, redis)
    return GeneratorTypeOut(**type_out(edited))
