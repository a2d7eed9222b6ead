"""Loading the library: which copy, versions, partial builds."""

from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
import sys
from pathlib import Path

import azaudio
import pytest
from azaudio import _native
from conftest import PACKAGE_DIR


def test_the_loaded_library_reports_the_version_of_the_header_the_package_was_written_for() -> None:
    number = azaudio.version_number()
    assert number == azaudio.HEADER_VERSION_NUMBER
    assert azaudio.version() == f"{number // 1000000}.{number // 1000 % 1000}.{number % 1000}"
    assert azaudio.__version__ == azaudio.version()  # the package is versioned with the library it wraps


def test_the_library_path_names_a_loaded_libazaudio() -> None:
    assert "libazaudio" in Path(azaudio.library_path()).name or os.environ.get("AZAUDIO_LIBRARY")


def _import_in_subprocess(env: "dict[str, str]", tmp_path: Path) -> "subprocess.CompletedProcess[str]":
    code = "import azaudio; print(azaudio.library_path()); print(azaudio.version())"
    full = dict(os.environ, PYTHONPATH=str(PACKAGE_DIR), **env)
    return subprocess.run([sys.executable, "-c", code], env=full, capture_output=True, text=True, cwd=tmp_path)


def test_AZAUDIO_LIBRARY_chooses_which_library_is_loaded(tmp_path: Path) -> None:
    copy = tmp_path / "copy-of-libazaudio.so"
    shutil.copyfile(azaudio.library_path(), copy)
    result = _import_in_subprocess({"AZAUDIO_LIBRARY": str(copy)}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == str(copy)


def test_a_missing_AZAUDIO_LIBRARY_fails_the_import_with_the_path_in_the_message(tmp_path: Path) -> None:
    result = _import_in_subprocess({"AZAUDIO_LIBRARY": str(tmp_path / "nope.so")}, tmp_path)
    assert result.returncode != 0
    assert "cannot load libazaudio" in result.stderr and "nope.so" in result.stderr


def test_a_library_that_is_not_libazaudio_is_refused(tmp_path: Path) -> None:
    libc = "libc.so.6"
    result = _import_in_subprocess({"AZAUDIO_LIBRARY": libc}, tmp_path)
    assert result.returncode != 0
    assert "is not libazaudio" in result.stderr


def test_features_say_which_parts_of_the_c_api_the_library_has() -> None:
    assert azaudio.has_feature("audio") == _native.has("azaudio_g711_ulaw_encode")
    assert azaudio.has_feature("rest") == _native.has("azaudio_transcribe_file")
    with pytest.raises(ValueError):
        azaudio.has_feature("teleportation")


def test_a_function_the_library_lacks_raises_unsupported_naming_it() -> None:
    with pytest.raises(azaudio.UnsupportedError, match="azaudio_not_a_function"):
        _native.require("azaudio_not_a_function")


def test_every_declared_function_that_the_library_exports_has_its_types_set() -> None:
    for name, (restype, argtypes) in _native.SIGNATURES.items():
        if _native.has(name):
            function = getattr(_native.lib, name)
            assert function.restype == restype, name
            assert list(function.argtypes) == list(argtypes), name


def test_a_wheel_library_on_a_system_without_debians_ca_file_uses_the_systems_ca_locations() -> None:
    import ssl

    from azaudio import _native

    assert _native.wheel_ca_locations(grafted=False, default_exists=False) == (None, None)
    assert _native.wheel_ca_locations(grafted=True, default_exists=True) == (None, None)
    cafile, capath = _native.wheel_ca_locations(grafted=True, default_exists=False)
    paths = ssl.get_default_verify_paths()
    assert (cafile, capath) != (None, None)
    assert cafile in (paths.cafile, paths.openssl_cafile) and capath in (paths.capath, paths.openssl_capath, None)


def test_init_struct_fills_a_mirror_through_the_sized_init_up_to_the_mirrors_size() -> None:
    options = _native.azaudio_client_options()
    assert _native.init_struct(options) == 0
    assert options.struct_size == ctypes.sizeof(options)
    assert options.max_retries == 2 and options.body_rate_window_ms == 60000


def test_init_struct_falls_back_to_the_unsized_init_on_a_library_without_sized_inits(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_native, "_present", _native._present - {"azaudio_wav_info_init_sized"})

    def not_there(*_args: object) -> int:
        raise AssertionError("the sized init was called")

    monkeypatch.setattr(_native.lib, "azaudio_wav_info_init_sized", not_there)
    info = _native.azaudio_wav_info()
    assert _native.init_struct(info) == 0
    assert info.struct_size == ctypes.sizeof(info) and info.sample_rate == 24000
