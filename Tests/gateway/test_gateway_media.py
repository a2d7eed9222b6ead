"""azaudio-gateway media and outbound calls, on loopback against the emulator (run by scripts/test-gateway.sh):
the adaptive playout delay following the caller's jitter, symmetric RTP latching, and calls the gateway places
(--call, POST /call) to a Python callee and to SIPp as the called party. Prints "N passed, M failed"."""

from __future__ import annotations

import heapq
import os
import random
import re
import socket
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
import audio_tools  # noqa: E402
import gwlib  # noqa: E402

WORK = tempfile.mkdtemp(prefix="azaudio-gw-media.")
check = gwlib.check


def jitter_state(line: str) -> dict:
    return {k: float(v) for k, v in re.findall(r"\b(jitter_ms|target_ms|delay_ms)=([\d.]+)", line)}


def send_with_jitter(dst_port: int, sock: socket.socket, phases: list, seed: int = 11) -> None:
    """Sends silence as 20 ms RTP packets for each (seconds, max_extra_delay_ms) phase: every packet leaves at its
    nominal time plus a random delay up to the phase's maximum (so later packets may overtake earlier ones)."""
    rnd = random.Random(seed)
    stream = gwlib.RtpStream(seed)
    schedule: list = []
    t = 0.0
    i = 0
    for seconds, max_ms in phases:
        for _ in range(int(seconds / 0.02)):
            pkt = gwlib.rtp_packet(stream.seq + i, stream.ts + 160 * i, stream.ssrc, b"\xff" * 160)
            heapq.heappush(schedule, (t + rnd.uniform(0, max_ms / 1000), i, pkt))
            t += 0.02
            i += 1
    start = time.monotonic()
    while schedule:
        due, _, pkt = heapq.heappop(schedule)
        time.sleep(max(0.0, start + due - time.monotonic()))
        sock.sendto(pkt, (gwlib.HOST, dst_port))


def test_the_playout_delay_follows_the_callers_jitter_up_and_back_down() -> None:
    with gwlib.answered_call() as (gw, rec, caller):
        # 3 s steady, 6 s with up to 120 ms of jitter, 8 s steady again.
        send_with_jitter(caller.remote_rtp, rec.sock, [(3, 0)])
        calm = [jitter_state(x) for x in gw.events("jitter")]
        check(calm and calm[-1]["target_ms"] <= 40, f"steady line: {calm}")
        mark = len(gw.events("jitter"))
        send_with_jitter(caller.remote_rtp, rec.sock, [(6, 120)], seed=12)
        rough = [jitter_state(x) for x in gw.events("jitter")[mark:]]
        check(any(s["jitter_ms"] >= 15 for s in rough), f"the jitter was not seen: {rough}")
        check(any(s["target_ms"] >= 80 for s in rough), f"the target did not grow with the jitter: {rough}")
        check(any(s["delay_ms"] >= 60 for s in rough), f"the delay did not follow the target up: {rough}")
        send_with_jitter(caller.remote_rtp, rec.sock, [(8, 0)], seed=13)
        check(caller.bye() == 200, "BYE")
        ended = gw.wait_for(r"event=ended .*", 10)
        check(ended is not None, "no ended line")
        end = jitter_state(ended.group(0).replace("jb_target_ms", "target_ms").replace("jb_delay_ms", "delay_ms"))
        check(end["target_ms"] <= 40, f"the target did not come back down: {ended.group(0)}")
        check(end["delay_ms"] <= 60, f"the delay did not shrink back: {ended.group(0)}")
        skipped = re.search(r"jb_skipped=(\d+)", ended.group(0))
        check(skipped is not None and int(skipped.group(1)) >= 1, f"no silent frame was skipped: {ended.group(0)}")


def test_reply_rtp_latches_to_the_address_the_callers_rtp_comes_from() -> None:
    gw = gwlib.Gateway()
    announced = gwlib.RtpRecorder()  # the port in the caller's SDP
    actual = gwlib.RtpRecorder()  # where the caller's RTP really leaves from (a NAT's mapping, say)
    caller = gwlib.SipCaller(gw.sip_port, announced.port)
    try:
        check(caller.invite()[0] == 200, "call")
        deadline = time.monotonic() + 10
        while len(announced.packets) < 5 and time.monotonic() < deadline:
            time.sleep(0.05)
        check(len(announced.packets) >= 5, "before any RTP came in, the reply did not go to the SDP's port")
        gwlib.send_rtp(caller.remote_rtp, b"\xff" * 160 * 25, src_sock=actual.sock)
        check(
            gw.wait_for(rf"event=rtp_latched from=127\.0\.0\.1:{actual.port} ", 5) is not None,
            "no rtp_latched line naming the real source",
        )
        time.sleep(0.3)
        before = len(announced.packets), len(actual.packets)
        time.sleep(1.0)
        after = len(announced.packets), len(actual.packets)
        check(after[0] == before[0], f"RTP still went to the SDP's port after latching: {before} -> {after}")
        check(after[1] - before[1] >= 30, f"too little RTP at the latched address: {before} -> {after}")
        check(caller.bye() == 200, "BYE")
        check(gw.wait_for(r"event=ended .*latched=1", 10) is not None, "the ended line does not say latched=1")
    finally:
        caller.close()
        announced.close()
        actual.close()
        check(gw.stop() == 0, "gateway exit status")


def test_a_call_placed_with_the_call_flag_has_audio_both_ways_and_ends_by_the_callees_bye() -> None:
    rec = gwlib.RtpRecorder()
    callee = gwlib.SipCallee(rec.port)
    gw = gwlib.Gateway("--call", f"sip:callee@127.0.0.1:{callee.port}")
    try:
        check(callee.answer(30), "the gateway's INVITE was not answered")
        check("PCMU" in callee.offer and "telephone-event" in callee.offer, f"offer: {callee.offer!r}")
        check(gw.wait_for(r"event=answered codec=PCMU", 10) is not None, "no answered line")
        # The agent speaks first: its greeting reaches the callee.
        check(gw.wait_for(r"event=agent_said", 60) is not None, "no greeting")
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if sum(audio_tools.rms_dbfs_ulaw(p[4]) > -45 for p in rec.packets) >= 10:
                break
            time.sleep(0.1)
        check(sum(audio_tools.rms_dbfs_ulaw(p[4]) > -45 for p in rec.packets) >= 10, "the greeting was not heard")
        ulaw = audio_tools.speech_ulaw("what is the weather like", tail_ms=1500)
        gwlib.send_rtp(callee.remote_rtp, ulaw, src_sock=rec.sock)
        check(gw.wait_for(r'agent_said text="You said: \w+', 90) is not None, "the callee's speech was not answered")
        check(callee.bye() == 200, "the callee's BYE was not answered 200")
        check(gw.wait_for(r"event=ended reason=callee_bye", 10) is not None, "no ended line for the callee's BYE")
    finally:
        callee.close()
        rec.close()
        check(gw.stop() == 0, "gateway exit status")


def post_call(gw: gwlib.Gateway, body: str) -> tuple[int, str]:
    req = urllib.request.Request(f"http://{gwlib.HOST}:{gw.http_port}/call", data=body.encode(), method="POST")
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def test_a_call_placed_by_http_post_reaches_sipp_as_the_called_party() -> None:
    wav = os.path.join(WORK, "callee.wav")
    ulaw = audio_tools.speech_ulaw("good morning to you", tail_ms=1500)
    audio_tools.write_ulaw_wav(wav, ulaw)
    gw = gwlib.Gateway()
    port = gwlib.free_port()
    result: dict = {}
    subst = {"CALLEE_WAV": wav, "HOLD_MS": len(ulaw) // 8 + 15000}
    sipp = threading.Thread(
        target=lambda: result.update(rc=gwlib.sipp("uas.xml", gw.sip_port, subst, workdir=WORK, port=port))
    )
    try:
        check(post_call(gw, "not a uri")[0] == 400, "a bad URI was not refused with 400")
        sipp.start()
        time.sleep(1.0)  # SIPp listening
        status, body = post_call(gw, f"sip:callee@127.0.0.1:{port}")
        check(status == 202 and '"call"' in body, f"POST /call: {status} {body}")
        check(gw.status()["calls_placed"] == 1, f"status after POST /call: {gw.status()}")
        check(gw.wait_for(r"event=answered codec=PCMU", 30) is not None, "SIPp did not take the call")
        check(gw.wait_for(r'agent_said text="You said: \w+', 90) is not None, "SIPp's speech was not answered")
        sipp.join(timeout=120)
        rc, out = result.get("rc", (None, "SIPp did not finish"))
        check(rc == 0, f"SIPp callee failed ({rc}): {out}")
        ended = gw.wait_for(r"event=ended reason=callee_bye .*rtp_out=(\d+)", 10)
        check(ended is not None and int(ended.group(1)) >= 100, "no BYE from SIPp, or no RTP sent to it")
    finally:
        sipp.join(timeout=5)
        check(gw.stop() == 0, "gateway exit status")


if __name__ == "__main__":
    sys.exit(gwlib.run_tests(dict(globals())))
