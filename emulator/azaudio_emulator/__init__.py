"""azaudio-emulator: a local Azure OpenAI audio service for offline tests.

It speaks the Azure OpenAI audio REST protocol (transcriptions, translations,
speech, audio chat completions) and the realtime WebSocket protocol, with real
speech synthesis (flite; espeak-ng as fallback), real (approximate) recognition
(pocketsphinx) and fault injection through a control API under ``/_emulator/``.
"""

__version__ = "0.1.0"
