"""The package is typed: mypy --strict accepts it and py.typed ships with it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import azaudio
import pytest


def test_the_package_ships_py_typed() -> None:
    assert (Path(azaudio.__file__).parent / "py.typed").exists()


def test_mypy_strict_accepts_the_package() -> None:
    pytest.importorskip("mypy")
    package = Path(azaudio.__file__).parent
    source = Path(__file__).resolve().parent.parent / "azaudio"
    target = source if source.exists() else package
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", str(target)], capture_output=True, text=True, cwd=target.parent
    )
    assert result.returncode == 0, result.stdout + result.stderr
