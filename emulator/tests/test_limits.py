"""The 26,214,400-byte request body cap: declared and counted."""

from __future__ import annotations

import socket

from conftest import deployment_url

LIMIT = 26_214_400


def assert_413(response):
    assert response.status_code == 413
    error = response.json()["error"]
    assert error["message"].startswith(f"Maximum content size limit ({LIMIT}) exceeded")
    assert error["type"] == "server_error"


def test_declared_content_length_over_the_cap_is_413_before_reading(emulator):
    with socket.create_connection(("127.0.0.1", emulator.port)) as sock:
        sock.sendall(
            (
                f"POST {deployment_url('whisper', 'audio/transcriptions')} HTTP/1.1\r\n"
                f"Host: x\r\napi-key: {emulator.ctx.api_key}\r\n"
                "Content-Type: multipart/form-data; boundary=b\r\n"
                f"Content-Length: {LIMIT + 1}\r\n\r\n"
            ).encode()
        )
        reply = sock.recv(65536).decode()
    assert reply.startswith("HTTP/1.1 413")
    assert f"({LIMIT + 1} bytes read)" in reply


def test_chunked_upload_over_the_cap_is_413_while_reading(client):
    def body():
        yield b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\n\r\n'
        for _ in range(27):
            yield b"\0" * 1024 * 1024

    response = client.post(
        deployment_url("whisper", "audio/transcriptions"),
        content=body(),
        headers={"Content-Type": "multipart/form-data; boundary=b"},
    )
    assert "content-length" not in response.request.headers
    assert_413(response)


def test_json_body_over_the_cap_is_413(client):
    response = client.post(
        deployment_url("tts", "audio/speech"), content=b" " * (LIMIT + 10), headers={"Content-Type": "application/json"}
    )
    assert_413(response)


def test_body_at_the_cap_is_read(client):
    padding = b" " * (LIMIT - 100)
    response = client.post(
        deployment_url("tts", "audio/speech"),
        content=b'{"input": "a", "voice": "alloy", "response_format": "pcm"}' + padding[:-60],
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 200
