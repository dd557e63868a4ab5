"""Checks of the deployment files. There is no Docker engine here: what can be checked without one is."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
BACKEND = REPO / "backend"


def ensure_tool(binary: str, apt_package: str) -> str:
    """The tool's path, installed from Debian's packages if missing; skip (saying why) only if apt cannot."""
    found = shutil.which(binary)
    if found:
        return found
    install = ["apt-get", "install", "-y", "-q", "--no-install-recommends", apt_package]
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "check": False, "timeout": 540}
    if subprocess.run(install, **quiet).returncode != 0:  # type: ignore[call-overload]
        subprocess.run(["apt-get", "update", "-q"], **quiet)  # type: ignore[call-overload]
        subprocess.run(install, **quiet)  # type: ignore[call-overload]
    found = shutil.which(binary)
    if not found:
        pytest.skip(
            f"{binary} is not installed and `apt-get install {apt_package}` failed (apt unreachable?)"
        )
    return found


def uv_binary() -> str | None:
    """The uv running these tests (`uv run` says where it is in UV), else the one on PATH."""
    return os.environ.get("UV") or shutil.which("uv")


def run(command: list[str], cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False, timeout=300)
