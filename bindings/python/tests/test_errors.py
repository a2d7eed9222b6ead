"""The exception hierarchy mapped from result codes."""

from __future__ import annotations

import builtins
import pickle

import azaudio
import pytest
from azaudio import _native, errors

TABLE = {
    1: azaudio.InvalidArgumentError,
    2: azaudio.OutOfMemoryError,
    3: azaudio.NetworkError,
    4: azaudio.TLSError,
    5: azaudio.TimeoutError,
    6: azaudio.CancelledError,
    7: azaudio.APIError,
    8: azaudio.AuthenticationError,
    9: azaudio.RateLimitError,
    10: azaudio.NotFoundError,
    11: azaudio.PayloadTooLargeError,
    12: azaudio.UnsupportedError,
    13: azaudio.ProtocolError,
    14: azaudio.ClosedError,
    15: azaudio.BusyError,
    16: azaudio.BadRequestError,
    17: azaudio.ServerError,
    18: azaudio.ContentFilterError,
    19: azaudio.FileIOError,
    20: azaudio.InvalidStateError,
    21: azaudio.InternalError,
}


@pytest.mark.parametrize("code,cls", sorted(TABLE.items()))
def test_each_result_code_maps_to_its_exception_class(code: int, cls: type) -> None:
    assert errors.error_class(code) is cls
    assert issubclass(cls, azaudio.AzAudioError)


def test_an_unknown_code_maps_to_the_base_class() -> None:
    assert errors.error_class(999) is azaudio.AzAudioError


def test_service_errors_are_api_errors() -> None:
    for cls in (
        azaudio.AuthenticationError,
        azaudio.RateLimitError,
        azaudio.NotFoundError,
        azaudio.PayloadTooLargeError,
        azaudio.BadRequestError,
        azaudio.ServerError,
        azaudio.ContentFilterError,
    ):
        assert issubclass(cls, azaudio.APIError)


def test_builtin_bases_let_callers_catch_the_usual_python_exceptions() -> None:
    assert issubclass(azaudio.TimeoutError, builtins.TimeoutError)
    assert issubclass(azaudio.InvalidArgumentError, ValueError)
    assert issubclass(azaudio.OutOfMemoryError, MemoryError)
    assert issubclass(azaudio.TLSError, azaudio.NetworkError)


def test_an_error_carries_code_message_and_service_details() -> None:
    error = azaudio.RateLimitError(9, "slow down", status=429, service_code="429", request_id="abc", retry_after=2.5)
    assert (error.code, error.message, error.status, error.request_id, error.retry_after) == (
        9,
        "slow down",
        429,
        "abc",
        2.5,
    )
    assert str(error) == "slow down"
    assert error.result_name == "rate limited"
    assert "status=429" in repr(error)


def test_a_timeout_error_is_raised_and_caught_as_the_builtin() -> None:
    with pytest.raises(builtins.TimeoutError) as caught:
        raise errors.error_class(5)(5, "took too long", status=0)
    assert str(caught.value) == "took too long"
    assert caught.value.code == 5  # type: ignore[attr-defined]


def test_errors_survive_pickling_with_their_details() -> None:
    error = azaudio.NotFoundError(
        10, "no such deployment", status=404, service_code="DeploymentNotFound", request_id="r-1"
    )
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is azaudio.NotFoundError
    assert (copy.message, copy.status, copy.service_code, copy.request_id) == (
        "no such deployment",
        404,
        "DeploymentNotFound",
        "r-1",
    )


def test_last_error_uses_the_librarys_message_of_this_thread() -> None:
    with pytest.raises(azaudio.InvalidArgumentError):
        azaudio.audio.Resampler(0, 8000)
    error = errors.last_error(_native.AZAUDIO_ERR_INVALID_ARGUMENT)
    assert error.message and error.message != "invalid argument"
