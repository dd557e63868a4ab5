"""Errors to Sentry, only when SENTRY_DSN is set.

No personal data and no secrets: no cookies, headers with tokens, IPs, request bodies, and no local variables
of the failing frames (the SDK records them by default: the settings with the database URL and SECRET_KEY, a
login's password).
"""

from __future__ import annotations

import sentry_sdk

from tycoon.config import Settings

# A trace per hundred requests: enough to see slow endpoints, cheap at thousands of requests per second.
TRACES_SAMPLE_RATE = 0.01


def init_sentry(settings: Settings) -> bool:
    """Returns whether Sentry was started. The release comes from SENTRY_RELEASE (read by the SDK)."""
    if not settings.sentry_dsn:
        return False
    sentry_sdk.init(
        dsn=settings.sentry_dsn,
        environment=settings.environment.value,
        traces_sample_rate=TRACES_SAMPLE_RATE,
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
    )
    return True
