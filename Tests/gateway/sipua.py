"""Minimal SIP user agents over UDP for the gateway tests: a caller (for the cases SIPp cannot script: RTP sent by
the test itself) and a called party (for calls the gateway places)."""

from __future__ import annotations

import re
import socket
import time
import uuid

HOST = "127.0.0.1"


def recv_sip(sock: socket.socket, timeout: float) -> tuple[list[str], str, tuple] | None:
    """One SIP message from a socket with a short timeout set: (start line and header lines, body, source)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            data, src = sock.recvfrom(65535)
        except socket.timeout:
            continue
        head, _, body = data.decode(errors="replace").partition("\r\n\r\n")
        return head.split("\r\n"), body, src
    return None


def sip_headers(lines: list[str]) -> dict:
    """The header lines as a dict (lower-case names, the first of each)."""
    hdrs: dict = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        hdrs.setdefault(k.strip().lower(), v.strip())
    return hdrs


class SipCaller:
    """A minimal SIP user agent client over UDP: INVITE with an SDP offer, ACK, BYE. Enough for tests that send
    their own RTP (jitter, loss, barge-in) and read headers of the answers."""

    def __init__(self, gw_port: int, rtp_port: int, codecs: str = "0 101") -> None:
        self.gw = (HOST, gw_port)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((HOST, 0))
        self.sock.settimeout(0.5)
        self.port = self.sock.getsockname()[1]
        self.callid = uuid.uuid4().hex
        self.tag = uuid.uuid4().hex[:10]
        self.rtp_port = rtp_port
        self.codecs = codecs
        self.to_tag = ""
        self.remote_rtp: int | None = None
        self.cseq = 1
        self.branch = ""
        self.requests: list[list[str]] = []  # requests from the gateway (BYE, REFER), each as its header lines
        self.target = self.gw  # where in-dialog requests go: the Contact of the 200 (past any proxy)
        self.ruri = f"sip:agent@{HOST}:{gw_port}"

    def _headers(self, method: str, cseq: int, branch: str) -> str:
        to = f"<sip:agent@{HOST}:{self.gw[1]}>" + (f";tag={self.to_tag}" if self.to_tag else "")
        return (
            f"Via: SIP/2.0/UDP {HOST}:{self.port};branch=z9hG4bK{branch};rport\r\n"
            f"From: <sip:caller@{HOST}:{self.port}>;tag={self.tag}\r\nTo: {to}\r\n"
            f"Call-ID: {self.callid}\r\nCSeq: {cseq} {method}\r\nContact: <sip:caller@{HOST}:{self.port}>\r\n"
            f"Max-Forwards: 70\r\n"
        )

    def _recv(self, timeout: float) -> tuple[int, dict, str] | None:
        deadline = time.monotonic() + timeout
        while True:
            got = recv_sip(self.sock, deadline - time.monotonic())
            if got is None:
                return None
            lines, body, src = got
            if not lines[0].startswith("SIP/2.0 "):
                self._answer_request(lines, src)
                continue
            return int(lines[0].split()[1]), sip_headers(lines), body

    def _answer_request(self, lines: list[str], src: tuple) -> None:
        """A request from the gateway (its BYE): 200 OK with the request's own headers."""
        keep = [ln for ln in lines[1:] if ln.split(":")[0].strip().lower() in ("via", "from", "to", "call-id", "cseq")]
        self.sock.sendto(("SIP/2.0 200 OK\r\n" + "\r\n".join(keep) + "\r\nContent-Length: 0\r\n\r\n").encode(), src)
        self.requests.append(lines)

    def send_invite(self, direction: str = "sendrecv", cseq: int = 1) -> None:
        """Sends an INVITE (a re-INVITE in the dialog when cseq > 1) with an offer in `direction`."""
        self.cseq = cseq
        sdp = (
            f"v=0\r\no=caller 1 {cseq} IN IP4 {HOST}\r\ns=-\r\nc=IN IP4 {HOST}\r\nt=0 0\r\n"
            f"m=audio {self.rtp_port} RTP/AVP {self.codecs}\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n"
            f"a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na={direction}\r\n"
        )
        self.branch = uuid.uuid4().hex[:12]
        msg = (
            f"INVITE {self.ruri} SIP/2.0\r\n"
            + self._headers("INVITE", cseq, self.branch)
            + f"Content-Type: application/sdp\r\nContent-Length: {len(sdp)}\r\n\r\n{sdp}"
        )
        self.sock.sendto(msg.encode(), self.target)

    def final(self, timeout: float = 20.0, provisional: list | None = None) -> tuple[int, dict, str]:
        """Waits for the INVITE's final answer (noting provisional ones) and ACKs it."""
        while True:
            got = self._recv(timeout)
            if got is None:
                return 0, {}, ""
            status, hdrs, body = got
            if not hdrs.get("cseq", "").endswith("INVITE"):
                continue
            if status < 200:
                if provisional is not None:
                    provisional.append(status)
                continue
            m = re.search(r";tag=([^;>\s]+)", hdrs.get("to", ""))
            self.to_tag = m.group(1) if m else self.to_tag
            if status == 200:
                m = re.search(r"<(sip:[^>@]*@?([\d.]+):(\d+)[^>]*)>", hdrs.get("contact", ""))
                if m:
                    self.ruri, self.target = m.group(1), (m.group(2), int(m.group(3)))
                m = re.search(r"m=audio (\d+)", body)
                self.remote_rtp = int(m.group(1)) if m else None
            self._ack(status)
            return status, hdrs, body

    def invite(self, timeout: float = 20.0) -> tuple[int, dict]:
        self.send_invite()
        status, hdrs, _ = self.final(timeout)
        return status, hdrs

    def cancel(self) -> int:
        """CANCEL of the pending INVITE; returns the CANCEL's own answer."""
        msg = (
            f"CANCEL sip:agent@{HOST}:{self.gw[1]} SIP/2.0\r\n"
            + self._headers("CANCEL", self.cseq, self.branch).replace(f";tag={self.to_tag}", "")
            + "Content-Length: 0\r\n\r\n"
        )
        self.sock.sendto(msg.encode(), self.gw)
        while True:
            got = self._recv(10)
            if got is None:
                return 0
            if got[1].get("cseq", "").endswith("CANCEL"):
                return got[0]

    def _ack(self, status: int) -> None:
        branch = self.branch if status >= 300 else uuid.uuid4().hex[:12]
        ruri, dst = (self.ruri, self.target) if status < 300 else (f"sip:agent@{HOST}:{self.gw[1]}", self.gw)
        msg = f"ACK {ruri} SIP/2.0\r\n" + self._headers("ACK", self.cseq, branch) + "Content-Length: 0\r\n\r\n"
        self.sock.sendto(msg.encode(), dst)

    def bye(self) -> int:
        self.cseq += 1
        msg = (
            f"BYE {self.ruri} SIP/2.0\r\n"
            + self._headers("BYE", self.cseq, uuid.uuid4().hex[:12])
            + "Content-Length: 0\r\n\r\n"
        )
        self.sock.sendto(msg.encode(), self.target)
        got = self._recv(10)
        return got[0] if got else 0

    def wait_request(self, method: str, timeout: float) -> list[str] | None:
        """Waits for a request from the gateway (answered 200 as it comes)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for lines in self.requests:
                if lines[0].startswith(method + " "):
                    return lines
            self._recv(0.2)
        return None

    def close(self) -> None:
        self.sock.close()


class SipCallee:
    """A minimal SIP user agent server over UDP, the party a call from the gateway reaches: answers the INVITE
    with 200 and an SDP naming `rtp_port` (PCMU and telephone-event), takes the ACK, and can send the BYE."""

    def __init__(self, rtp_port: int) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((HOST, 0))
        self.sock.settimeout(0.5)
        self.port = self.sock.getsockname()[1]
        self.rtp_port = rtp_port
        self.invite: dict = {}
        self.offer = ""
        self.peer: tuple = ()
        self.tag = uuid.uuid4().hex[:10]
        self.remote_rtp: int | None = None

    def _recv(self, timeout: float) -> tuple[list[str], str, tuple] | None:
        return recv_sip(self.sock, timeout)

    def answer(self, timeout: float = 30.0) -> bool:
        """Waits for an INVITE, answers 200 with the SDP, waits for the ACK. False if none came."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = self._recv(deadline - time.monotonic())
            if got is None:
                return False
            lines, body, src = got
            if not lines[0].startswith("INVITE "):
                continue
            self.invite, self.offer, self.peer = sip_headers(lines), body, src
            m = re.search(r"m=audio (\d+)", body)
            self.remote_rtp = int(m.group(1)) if m else None
            sdp = (
                f"v=0\r\no=callee 1 1 IN IP4 {HOST}\r\ns=-\r\nc=IN IP4 {HOST}\r\nt=0 0\r\n"
                f"m=audio {self.rtp_port} RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\n"
                f"a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=sendrecv\r\n"
            )
            keep = [ln for ln in lines[1:] if ln.split(":")[0].strip().lower() in ("via", "from", "call-id", "cseq")]
            to = self.invite["to"] + f";tag={self.tag}"
            self.invite["to"] = to
            msg = (
                "SIP/2.0 200 OK\r\n" + "\r\n".join(keep) + f"\r\nTo: {to}\r\n"
                f"Contact: <sip:callee@{HOST}:{self.port}>\r\nContent-Type: application/sdp\r\n"
                f"Content-Length: {len(sdp)}\r\n\r\n{sdp}"
            )
            while time.monotonic() < deadline:
                self.sock.sendto(msg.encode(), src)
                got = self._recv(1.0)
                if got and got[0][0].startswith("ACK "):
                    return True
            return False
        return False

    def bye(self) -> int:
        """Sends the BYE in the dialog (to the INVITE's Contact) and returns its answer's status."""
        m = re.search(r"<(sip:[^>]+)>", self.invite.get("contact", ""))
        hm = re.search(r"@([\d.]+):(\d+)", m.group(1)) if m else None
        dst = (hm.group(1), int(hm.group(2))) if hm else self.peer
        msg = (
            f"BYE {m.group(1) if m else 'sip:' + HOST} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP {HOST}:{self.port};branch=z9hG4bK{uuid.uuid4().hex[:12]};rport\r\n"
            f"From: {self.invite['to']}\r\nTo: {self.invite['from']}\r\nCall-ID: {self.invite['call-id']}\r\n"
            f"CSeq: 1 BYE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
        )
        self.sock.sendto(msg.encode(), dst)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            got = self._recv(1.0)
            if got and got[0][0].startswith("SIP/2.0 ") and "BYE" in sip_headers(got[0]).get("cseq", ""):
                return int(got[0][0].split()[1])
        return 0

    def close(self) -> None:
        self.sock.close()
