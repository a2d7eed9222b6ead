# Type stub of the optional compiled bridge (azaudio/_cbridge.c).

from threading import Event, Lock
from typing import Any, Callable, Optional

class Deliverer:
    def __init__(
        self,
        on_event: Callable[[Any], object],
        lock: Lock,
        closed: Event,
        failed: Callable[[Optional[int], BaseException], None],
        types: dict[int, Any],
        event_class: type,
        type_enum: Callable[[int], Any],
        closed_kind: int,
        /,
    ) -> None: ...

class LazyField:
    read: Callable[[int], Any]
    empty: Any
    name: str
    decodes: bool
    def __init__(
        self, read: Callable[[int], Any], empty: Any, doc: str, decodes: bool, span: int = -1, /
    ) -> None: ...
    def __get__(self, event: Any, owner: Any) -> Any: ...
    def __set_name__(self, owner: type, name: str) -> None: ...
    def fetch(self, event: int, /) -> Any: ...

def init(
    event_type: int,
    send_audio: int,
    event_json: int,
    event_audio: int,
    event_free: int,
    take_events: int,
    event_json_data: int,
    /,
) -> None: ...
def record_size() -> int: ...
def take_events(
    session: int,
    records: int,
    record_size: int,
    capacity: int,
    timeout_ms: int,
    cls: type,
    types: dict[int, Any],
    type_enum: Callable[[int], Any],
    /,
) -> tuple[int, list[Any]]: ...
def owned_finalizer(owner: type, /) -> Any: ...
def event_json(event: int, /) -> bytes | None: ...
def event_audio(event: int, /) -> bytes: ...
def callback_address() -> int: ...
def send_audio_method(
    owner: type, send_audio: Callable[..., None], raise_code: Callable[[int], None], /
) -> Any: ...
def send_audio(session: int, data: bytes, /) -> int: ...
