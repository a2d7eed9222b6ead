"""Shared fixtures: the source tree, a local emulator, REST availability."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, Iterator

import azaudio
import pytest

PACKAGE_DIR = Path(__file__).resolve().parent.parent
REPO = PACKAGE_DIR.parent.parent
EMULATOR_KEY = "emulator-key"


def emulator_command() -> list[str]:
    given = os.environ.get("AZAUDIO_EMULATOR")
    if given:
        return [given]
    return [str(REPO / "emulator" / ".venv" / "bin" / "azaudio-emulator")]


class Emulator:
    def __init__(self, process: "subprocess.Popen[str]", endpoint: str) -> None:
        self.process = process
        self.endpoint = endpoint
        self.key = EMULATOR_KEY

    @property
    def port(self) -> int:
        return int(self.endpoint.rsplit(":", 1)[1])


def _start_emulator(*extra: str) -> Iterator[Emulator]:
    """Run an emulator on a free port (emulator/.venv, or AZAUDIO_EMULATOR) with ``extra`` options."""
    command = emulator_command()
    if not Path(command[0]).exists():
        if os.environ.get("AZAUDIO_REQUIRE_EMULATOR"):
            pytest.fail(f"the emulator is not installed ({command[0]}): run `make -C emulator venv` at the top")
        pytest.skip(f"the emulator is not installed ({command[0]}): run `make -C emulator venv` at the top")
    process = subprocess.Popen(
        command + ["--port", "0", *extra], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    assert process.stdout is not None
    deadline = time.monotonic() + 60
    endpoint = None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        match = re.search(r"listening on (http://127\.0\.0\.1:\d+)", line)
        if match:
            endpoint = match.group(1)
            break
    if endpoint is None:
        process.kill()
        pytest.fail("the emulator did not start")
    try:
        yield Emulator(process, endpoint)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="session")
def emulator() -> Iterator[Emulator]:
    """A local emulator on a free port (emulator/.venv, or AZAUDIO_EMULATOR)."""
    yield from _start_emulator()


#: How many times faster than real time the realtime emulator paces its reply audio.
REALTIME_SPEED = 40


@pytest.fixture(scope="session")
def realtime_emulator() -> Iterator[Emulator]:
    """An emulator whose realtime replies are paced REALTIME_SPEED times faster than real time (--speed)."""
    yield from _start_emulator("--speed", str(REALTIME_SPEED))


@pytest.fixture(scope="session")
def realtime() -> None:
    """Skip unless the loaded library has the realtime session API."""
    if not azaudio.has_feature("realtime"):
        pytest.skip(f"the loaded libazaudio ({azaudio.library_path()}) has no realtime API")


@pytest.fixture(scope="session")
def rest() -> None:
    """Skip unless the loaded library has the REST API."""
    if not azaudio.has_feature("rest"):
        pytest.skip(f"the loaded libazaudio ({azaudio.library_path()}) has no REST API yet")


@pytest.fixture
def client(emulator: Emulator) -> Iterator[azaudio.Client]:
    with azaudio.Client(emulator.endpoint, api_key=emulator.key) as c:
        yield c


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in (
        "AZURE_OPENAI_ENDPOINT",
        "AZURE_OPENAI_API_KEY",
        "AZURE_OPENAI_AD_TOKEN",
        "OPENAI_API_VERSION",
        "AZURE_OPENAI_DEPLOYMENT",
    ):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def run_cli(
    *args: str, env: "dict[str, str] | None" = None, input: "bytes | None" = None, timeout: float = 120
) -> "subprocess.CompletedProcess[bytes]":
    """Run `python -m azaudio ARGS` in a clean environment (plus `env`)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_OPENAI_", "OPENAI_"))}
    base["PYTHONPATH"] = os.pathsep.join([str(PACKAGE_DIR)] + [p for p in sys.path if p])
    base["AZAUDIO_LIBRARY"] = azaudio.library_path()
    base.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "azaudio", *args], env=base, input=input, capture_output=True, timeout=timeout
    )


def run_cli_in_terminal(emulator: Emulator, *args: str) -> str:
    """Run the CLI under script(1), so that its stdout and stderr are a terminal; returns what the terminal got."""
    import shlex

    script = "/usr/bin/script"
    if not Path(script).exists():
        pytest.skip("no script(1) to give the command a terminal")
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_OPENAI_", "OPENAI_"))}
    environment.update(
        PYTHONPATH=os.pathsep.join([str(PACKAGE_DIR)] + [p for p in sys.path if p]),
        AZAUDIO_LIBRARY=azaudio.library_path(),
        AZURE_OPENAI_ENDPOINT=emulator.endpoint,
        AZURE_OPENAI_API_KEY=emulator.key,
    )
    command = shlex.join([sys.executable, "-m", "azaudio", *args])
    result = subprocess.run(
        [script, "-qec", command, "/dev/null"],
        env=environment,
        capture_output=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    text = result.stdout.decode(errors="replace")
    assert result.returncode == 0, text
    return text


def emulator_faults(emulator: Emulator, method: str, body: "dict[str, object] | None" = None) -> None:
    """Add (POST body) or clear (DELETE) the emulator's injected faults."""
    import json
    import urllib.request

    request = urllib.request.Request(
        emulator.endpoint + "/_emulator/faults",
        method=method,
        data=json.dumps(body).encode() if body else None,
        headers={"content-type": "application/json"},
    )
    urllib.request.urlopen(request, timeout=10).close()


@pytest.fixture
def ctrl_c() -> Iterator[None]:
    """For a test that interrupts itself with _thread.interrupt_main(): Python's KeyboardInterrupt handler is in
    place for the test. A shell that runs make test in the background (nohup, `&`) starts Python with SIGINT
    ignored, Python then installs no handler, and interrupt_main() does nothing: such a test waited forever for a
    Ctrl-C that never came (a realtime wait without timeout hung a full run)."""
    previous = signal.getsignal(signal.SIGINT)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def sigint_as_default() -> None:
    """preexec_fn for a child that a test interrupts with SIGINT: a shell that runs make test in the background
    (nohup, `&`) starts it with SIGINT ignored, and Python then installs no KeyboardInterrupt handler, so the
    child would never see the signal. The child gets the default disposition back before it starts."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


# ---- realtime sessions -------------------------------------------------------------------------------------------


@pytest.fixture
def rt(realtime_emulator: Emulator) -> Iterator[azaudio.Client]:
    """A client of the realtime emulator."""
    with azaudio.Client(realtime_emulator.endpoint, api_key=realtime_emulator.key) as c:
        yield c


@pytest.fixture
def realtime_faults(realtime_emulator: Emulator) -> "Iterator[Callable[..., None]]":
    """Adds a fault to the realtime emulator: realtime_faults(kind=..., ...); cleared after the test."""

    def add(**fault: object) -> None:
        emulator_faults(realtime_emulator, "POST", fault)

    yield add
    emulator_faults(realtime_emulator, "DELETE")


def until_event(
    session: azaudio.RealtimeSession, kind: azaudio.EventType, seconds: float = 30
) -> "list[azaudio.RealtimeEvent]":
    """Every event of a pull session up to and including the first of ``kind``; fails on CLOSED or after
    ``seconds``."""
    seen: list[azaudio.RealtimeEvent] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        event = session.next_event(timeout=0.5)
        if event is None:
            continue
        seen.append(event)
        if event.type == kind:
            return seen
        assert event.type != azaudio.EventType.CLOSED, f"closed while waiting for {kind.name}: {seen[-3:]}"
    pytest.fail(f"no {kind.name} within {seconds} s; got {[e.name for e in seen]}")


def count_events(events: "list[azaudio.RealtimeEvent]", kind: azaudio.EventType) -> int:
    return sum(1 for e in events if e.type == kind)
