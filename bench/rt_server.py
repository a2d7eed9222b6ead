"""The C echo server (bench/realtime_server) as the issue-18 benchmarks start it: their own instance with a fault
(--reset-after), made-up turns (--items-every) or TLS (--tls), tied to a pipe so it cannot outlive the harness."""

from __future__ import annotations

import json
import re
import signal
import subprocess
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / "build" / "bench"
TLS_DIR = ROOT / "build" / "tls"


def test_ca() -> Path:
    """The throwaway CA and server certificate (scripts/make-test-ca.sh; reused while valid)."""
    subprocess.run([str(ROOT / "scripts" / "make-test-ca.sh"), str(TLS_DIR)], check=True)
    return TLS_DIR / "ca.pem"


def last_json(text: str) -> Optional[dict]:
    """The last line of `text` that is a JSON object (the bench programs print their result last)."""
    for line in reversed(text.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                return json.loads(line)
            except json.JSONDecodeError:
                return None
    return None


class EchoServer:
    def __init__(self, *args: str, tls: bool = False) -> None:
        cmd = [str(BIN / "rt_echo_server"), *args]
        self.ca: Optional[Path] = None
        if tls:
            self.ca = test_ca()
            cmd += ["--tls", str(TLS_DIR / "server.pem"), str(TLS_DIR / "server.key")]
        self.p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        m = re.search(r"listening on (https?://\S+)", self.p.stdout.readline())
        if not m:
            self.p.kill()
            raise SystemExit(f"bench: {' '.join(cmd)} did not start")
        self.url = m.group(1)

    @property
    def pid(self) -> int:
        return self.p.pid

    def client_args(self) -> list:
        """bench_realtime / bare_loop arguments that reach this server."""
        return ["--url", self.url, "--server-pid", str(self.pid)] + (["--ca", str(self.ca)] if self.ca else [])

    def stats(self) -> Optional[dict]:
        """The server's counters now (SIGUSR1)."""
        self.p.send_signal(signal.SIGUSR1)
        return last_json(self.p.stdout.readline())

    def stop(self) -> Optional[dict]:
        try:
            self.p.stdin.close()
            final = last_json(self.p.stdout.read())
            self.p.wait(5)
            return final
        except Exception:
            self.p.kill()
            return None
