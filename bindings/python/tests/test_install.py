"""A fresh virtualenv: `pip install bindings/python` bundles the library, and the package and the console script
work from outside the source tree."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest
from conftest import PACKAGE_DIR


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if os.environ.get("AZAUDIO_SKIP_INSTALL_TEST"):
        pytest.skip("AZAUDIO_SKIP_INSTALL_TEST is set")
    root = tmp_path_factory.mktemp("fresh")
    venv.create(root / "venv", with_pip=True)
    python = root / "venv" / "bin" / "python"
    result = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(PACKAGE_DIR)],
        capture_output=True,
        text=True,
        env=_clean_env(),
        cwd=root,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return root


def _clean_env() -> "dict[str, str]":
    return {
        k: v
        for k, v in os.environ.items()
        if k not in ("AZAUDIO_LIBRARY", "PYTHONPATH", "VIRTUAL_ENV") and not k.startswith("AZURE_OPENAI_")
    }


def _run(root: Path, *args: str) -> "subprocess.CompletedProcess[str]":
    return subprocess.run(list(args), capture_output=True, text=True, env=_clean_env(), cwd=root)


def test_the_installed_package_loads_its_bundled_library(installed: Path) -> None:
    python = str(installed / "venv" / "bin" / "python")
    code = (
        "import azaudio, azaudio.audio as a; print(azaudio.library_path()); print(azaudio.version()); "
        "print(a.ulaw_encode(b'\\x00\\x00').hex())"
    )
    result = _run(installed, python, "-c", code)
    assert result.returncode == 0, result.stderr
    path, version, encoded = result.stdout.split()
    assert path.startswith(str(installed / "venv")) and path.endswith("azaudio/libazaudio.so.0")
    assert version == "0.1.0" and encoded == "ff"


def test_the_installed_package_ships_its_type_information(installed: Path) -> None:
    found = list((installed / "venv").glob("lib/python*/site-packages/azaudio/py.typed"))
    assert found


def test_the_console_script_is_installed_and_runs(installed: Path) -> None:
    script = str(installed / "venv" / "bin" / "azaudio")
    assert "exit codes" in _run(installed, script, "--help").stdout
    doctor = _run(installed, script, "doctor", "--json", "--endpoint", "http://127.0.0.1:1", "--api-key", "k")
    assert doctor.returncode == 1
    report = json.loads(doctor.stdout)
    assert report["checks"][0]["name"] == "library" and report["checks"][0]["status"] == "ok"


def test_the_wheel_is_tagged_for_this_platform(installed: Path, tmp_path: Path) -> None:
    python = str(installed / "venv" / "bin" / "python")
    result = _run(installed, python, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(PACKAGE_DIR))
    assert result.returncode == 0, result.stderr
    wheels = [p.name for p in tmp_path.glob("*.whl")]
    assert len(wheels) == 1, wheels
    with zipfile.ZipFile(tmp_path / wheels[0]) as archive:
        compiled = any(name.startswith("azaudio/_cbridge") and name.endswith(".so") for name in archive.namelist())
    # With the compiled bridge (abi3, limited API 3.10) it is for CPython 3.10+; without it, for any Python 3.
    tag = "cp310-abi3" if compiled else "py3-none"
    assert wheels[0].startswith(f"azaudio-0.1.0-{tag}-linux_"), wheels
    assert sys.platform.startswith("linux")
