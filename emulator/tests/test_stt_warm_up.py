"""The recogniser's model is loaded when a served emulator starts, not by the first request."""

import time

from azaudio_emulator.stt import STTEngine


def test_warm_up_loads_the_model_in_the_background_and_recognition_still_works():
    engine = STTEngine()
    engine.warm_up()
    deadline = time.monotonic() + 120
    while engine._decoder is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert engine._decoder is not None
    assert engine.recognise(b"\0\0" * 24000, 24000).duration == 1.0  # the loaded model serves a recognition
