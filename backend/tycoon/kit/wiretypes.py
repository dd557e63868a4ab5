"""The number and flag fields of request bodies, taken as JSON types: true and false are no numbers, 0 and 1 no flags.

pydantic's lax mode reads `true` as 1 where a number belongs and `0` as false where a flag belongs; a client that
sends one for the other has a bug, and gets a 422 that says so instead of an answer to a question it did not ask.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator, StrictBool


def _not_a_boolean(value: object) -> object:
    if isinstance(value, bool):
        raise ValueError("Input should be a number, not a boolean")
    return value


# Last in an Annotated, after the bounds (Annotated[int, Field(ge=1), NotBoolean]): bounds that come after a validator
# appear in the OpenAPI document as pydantic's own `ge`/`le`, not as JSON Schema's minimum/maximum.
NotBoolean = BeforeValidator(_not_a_boolean)
Int = Annotated[int, NotBoolean]
Bool = StrictBool
