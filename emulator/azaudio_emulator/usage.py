"""Usage objects, from synthetic but deterministic token counts.

Text costs one token per four characters (rounded up); audio costs ten tokens
per second in and twenty per second out (rounded up). Duration usage reports
whole seconds, rounded up, as the service does.
"""

from __future__ import annotations

import math
from typing import Any


def text_tokens(text: str) -> int:
    """Tokens for `text`."""
    return math.ceil(len(text) / 4)


def audio_in_tokens(seconds: float) -> int:
    """Tokens for `seconds` of input audio."""
    return math.ceil(seconds * 10)


def audio_out_tokens(seconds: float) -> int:
    """Tokens for `seconds` of generated audio."""
    return math.ceil(seconds * 20)


def duration(seconds: float) -> dict[str, Any]:
    """``TranscriptTextUsageDuration``."""
    return {"type": "duration", "seconds": math.ceil(seconds)}


def transcription_tokens(audio_seconds: float, prompt: str | None, text: str) -> dict[str, Any]:
    """``TranscriptTextUsageTokens`` for a gpt-4o transcription."""
    audio, prompt_tokens, output = audio_in_tokens(audio_seconds), text_tokens(prompt or ""), text_tokens(text)
    return {
        "type": "tokens",
        "input_tokens": audio + prompt_tokens,
        "input_token_details": {"text_tokens": prompt_tokens, "audio_tokens": audio},
        "output_tokens": output,
        "total_tokens": audio + prompt_tokens + output,
    }


def speech(text: str, audio_seconds: float) -> dict[str, Any]:
    """The ``usage`` of ``speech.audio.done``."""
    inp, out = text_tokens(text), audio_out_tokens(audio_seconds)
    return {"input_tokens": inp, "output_tokens": out, "total_tokens": inp + out}


def chat(prompt_text: str, prompt_audio_seconds: float, reply_text: str, reply_audio_seconds: float) -> dict[str, Any]:
    """``CompletionUsage`` for a chat completion."""
    prompt_audio = audio_in_tokens(prompt_audio_seconds)
    prompt = text_tokens(prompt_text) + prompt_audio
    reply_audio = audio_out_tokens(reply_audio_seconds)
    completion = text_tokens(reply_text) + reply_audio
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        "prompt_tokens_details": {"audio_tokens": prompt_audio, "cached_tokens": 0},
        "completion_tokens_details": {
            "audio_tokens": reply_audio,
            "reasoning_tokens": 0,
            "accepted_prediction_tokens": 0,
            "rejected_prediction_tokens": 0,
        },
    }
