"""baresip (a real user agent: its SDP, RTP and BYE) calls azaudio-gateway. Run by scripts/test-gateway.sh inside
a private network namespace (unshare -n) where baresip and the gateway have the address 127.0.0.2 on a veth
interface: baresip
1.0 will not use the loopback interface for media, and the tests talk to 127.0.0.0/8 only. baresip plays speech
from a WAV (aufile) and records what it receives (sndfile); the emulator's recogniser must hear speech in it.
Prints "N passed, M failed"."""

from __future__ import annotations

import glob
import os
import subprocess
import sys
import tempfile
import wave

sys.path.insert(0, os.path.dirname(__file__))
import audio_tools  # noqa: E402
import gwlib  # noqa: E402
from azaudio_emulator.realtime import g711  # noqa: E402

CONFIG = """poll_method epoll
sip_listen 127.0.0.2:{sip_port}
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
snd_path {dir}
rtp_ports 26000-26100
"""


def main() -> int:
    work = tempfile.mkdtemp(prefix="azaudio-gw-baresip.")
    wav = os.path.join(work, "caller.wav")
    with wave.open(wav, "wb") as w:  # baresip's aufile reads PCM16
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(g711.decode(audio_tools.speech_ulaw("what time is it", tail_ms=14000), "ulaw"))
    with open(os.path.join(work, "config"), "w") as f:
        f.write(CONFIG.format(sip_port=gwlib.free_port(), wav=wav, dir=work))
    with open(os.path.join(work, "accounts"), "w") as f:
        f.write("<sip:caller@127.0.0.2>;regint=0;audio_codecs=PCMU\n")
    # The gateway on 127.0.0.2 as well: baresip's RTP socket is not bound to its address, and only a local
    # destination on 127.0.0.2 makes the kernel pick 127.0.0.2 (what its SDP says) as the source.
    gw = gwlib.Gateway(host="127.0.0.2")
    failures = []
    try:
        out = subprocess.run(
            ["baresip", "-4", "-f", work, "-n", "v0", "-e", f"/dial sip:agent@127.0.0.2:{gw.sip_port}", "-t", "14"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        ended = gw.wait_for(r"event=ended reason=(\S+) .*rtp_in=(\d+) .*rtp_foreign=(\d+)", 20)
        answered = gw.wait_for(r"event=answered .*remote=(\S+)", 1)
        said = gw.events("agent_said")
        if not answered or not answered.group(1).startswith("127.0.0.2:"):
            failures.append(f"baresip's SDP address: {answered.group(1) if answered else None}")
        if not ended or ended.group(1) != "caller_bye":
            failures.append(f"baresip's BYE: {ended.group(0) if ended else out.stdout[-800:]}")
        elif int(ended.group(2)) < 100 or int(ended.group(3)) != 0:
            failures.append(f"baresip's RTP: {ended.group(0)}")
        if not said:
            failures.append("the model heard nothing from baresip")
        dumps = glob.glob(os.path.join(work, "dump-*-dec.wav"))
        if not dumps:
            failures.append("baresip recorded nothing")
        else:
            with wave.open(dumps[0]) as w:
                pcm = w.readframes(w.getnframes())
            heard = audio_tools.recognise_ulaw(g711.encode(pcm, "ulaw"))
            if len(heard.split()) < 3:
                failures.append(f"the reply baresip recorded is not speech: {heard!r}")
    finally:
        gw.stop()
    for f in failures:
        print("FAIL", f)
    print(f"{0 if failures else 1} passed, {1 if failures else 0} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
