"""The client: an Azure OpenAI endpoint, its credentials and connection settings (azaudio_client).

:class:`Client` joins its capabilities, each in its own module: speech to text (_rest_transcribe), text to speech
(_rest_speech), audio chat (_chat), realtime sessions (_client_realtime) and the SIP call controls (below). The
keyword arguments of every call are written once, in azaudio._options.
"""

from __future__ import annotations

import ctypes
from typing import Optional

from . import _native as n
from . import sip
from ._bridges import LogBridge, TokenBridge
from ._calls import ThreadErrors
from ._chat import Chat, ChatCalls
from ._client_base import ClientBase
from ._client_realtime import RealtimeCalls
from ._options import (
    AudioInput,
    CallAcceptOptions,
    ClientOptions,
    ClientSettings,
    LogCallback,
    ProgressCallback,
    TokenProvider,
    Unpack,
    check_keywords,
    milliseconds,
)
from ._rest_speech import SpeechCalls
from ._rest_transcribe import TranscriptionCalls
from ._streams import StreamCall, TranscriptionStream
from .errors import last_error

__all__ = [
    "Client",
    "Chat",
    "TokenProvider",
    "LogCallback",
    "ProgressCallback",
    "AudioInput",
    "TranscriptionStream",
    "StreamCall",
    "LOG_ERROR",
    "LOG_WARN",
    "LOG_INFO",
    "LOG_DEBUG",
    "DEFAULT_API_VERSION",
]

LOG_ERROR = n.AZAUDIO_LOG_ERROR
LOG_WARN = n.AZAUDIO_LOG_WARN
LOG_INFO = n.AZAUDIO_LOG_INFO
LOG_DEBUG = n.AZAUDIO_LOG_DEBUG
DEFAULT_API_VERSION = n.AZAUDIO_DEFAULT_API_VERSION

_TokenBridge = TokenBridge  # the name tests/test_token_provider.py imports


class Client(TranscriptionCalls, SpeechCalls, ChatCalls, RealtimeCalls, ClientBase):
    """A connection to an Azure OpenAI resource (libazaudio's azaudio_client).

    Create one per endpoint and share it between threads; close it (or use ``with``) when done. Creating a client
    validates and normalises the endpoint and the credentials but sends nothing.

    Exactly one credential: ``api_key`` (the api-key header), ``bearer_token`` (a fixed Entra ID token) or
    ``token_provider`` (a callable returning a token, called before each request; if it raises, the call fails and
    the exception is re-raised in the caller).

    ``api_version``: None (the library's default, currently ``DEFAULT_API_VERSION``), a dated version, ``"v1"`` or
    ``"preview"``. Times are in seconds: ``timeout`` bounds a whole call including retries (None: no limit),
    ``connect_timeout`` the TCP+TLS connection. ``max_retries`` (default 2) applies to 429, 5xx and failed
    connections. ``ca_file``/``ca_path`` replace the system's CAs; ``proxy`` is a proxy URL ("" disables proxies,
    None uses the https_proxy/no_proxy variables); ``proxy_ca_file`` verifies an HTTPS proxy's own certificate.
    ``log`` receives ``(level, message)`` at ``log_level`` or more severe, on whichever thread does the work;
    messages never contain keys or tokens.
    """

    def __init__(
        self, endpoint: Optional[str] = None, *, _from_env: bool = False, **options: Unpack[ClientOptions]
    ) -> None:
        self._handle = None
        self._errors = ThreadErrors()
        check_keywords("Client", options, ClientOptions)
        token_provider, log = options.get("token_provider"), options.get("log")
        self._token_bridge = TokenBridge(token_provider, self._errors) if token_provider is not None else None
        self._log_bridge = LogBridge(log, self._errors) if log is not None else None

        c = n.azaudio_client_options()
        n.init_struct(c)
        keep: list[Optional[bytes]] = []

        def string(value: Optional[str]) -> Optional[bytes]:
            keep.append(n.encode(value))
            return keep[-1]

        c.endpoint = string(endpoint)
        c.api_key = string(options.get("api_key"))
        c.bearer_token = string(options.get("bearer_token"))
        if self._token_bridge is not None:
            c.token_provider = self._token_bridge.function
        api_version = options.get("api_version")
        c.api_version = string(api_version)
        connect_timeout = options.get("connect_timeout")
        if connect_timeout is not None:
            c.connect_timeout_ms = milliseconds(connect_timeout, unset=0, name="connect_timeout")
        c.timeout_ms = milliseconds(options.get("timeout"), unset=0, name="timeout")
        max_retries, max_retry_wait = options.get("max_retries"), options.get("max_retry_wait")
        if max_retries is not None:
            c.max_retries = max_retries
        if max_retry_wait is not None:
            c.max_retry_wait_ms = milliseconds(max_retry_wait, unset=0, name="max_retry_wait")
        wheel_ca_file, wheel_ca_path = n.wheel_ca_locations()  # (None, None) but from the wheel on some systems
        ca_file, ca_path = options.get("ca_file"), options.get("ca_path")
        if ca_file is None and ca_path is None:
            ca_file, ca_path = wheel_ca_file, wheel_ca_path
        proxy_ca_file = options.get("proxy_ca_file")
        c.ca_file = string(ca_file)
        c.ca_path = string(ca_path)
        c.insecure_skip_tls_verify = 1 if options.get("insecure_skip_tls_verify", False) else 0
        c.proxy = string(options.get("proxy"))
        c.proxy_ca_file = string(proxy_ca_file if proxy_ca_file is not None else wheel_ca_file)
        c.user_agent_suffix = string(options.get("user_agent_suffix"))
        if self._log_bridge is not None:
            c.log_callback = self._log_bridge.function
        c.log_level = options.get("log_level", LOG_WARN)

        handle = ctypes.c_void_p()
        create = n.lib.azaudio_client_create_from_env if _from_env else n.lib.azaudio_client_create
        code = create(ctypes.byref(c), ctypes.byref(handle))
        if code != n.AZAUDIO_OK:
            raise last_error(code)
        self._handle = handle.value
        pending = self._errors.take()  # a log callback that raised while the client was created
        if pending is not None:
            self.close()
            raise pending
        self._endpoint = n.text(n.lib.azaudio_client_endpoint(self._handle))
        self._api_version = api_version

    @classmethod
    def from_env(cls, **options: Unpack[ClientSettings]) -> "Client":
        """A client from the variables openai-python's AzureOpenAI reads (azaudio_client_create_from_env):
        AZURE_OPENAI_ENDPOINT (required), AZURE_OPENAI_API_KEY or AZURE_OPENAI_AD_TOKEN, and OPENAI_API_VERSION
        (which wins over ``api_version``); the other settings as Client(). A missing variable raises
        InvalidArgumentError naming it."""
        check_keywords("from_env", options, ClientSettings)
        return cls(_from_env=True, **options)

    # ---- lifetime ---------------------------------------------------------------------------------------------

    @property
    def endpoint(self) -> str:
        """The normalised endpoint the library uses, e.g. ``https://name.openai.azure.com`` (no trailing slash)."""
        return self._endpoint

    @property
    def closed(self) -> bool:
        """Whether close() was called."""
        return self._handle is None

    def close(self) -> None:
        """Close the connections and free the client. Calls still running on other threads must have returned.
        Closing twice is allowed; any other use afterwards raises ClosedError."""
        handle, self._handle = self._handle, None
        if handle:
            n.lib.azaudio_client_destroy(handle)

    def __repr__(self) -> str:
        state = "closed" if self.closed else "open"
        return f"<azaudio.Client {self._endpoint} ({state})>"

    # ---- SIP calls answered by the service (see azaudio.sip) ---------------------------------------------------

    def accept_call(self, call_id: str, **options: Unpack[CallAcceptOptions]) -> None:
        """Accept an incoming SIP call (from a verified realtime.call.incoming webhook) with a realtime session:
        ``deployment`` answers (with optional ``instructions`` and ``voice``), or ``session_json`` is the whole
        session object; ``timeout`` and ``max_retries`` for this call."""
        sip.accept_call(self, call_id, **options)

    def reject_call(self, call_id: str, status_code: int = 0) -> None:
        """Reject a ringing call with a SIP status (400-699; 0: 603 Decline)."""
        sip.reject_call(self, call_id, status_code)

    def refer_call(self, call_id: str, target_uri: str) -> None:
        """Transfer an accepted call (SIP REFER) to a tel:, sip: or sips: URI."""
        sip.refer_call(self, call_id, target_uri)

    def hangup_call(self, call_id: str) -> None:
        """End a call."""
        sip.hangup_call(self, call_id)
