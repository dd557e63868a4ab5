"""What `docker build .` sends, worked out from .dockerignore the way Docker reads it (last match wins)."""

from __future__ import annotations

import re
import subprocess

from .conftest import REPO


def pattern_regex(pattern: str) -> re.Pattern[str]:
    pattern = pattern.strip("/")
    parts = re.split(r"(\*\*/|\*|\?)", pattern)
    translated = {"**/": "(?:.*/)?", "*": "[^/]*", "?": "[^/]"}
    return re.compile("".join(translated.get(part, re.escape(part)) for part in parts))


def rules() -> list[tuple[bool, re.Pattern[str]]]:
    lines = [line.strip() for line in (REPO / ".dockerignore").read_text().splitlines()]
    return [
        (line.startswith("!"), pattern_regex(line.lstrip("!")))
        for line in lines
        if line and not line.startswith("#")
    ]


def sent_to_docker(path: str, compiled: list[tuple[bool, re.Pattern[str]]]) -> bool:
    """A path is excluded when it or one of its parent folders matches; a later `!` pattern takes it back."""
    prefixes = [path[:index] for index, char in enumerate(path) if char == "/"] + [path]
    included = True
    for keep, regex in compiled:
        if any(regex.fullmatch(prefix) for prefix in prefixes):
            included = keep
    return included


def repository_files() -> list[str]:
    command = ["git", "ls-files", "--cached", "--others", "--exclude-standard"]
    listed = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=True)
    return listed.stdout.split()


def build_context() -> set[str]:
    compiled = rules()
    return {path for path in repository_files() if sent_to_docker(path, compiled)}


PROJECT_FILES = {"backend/pyproject.toml", "backend/uv.lock", "backend/alembic.ini"}
NEVER_SENT = (
    ".env",
    "backend/.env",
    ".git/config",
    "backend/.venv/bin/python",
    "frontend/src/main.tsx",
    "backend/tests/conftest.py",
    "backend/tycoon/__pycache__/app.cpython-311.pyc",
)


def test_the_context_has_what_the_image_needs() -> None:
    context = build_context()
    assert {*PROJECT_FILES, "backend/tycoon/cli.py"} <= context
    assert any(path.startswith("backend/migrations/versions/") for path in context)


def test_the_context_leaves_out_secrets_tests_and_the_client() -> None:
    for path in build_context():
        assert path in PROJECT_FILES or path.startswith(("backend/tycoon/", "backend/migrations/")), path
    compiled = rules()
    for path in NEVER_SENT:
        assert not sent_to_docker(path, compiled), path


def test_the_matcher_reads_patterns_like_docker() -> None:
    patterns = [(False, "*"), (True, "backend/tycoon/"), (False, "**/__pycache__/")]
    compiled = [(keep, pattern_regex(pattern)) for keep, pattern in patterns]
    assert sent_to_docker("backend/tycoon/app.py", compiled)
    assert not sent_to_docker("backend/tycoon/kit/__pycache__/x.pyc", compiled)
    assert not sent_to_docker("README.md", compiled)
    assert not sent_to_docker("backend/tests/test_x.py", compiled)
