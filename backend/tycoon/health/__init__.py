"""Liveness and readiness: what the platform and the monitoring ask before sending players here."""
