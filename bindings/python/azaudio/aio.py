"""asyncio API: :class:`AsyncClient`, awaitable REST calls, async iterators, and realtime sessions for ``async for``.

::

    import asyncio, azaudio.aio

    async def main() -> None:
        async with azaudio.aio.AsyncClient.from_env() as client:
            result = await client.transcribe("hello.wav", deployment="whisper")
            print(result.text)
            async for chunk in client.speech_stream("Hello!", deployment="tts", response_format="pcm"):
                play(chunk)
            async with client.realtime(deployment="gpt-realtime", turn_detection=None, text_only=True) as session:
                await session.create_text_item("user", "Hello!")
                await session.create_response()
                async for event in session:                     # ends after the CLOSED event
                    if event.type == azaudio.EventType.TEXT_DELTA:
                        print(event.text, end="")
                    elif event.type == azaudio.EventType.RESPONSE_DONE:
                        await session.close()

    asyncio.run(main())

How it works (nothing here re-implements the library):

- A REST call runs the blocking :class:`azaudio.Client` method on a worker thread of the loop's default executor;
  the loop only awaits it. Cancelling the awaiting task cancels the call through the library's cancel token (the
  worker returns promptly) and then raises :class:`asyncio.CancelledError`. Progress and token-provider callbacks
  therefore run on that worker thread.
- Streams (:meth:`AsyncClient.transcribe_stream`, :meth:`AsyncClient.speech_stream`) run the blocking call on a
  worker thread that hands each item to the loop (``call_soon_threadsafe``); at most 64 items wait, then the
  worker waits for the consumer. Leaving the ``async for`` early (``break``, cancellation) cancels the request.
- Realtime sessions pull events from the library's queue on the loop thread, never blocking: when the queue is
  empty the session waits for the library's readiness file descriptor (azaudio_realtime_event_fd, registered
  with ``loop.add_reader``), so no thread polls and nothing busy-waits. With a library that lacks that function
  one helper thread per session waits in azaudio_realtime_next_event and wakes the loop instead.
- Works with any asyncio loop, including uvloop.
"""

from __future__ import annotations

import os
from typing import Any, Mapping, Optional, Union

from ._aio_calls import AsyncStream
from ._aio_calls import call as _call
from ._aio_realtime import AsyncRealtimeSession
from ._options import (
    AudioInput,
    ChatAudioOptions,
    ClientOptions,
    ClientSettings,
    RealtimeSettings,
    SpeechOptions,
    TranscribeOptions,
    TranscribeStreamOptions,
    TranscriptionSessionSettings,
    TranslateOptions,
    TranslationSessionSettings,
    Unpack,
)
from .client import Client
from .results import ChatReply, Transcription

__all__ = ["AsyncClient", "AsyncRealtimeSession", "AsyncStream"]


def _no_callback(call: str, options: Mapping[str, Any]) -> None:
    if "on_event" in options:
        raise TypeError(f"AsyncClient.{call}() delivers events through `async for`; on_event is not taken")


class AsyncClient:
    """An :class:`azaudio.Client` for asyncio code. Construct it with the same arguments as Client, or with
    :meth:`from_env`; use ``async with`` (or ``await client.close()``). The wrapped blocking client is
    :attr:`sync`. REST methods take the same keyword arguments as Client's and are awaitable; cancelling the task
    that awaits one cancels the request."""

    def __init__(
        self, endpoint: Optional[str] = None, *, _client: Optional[Client] = None, **options: Unpack[ClientOptions]
    ) -> None:
        self._client = _client or Client(endpoint, **options)

    @classmethod
    def from_env(cls, **options: Unpack[ClientSettings]) -> "AsyncClient":
        """A client from AZURE_OPENAI_ENDPOINT, AZURE_OPENAI_API_KEY or AZURE_OPENAI_AD_TOKEN and
        OPENAI_API_VERSION (see :meth:`azaudio.Client.from_env`, which takes the same options)."""
        return cls(_client=Client.from_env(**options))

    @property
    def sync(self) -> Client:
        """The blocking client underneath (share it with threaded code if you like)."""
        return self._client

    @property
    def endpoint(self) -> str:
        return self._client.endpoint

    async def close(self) -> None:
        """Close the client. Calls and sessions using it must have ended."""
        self._client.close()

    async def __aenter__(self) -> "AsyncClient":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # ---- REST ---------------------------------------------------------------------------------------------------

    async def transcribe(self, file: AudioInput, **options: Unpack[TranscribeOptions]) -> Transcription:
        """Speech to text (see :meth:`azaudio.Client.transcribe`)."""
        return await _call(self._client.transcribe, file, **options)

    async def translate(self, file: AudioInput, **options: Unpack[TranslateOptions]) -> Transcription:
        """Speech in any language to English text (see :meth:`azaudio.Client.translate`)."""
        return await _call(self._client.translate, file, **options)

    async def speech(self, text: str, **options: Unpack[SpeechOptions]) -> bytes:
        """Text to speech, the whole audio (see :meth:`azaudio.Client.speech`)."""
        return await _call(self._client.speech, text, **options)

    async def speech_to_file(
        self, text: str, path: Union[str, "os.PathLike[str]"], **options: Unpack[SpeechOptions]
    ) -> None:
        """Text to speech into a file (see :meth:`azaudio.Client.speech_to_file`)."""
        await _call(self._client.speech_to_file, text, path, **options)

    async def chat_audio(self, prompt: Optional[str] = None, **options: Unpack[ChatAudioOptions]) -> ChatReply:
        """An audio chat completion (see :meth:`azaudio.Client.chat_audio`)."""
        return await _call(self._client.chat_audio, prompt, **options)

    def transcribe_stream(self, file: AudioInput, **options: Unpack[TranscribeStreamOptions]) -> "AsyncStream[str]":
        """Streamed transcription: ``async for delta in client.transcribe_stream(...)``; afterwards the stream's
        ``result`` is the whole :class:`azaudio.Transcription`."""
        return AsyncStream(self._client.transcribe_stream(file, **options).call)

    def speech_stream(self, text: str, **options: Unpack[SpeechOptions]) -> "AsyncStream[bytes]":
        """Streamed speech: ``async for chunk in client.speech_stream(...)`` as the audio comes off the wire."""
        stream = self._client.speech_stream(text, **options)
        return AsyncStream(stream.call)  # type: ignore[attr-defined]  # an ItemStream, which keeps its call

    # ---- realtime -----------------------------------------------------------------------------------------------

    def realtime(self, **options: Unpack[RealtimeSettings]) -> AsyncRealtimeSession:
        """A realtime session, opened by ``async with`` (arguments as :meth:`azaudio.Client.realtime`, except
        on_event: events are taken with ``async for event in session``)."""
        _no_callback("realtime", options)
        return AsyncRealtimeSession(self._client, options)

    def transcription_session(self, **options: Unpack[TranscriptionSessionSettings]) -> AsyncRealtimeSession:
        """A transcription-only session, opened by ``async with`` (arguments as
        :meth:`azaudio.Client.transcription_session`, without on_event)."""
        _no_callback("transcription_session", options)
        return AsyncRealtimeSession(self._client, options, "transcription_session")

    def translation_session(self, **options: Unpack[TranslationSessionSettings]) -> AsyncRealtimeSession:
        """A translation session, opened by ``async with`` (arguments as :meth:`azaudio.Client.translation_session`,
        without on_event)."""
        _no_callback("translation_session", options)
        return AsyncRealtimeSession(self._client, options, "translation_session")
