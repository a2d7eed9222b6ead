"""The realtime half of the emulator: Azure OpenAI's realtime WebSocket API.

`add_realtime_routes(app, ctx)` registers ``GET /openai/realtime`` (the PREVIEW
protocol, ``api-version`` + ``deployment``) and ``GET /openai/v1/realtime`` (the GA
protocol, ``model``) on the REST half's aiohttp application. See README.md in
this folder for what is emulated and how.

Modules, one job each:

==================  ==========================================================
``handshake``       HTTP checks before the upgrade; the routes
``session``         the per-connection state machine and event dispatch
``client_events``   parsing and envelope checks of client events
``schema``          the small validation language and its error messages
``config*``         session shapes: PREVIEW (flat) and GA (nested)
``item_schemas``    conversation item schemas per protocol
``conversation``    the item store, client item rules, rendering
``truncation``      ``conversation.item.truncate`` rules
``responses``       response generation, pacing, cancellation
``replies``         the deterministic "model": what a response says or calls
``transcription``   recognition of user audio and transcription events
``vad``             energy-based voice activity detection
``audio``/``g711``  formats, resampling, the G.711 codec
``protocol``        preview <-> GA event and content names
``faults``          realtime fault kinds
==================  ==========================================================
"""

from .handshake import add_realtime_routes

__all__ = ["add_realtime_routes"]
