"""The installed wheel stands on its own (run by `make test-wheel`, which installs the auditwheel-repaired wheel into
a fresh venv, takes the Swift toolchain off PATH and unsets AZAUDIO_LIBRARY; skipped otherwise): the library and
its libcurl/OpenSSL come from inside the wheel, and a REST call, a realtime turn and the command line work."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import azaudio
import pytest
from azaudio import EventType
from conftest import Emulator

pytestmark = pytest.mark.skipif(
    not os.environ.get("AZAUDIO_EXPECT_WHEEL"),
    reason="only for the installed wheel (make -C bindings/python test-wheel)",
)


def _mapped() -> list[str]:
    with open("/proc/self/maps") as maps:
        return sorted({line.split()[-1] for line in maps if "/" in line})


def test_no_toolchain_and_the_library_comes_from_the_wheel() -> None:
    assert shutil.which("swift") is None and shutil.which("swiftc") is None
    assert "AZAUDIO_LIBRARY" not in os.environ
    library = Path(azaudio.library_path()).resolve()
    package = Path(azaudio.__file__).resolve().parent
    assert library.parent == package and package.parent.name == "site-packages", library


def test_the_wheels_realtime_events_go_through_its_compiled_bridge() -> None:
    from azaudio import _fast

    assert _fast.BRIDGE is not None
    assert Path(_fast.BRIDGE.__file__ or "").parent == Path(azaudio.__file__).parent


def test_libcurl_and_openssl_are_the_wheels_own(emulator: Emulator, rest: None) -> None:
    with azaudio.Client(emulator.endpoint, api_key=emulator.key) as client:
        assert client.speech("hello", deployment="tts", response_format="wav")[:4] == b"RIFF"
    mapped = _mapped()
    grafted = [p for p in mapped if "/azaudio.libs/" in p]
    assert any("/libcurl-" in p for p in grafted), mapped
    assert any("/libssl-" in p for p in grafted) and any("/libcrypto-" in p for p in grafted), mapped
    assert not any(Path(p).name.startswith("libcurl.so") for p in mapped), mapped


def test_a_realtime_turn_works_from_the_wheel(realtime_emulator: Emulator, realtime: None) -> None:
    with azaudio.Client(realtime_emulator.endpoint, api_key=realtime_emulator.key) as client:
        with client.realtime(deployment="gpt-realtime", turn_detection=None, text_only=True) as session:
            session.create_text_item("user", "hello")
            session.create_response()
            kinds = []
            for event in session.events(timeout=30):
                kinds.append(event.type)
                if event.type == EventType.RESPONSE_DONE:
                    session.close()
    assert EventType.TEXT_DELTA in kinds and kinds[-1] == EventType.CLOSED


def test_the_console_script_runs(emulator: Emulator, rest: None, tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "azaudio"
    env = dict(os.environ, AZURE_OPENAI_ENDPOINT=emulator.endpoint, AZURE_OPENAI_API_KEY=emulator.key)
    result = subprocess.run(
        [str(script), "speak", "hello", "-o", str(tmp_path / "hello.wav")], env=env, capture_output=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "hello.wav").read_bytes()[:4] == b"RIFF"


def test_the_readmes_say_which_glibc_the_installed_wheel_needs() -> None:
    from importlib import metadata

    wheel_file = metadata.distribution("azaudio").read_text("WHEEL") or ""
    tags = re.findall(r"^Tag: .*-manylinux_(\d+)_(\d+)_x86_64$", wheel_file, re.MULTILINE)
    assert tags, wheel_file
    floor = min((int(major), int(minor)) for major, minor in tags)
    tree = Path(__file__).resolve().parents[3]
    for readme in (tree / "README.md", tree / "bindings" / "python" / "README.md"):
        text = " ".join(readme.read_text().split())
        assert f"manylinux_{floor[0]}_{floor[1]}" in text and f"glibc {floor[0]}.{floor[1]} or newer" in text, readme
