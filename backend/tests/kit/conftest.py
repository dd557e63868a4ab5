"""Pure unit tests: no PostgreSQL, no Redis.

The root conftest prepares the databases in an autouse session fixture; overriding it here by name lets these
tests run (in a second or two) on a machine without the services.
"""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session", autouse=True)
def test_environment() -> dict[str, str]:
    return {}
