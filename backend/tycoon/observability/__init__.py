"""Logs, metrics, error reporting and security headers: the process-wide plumbing around the game."""
