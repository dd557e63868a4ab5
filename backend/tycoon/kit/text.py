"""Text that may be stored in PostgreSQL."""

from __future__ import annotations

from typing import Final

# PostgreSQL text cannot hold NUL: a pattern for request fields, so it is refused as bad input (422), not as a
# database failure.
NO_NUL: Final = r"^[^\x00]*$"
