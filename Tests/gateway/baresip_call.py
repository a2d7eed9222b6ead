"""baresip (a real user agent: its SDP, RTP and BYE) calls azaudio-gateway, and is called by it. Run by
scripts/test-gateway.sh inside a private network namespace (unshare -n) where baresip and the gateway have the
address 127.0.0.2 on a veth interface: baresip 1.0 will not use the loopback interface for media, and the tests
talk to 127.0.0.0/8 only. baresip plays speech from a WAV (aufile) and records what it receives (sndfile); the
emulator's recogniser must hear speech in it. Each test runs baresip with its own config directory in a temporary
folder. Prints "N passed, M failed"."""

from __future__ import annotations

import glob
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import wave

sys.path.insert(0, os.path.dirname(__file__))
import audio_tools  # noqa: E402
import gwlib  # noqa: E402
from azaudio_emulator.realtime import g711  # noqa: E402

check = gwlib.check
HOST = "127.0.0.2"

CONFIG = """poll_method epoll
sip_listen {host}:{sip_port}
audio_player aubridge,nil
audio_source aufile,{wav}
audio_alert aubridge,nil
audio_srate 8000
audio_channels 1
module_path /usr/lib/baresip/modules
module g711.so
module aufile.so
module aubridge.so
module sndfile.so
module menu.so
module account.so
module cons.so
cons_listen {host}:{cons_port}
snd_path {dir}
rtp_ports 26000-26100
"""


def baresip_dir(speech: str, lead_ms: int, tail_ms: int, account: str) -> tuple[str, int, int]:
    """A config directory for one baresip run: its config (aufile plays `speech` after `lead_ms` of silence,
    sndfile records into the directory, commands taken on a UDP console), its account line; returns the
    directory, baresip's SIP port and its console's port."""
    work = tempfile.mkdtemp(prefix="azaudio-gw-baresip.")
    wav = os.path.join(work, "speech.wav")
    with wave.open(wav, "wb") as w:  # baresip's aufile reads PCM16
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(g711.decode(audio_tools.speech_ulaw(speech, lead_ms=lead_ms, tail_ms=tail_ms), "ulaw"))
    port, cons_port = gwlib.free_port(), gwlib.free_port()
    with open(os.path.join(work, "config"), "w") as f:
        f.write(CONFIG.format(host=HOST, sip_port=port, cons_port=cons_port, wav=wav, dir=work))
    with open(os.path.join(work, "accounts"), "w") as f:
        f.write(account + "\n")
    return work, port, cons_port


def udp_port_taken(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.bind((host, port))
        except OSError:
            return True
    return False


def recorded_reply(work: str) -> str:
    """What the emulator's recogniser hears in the audio baresip received and recorded ("" if none)."""
    dumps = glob.glob(os.path.join(work, "dump-*-dec.wav"))
    if not dumps:
        return ""
    with wave.open(dumps[0]) as w:
        pcm = w.readframes(w.getnframes())
    return audio_tools.recognise_ulaw(g711.encode(pcm, "ulaw"))


def test_baresip_calls_the_gateway_and_hangs_up() -> None:
    work, _, _ = baresip_dir("what time is it", 300, 14000, f"<sip:caller@{HOST}>;regint=0;audio_codecs=PCMU")
    # The gateway on 127.0.0.2 as well: baresip's RTP socket is not bound to its address, and only a local
    # destination on 127.0.0.2 makes the kernel pick 127.0.0.2 (what its SDP says) as the source.
    gw = gwlib.Gateway(host=HOST)
    try:
        out = subprocess.run(
            ["baresip", "-4", "-f", work, "-n", "v0", "-e", f"/dial sip:agent@{HOST}:{gw.sip_port}", "-t", "14"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        ended = gw.wait_for(r"event=ended reason=(\S+) .*rtp_in=(\d+) .*rtp_foreign=(\d+)", 20)
        answered = gw.wait_for(r"event=answered .*remote=(\S+)", 1)
        check(
            answered is not None and answered.group(1).startswith(f"{HOST}:"),
            f"baresip's SDP address: {answered}; baresip said: {out.stdout[-800:]}",
        )
        check(ended is not None and ended.group(1) == "caller_bye", f"baresip's BYE: {ended or out.stdout[-800:]}")
        check(int(ended.group(2)) >= 100 and int(ended.group(3)) == 0, f"baresip's RTP: {ended.group(0)}")
        check(bool(gw.events("agent_said")), "the model heard nothing from baresip")
        heard = recorded_reply(work)
        check(len(heard.split()) >= 3, f"the reply baresip recorded is not speech: {heard!r}")
    finally:
        gw.stop()


def test_the_gateway_calls_baresip_which_answers_speaks_and_hangs_up() -> None:
    # baresip answers at once (answermode=auto) and takes A-law only (the gateway offers both laws; its session,
    # opened before the answer, is mu-law: the line is converted). It speaks after 6 s, once the agent's greeting
    # has played, and hangs up (BYE) when told to on its console, once the answer has played.
    work, port, cons_port = baresip_dir(
        "what is the weather like", 6000, 20000, f"<sip:callee@{HOST}>;regint=0;answermode=auto;audio_codecs=PCMA"
    )
    gw = gwlib.Gateway(host=HOST)
    baresip = subprocess.Popen(
        ["baresip", "-4", "-f", work, "-n", "v0", "-t", "90"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        # baresip is up once it holds its SIP port; then the call goes out through the status endpoint (POST /call).
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not udp_port_taken(HOST, port):
            time.sleep(0.1)
        check(udp_port_taken(HOST, port), f"baresip is not listening: {baresip.poll()}")
        req = urllib.request.Request(
            f"http://{gwlib.HOST}:{gw.http_port}/call", data=f"sip:callee@{HOST}:{port}".encode(), method="POST"
        )
        with urllib.request.urlopen(req, timeout=10) as r:
            check(r.status == 202, f"POST /call: {r.status}")
        answered = gw.wait_for(r"event=answered codec=(\S+) .*remote=(\S+)", 20)
        check(answered is not None, "baresip did not answer the gateway's INVITE")
        check(answered.group(1) == "PCMA", f"the line's codec: {answered.group(1)}")
        check(answered.group(2).startswith(f"{HOST}:"), f"baresip's SDP address: {answered.group(2)}")
        check(gw.wait_for(r'agent_said text="You said: \w+', 60) is not None, "baresip's speech was not answered")
        # The answer's transcript comes as its audio starts playing at the line's pace (about 3 s): then hang up.
        time.sleep(5)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as console:
            console.sendto(b"/hangup\n", (HOST, cons_port))
        ended = gw.wait_for(r"event=ended reason=(\S+) .*rtp_in=(\d+) .*rtp_foreign=(\d+)", 20)
        check(ended is not None, "the call did not end")
        check(ended.group(1) == "callee_bye", f"baresip's BYE: {ended.group(0)}")
        check(int(ended.group(2)) >= 100 and int(ended.group(3)) == 0, f"baresip's RTP: {ended.group(0)}")
        time.sleep(0.5)  # (baresip closes its recording as the call ends)
        heard = recorded_reply(work)
        check(len(heard.split()) >= 3, f"the greeting and reply baresip recorded are not speech: {heard!r}")
        # The emulator's reply repeats what it heard ("You said: what is the weather like"): baresip heard it.
        check("weather" in heard.lower(), f"baresip did not hear the answer to its question: {heard!r}")
    finally:
        gwlib.stop_process(baresip, 10)
        gw.stop()


if __name__ == "__main__":
    sys.exit(gwlib.run_tests(globals()))
