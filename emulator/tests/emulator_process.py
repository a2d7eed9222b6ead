"""Start the real ``azaudio-emulator`` command as a child process."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

LISTENING = re.compile(r"^azaudio-emulator listening on (https?)://127\.0\.0\.1:(\d+)$")
COMMAND = str(Path(sys.executable).parent / "azaudio-emulator")


class EmulatorProcess:
    """``azaudio-emulator --port 0 ARGS`` running until `stop`."""

    def __init__(self, *args: str) -> None:
        self.stderr = tempfile.TemporaryFile(mode="w+")
        self.process = subprocess.Popen(
            [COMMAND, "--port", "0", *args], stdout=subprocess.PIPE, stderr=self.stderr, text=True
        )
        self.first_line = self.process.stdout.readline().rstrip("\n")
        match = LISTENING.match(self.first_line)
        if match is None:
            self.stop()
            raise RuntimeError(f"emulator did not start: {self.first_line!r} {self.errors()}")
        self.scheme, self.port = match.group(1), int(match.group(2))
        self.base_url = f"{self.scheme}://127.0.0.1:{self.port}"

    def stop(self) -> tuple[int, str]:
        """Stop with SIGTERM; return the exit status and the rest of stdout."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        rest, _ = self.process.communicate(timeout=15)
        return self.process.returncode, rest

    def errors(self) -> str:
        """What the emulator wrote on stderr so far."""
        self.stderr.seek(0)
        return self.stderr.read()

    def __enter__(self) -> "EmulatorProcess":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
