"""azaudio-gateway's operations around calls, on loopback against the emulator (run by scripts/test-gateway.sh inside
azaudio-emulator-run): the tools (hang_up, transfer), registration, memory under valgrind, scale-out behind
Kamailio, and the command line. Prints "N passed, M failed"."""

from __future__ import annotations

import os
import re
import socket
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
import audio_tools  # noqa: E402
import gwlib  # noqa: E402

check = gwlib.check
WORK = tempfile.mkdtemp(prefix="azaudio-gw-test.")


def tools_file(*names: str) -> str:
    tools = [
        {
            "type": "function",
            "name": n,
            "description": f"{n} the call",
            "parameters": {
                "type": "object",
                "properties": {"target": {"type": "string"}},
                "required": ["target"] if n == "transfer" else [],
            },
        }
        for n in names
    ]
    path = os.path.join(WORK, "-".join(names) + ".json")
    with open(path, "w") as f:
        import json

        json.dump(tools, f)
    return path


def test_the_hang_up_tool_ends_the_call_with_a_bye() -> None:
    tools = ("--tools", tools_file("hang_up"), "--tool-choice", "required")
    with gwlib.answered_call(*tools) as (gw, rec, caller):
        gwlib.send_digit(caller.remote_rtp, rec.sock, 9, gwlib.RtpStream(9))  # a response, which must call hang_up
        check(gw.wait_for(r"event=tool name=hang_up", 30) is not None, "the model did not call hang_up")
        check(caller.wait_request("BYE", 15) is not None, "no BYE from the gateway")
        check(gw.wait_for(r"event=ended reason=agent_hang_up", 10) is not None, "end reason")


def test_the_transfer_tool_sends_refer_with_the_target_then_hangs_up() -> None:
    tools = ("--tools", tools_file("transfer"), "--tool-choice", "required")
    with gwlib.answered_call(*tools) as (gw, rec, caller):
        gwlib.send_digit(caller.remote_rtp, rec.sock, 0, gwlib.RtpStream(8))
        refer = caller.wait_request("REFER", 30)
        check(refer is not None, "no REFER")
        # The emulated model fills a required string argument with "emulator".
        check(any(ln.lower().startswith("refer-to:") and "emulator" in ln for ln in refer), f"Refer-To: {refer}")
        check(caller.wait_request("BYE", 15) is not None, "no BYE after the transfer")


def test_register_answers_the_registrars_digest_challenge() -> None:
    import hashlib

    registrar = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    registrar.bind(("127.0.0.1", 0))
    registrar.settimeout(10)
    port = registrar.getsockname()[1]
    gw = gwlib.Gateway("--register", f"sip:127.0.0.1:{port}", "--user", "alice", "--password", "secret")
    try:

        def answer(req: str, src: tuple, status: str, extra: str = "") -> None:
            names = ("via", "from", "to", "call-id", "cseq")
            keep = [ln for ln in req.split("\r\n")[1:] if ln.split(":")[0].lower() in names]
            registrar.sendto(
                (
                    "SIP/2.0 " + status + "\r\n" + "\r\n".join(keep) + "\r\n" + extra + "Content-Length: 0\r\n\r\n"
                ).encode(),
                src,
            )

        data, src = registrar.recvfrom(65535)
        first = data.decode()
        check(first.startswith("REGISTER sip:127.0.0.1"), f"not a REGISTER: {first[:60]!r}")
        challenge = 'WWW-Authenticate: Digest realm="test", nonce="abc123", algorithm=MD5\r\n'
        answer(first, src, "401 Unauthorized", challenge)
        data, src = registrar.recvfrom(65535)
        second = data.decode()
        auth = re.search(r"Authorization: Digest (.*)", second)
        check(auth is not None, "second REGISTER without Authorization")
        fields = dict(re.findall(r'(\w+)="?([^",]*)"?', auth.group(1)))
        ha1 = hashlib.md5(b"alice:test:secret").hexdigest()
        ha2 = hashlib.md5(f"REGISTER:{fields['uri']}".encode()).hexdigest()
        expected = hashlib.md5(f"{ha1}:abc123:{ha2}".encode()).hexdigest()
        if "qop" in fields:
            expected = hashlib.md5(f"{ha1}:abc123:{fields['nc']}:{fields['cnonce']}:auth:{ha2}".encode()).hexdigest()
        check(fields.get("username") == "alice" and fields.get("response") == expected, f"digest: {fields}")
        answer(second, src, "200 OK", f"Contact: <sip:azaudio@127.0.0.1:{gw.sip_port}>;expires=600\r\n")
        check(gw.wait_for(r"event=register status=200", 10) is not None, "registration not reported")
    finally:
        registrar.close()
        gw.stop()


def test_a_call_and_a_refusal_under_valgrind_show_no_memory_errors_or_leaks() -> None:
    libdir = os.environ.get("GW_VALGRIND_LIBDIR")
    if not libdir:
        print("     (skipped: GW_VALGRIND_LIBDIR unset; scripts/test-gateway.sh sets it)")
        return
    wrapper = [
        "valgrind",
        "--quiet",
        "--leak-check=full",
        "--show-possibly-lost=no",
        "--errors-for-leak-kinds=definite,indirect",
        "--error-exitcode=99",
    ]
    gw = gwlib.Gateway(wrapper=wrapper, env=dict(os.environ, LD_LIBRARY_PATH=libdir))
    rec = gwlib.RtpRecorder()
    caller = gwlib.SipCaller(gw.sip_port, rec.port)
    try:
        rc, out = gwlib.sipp("reject.xml", gw.sip_port, {"CODECS": "3", "STATUS": 488}, workdir=WORK)
        check(rc == 0, f"488 under valgrind: {out}")
        check(caller.invite(60)[0] == 200, "call under valgrind")
        gwlib.send_rtp(caller.remote_rtp, audio_tools.speech_ulaw("hello there", tail_ms=1500), src_sock=rec.sock)
        check(gw.wait_for(r"event=agent_said", 90) is not None, "no reply under valgrind")
        check(caller.bye() == 200, "BYE under valgrind")
        check(gw.wait_for(r"event=ended", 30) is not None, "call not ended")
    finally:
        caller.close()
        rec.close()
        code = gw.stop()
    errors = [ln for ln in gw.lines if ln.startswith("==")]
    check(code == 0, f"valgrind exit {code}: " + "\n".join(errors[-40:]))


def test_kamailio_spreads_calls_over_two_gateways_and_moves_to_the_other_when_one_stops() -> None:
    import shutil
    import subprocess

    if not shutil.which("kamailio"):
        print("     (skipped: kamailio is not installed)")
        return
    gws = [gwlib.Gateway(), gwlib.Gateway()]
    rundir = tempfile.mkdtemp(prefix="kam.", dir=WORK)
    listing = os.path.join(rundir, "gateways.list")
    with open(listing, "w") as f:
        f.write("".join(f"1 sip:127.0.0.1:{g.sip_port}\n" for g in gws))
    kport = gwlib.free_port()
    cfg = os.path.join(gwlib.ROOT, "gateway", "kamailio", "kamailio.cfg")
    klog = open(os.path.join(rundir, "kamailio.log"), "w")
    kam = subprocess.Popen(
        [
            "kamailio",
            "-f",
            cfg,
            "-DD",
            "-E",
            "-l",
            f"udp:127.0.0.1:{kport}",
            "-w",
            rundir,
            "-m",
            "32",
            "-M",
            "4",
            "-A",
            f'DISPATCHER_LIST="{listing}"',
            "-A",
            f'RUNDIR="{rundir}"',
            "-A",
            "DS_PING_S=1",
        ],
        stdout=klog,
        stderr=subprocess.STDOUT,
    )
    rtp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rtp.bind(("127.0.0.1", 0))

    def place_call() -> None:
        caller = gwlib.SipCaller(kport, rtp.getsockname()[1])
        try:
            status, _ = caller.invite(15)
            check(status == 200, f"call through Kamailio: {status}")
            check(caller.bye() == 200, "BYE to the gateway that answered")
        finally:
            caller.close()

    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:  # Kamailio up: it answers OPTIONS itself
            probe = gwlib.SipCaller(kport, 9)
            probe.sock.sendto(
                (
                    f"OPTIONS sip:127.0.0.1:{kport} SIP/2.0\r\n"
                    + probe._headers("OPTIONS", 1, "opt")
                    + "Content-Length: 0\r\n\r\n"
                ).encode(),
                ("127.0.0.1", kport),
            )  # noqa: SLF001
            up = probe._recv(0.5)  # noqa: SLF001
            probe.close()
            if up:
                break
        for _ in range(4):
            place_call()
        answered = [g.status()["calls_answered"] for g in gws]
        check(sum(answered) == 4 and min(answered) >= 1, f"calls per gateway: {answered}")
        check(gws[0].stop() == 0, "first gateway's exit status")
        for _ in range(3):
            place_call()
        check(gws[1].status()["calls_answered"] == answered[1] + 3, "new calls did not all go to the other gateway")
    finally:
        gwlib.stop_process(kam, 15)
        klog.close()
        rtp.close()
        for g in gws:
            g.stop()


def test_bad_command_lines_exit_with_a_message() -> None:
    import subprocess

    cases = [
        ([], 2, "--sip-listen"),
        (["--sip-listen", "127.0.0.1"], 2, "HOST:PORT"),
        (["--sip-listen", "127.0.0.1:5060", "--deployment", "x", "--max-calls", "0"], 2, "--max-calls"),
        (["--sip-listen", "127.0.0.1:5060", "--deployment", "x", "--tools", "/nonexistent.json"], 1, "--tools"),
        (["--sip-listen", "127.0.0.1:5060", "--deployment", "x", "--bogus", "1"], 2, "--bogus"),
        (["--sip-listen", "127.0.0.1:5060", "--deployment", "x", "--call", "tel:+123"], 2, "--call"),
        (["--sip-listen", "127.0.0.1:5060", "--deployment", "x", "--reconnect-attempts", "101"], 2, "--reconnect"),
        (["--sip-listen", "127.0.0.1:5060", "--deployment", "x", "--renewal-margin-ms", "-1"], 2, "--renewal"),
        (["--sip-listen", "127.0.0.1:5060", "--deployment", "x", "--jitter-ms", "200-20"], 2, "--jitter-ms"),
    ]
    for args, code, word in cases:
        p = subprocess.run([gwlib.GATEWAY, *args], capture_output=True, text=True, timeout=10)
        check(p.returncode == code, f"{args}: exit {p.returncode}, expected {code}")
        check(word in p.stderr, f"{args}: message does not name {word}: {p.stderr}")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AZURE_OPENAI")}
    p = subprocess.run(
        [gwlib.GATEWAY, "--sip-listen", "127.0.0.1:5060", "--deployment", "x"],
        env=env,
        capture_output=True,
        text=True,
        timeout=10,
    )
    check(p.returncode == 1 and "AZURE_OPENAI_ENDPOINT" in p.stderr, f"no endpoint: {p.returncode} {p.stderr}")


def main() -> int:
    return gwlib.run_tests(globals())


if __name__ == "__main__":
    sys.exit(main())
