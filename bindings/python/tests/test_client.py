"""Creating clients: options, endpoint normalisation, every bad input, from_env, lifetime, logging."""

from __future__ import annotations

import threading

import azaudio
import pytest


def test_a_client_normalises_the_resource_root() -> None:
    with azaudio.Client("https://myres.openai.azure.com/", api_key="k") as client:
        assert client.endpoint == "https://myres.openai.azure.com"


@pytest.mark.parametrize(
    "given,expected",
    [
        ("https://myres.openai.azure.com/openai", "https://myres.openai.azure.com"),
        ("https://myres.openai.azure.com/openai/v1/", "https://myres.openai.azure.com"),
        (
            "https://myres.openai.azure.com/openai/deployments/whisper/audio/transcriptions?api-version=2024-10-21",
            "https://myres.openai.azure.com",
        ),
        ("https://gateway.example.com/prefix/openai", "https://gateway.example.com/prefix"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
    ],
)
def test_the_endpoint_is_the_one_the_library_normalised(given: str, expected: str) -> None:
    with azaudio.Client(given, api_key="k") as client:
        assert client.endpoint == expected


def _refused(**kwargs: object) -> azaudio.InvalidArgumentError:
    with pytest.raises(azaudio.InvalidArgumentError) as caught:
        azaudio.Client(**kwargs)  # type: ignore[arg-type]
    error = caught.value
    assert isinstance(error, ValueError)
    assert error.code == 1
    return error


def test_a_missing_endpoint_is_refused_with_the_librarys_message() -> None:
    assert "endpoint" in _refused(api_key="k").message


def test_an_unsupported_scheme_is_refused() -> None:
    assert "ftp" in _refused(endpoint="ftp://example.com", api_key="k").message


def test_a_malformed_endpoint_is_refused() -> None:
    assert _refused(endpoint="not a url", api_key="k").message


def test_no_credential_is_refused() -> None:
    assert "credential" in _refused(endpoint="https://x.openai.azure.com").message


def test_two_credentials_are_refused() -> None:
    message = _refused(endpoint="https://x.openai.azure.com", api_key="k", token_provider=lambda: "t").message
    assert "conflicting" in message


def test_a_bad_api_version_is_refused() -> None:
    assert "api" in _refused(endpoint="https://x.openai.azure.com", api_key="k", api_version="yesterday").message


def test_too_many_retries_are_refused() -> None:
    assert "max_retries" in _refused(endpoint="https://x.openai.azure.com", api_key="k", max_retries=1000).message


def test_a_bad_log_level_is_refused() -> None:
    assert "log_level" in _refused(endpoint="https://x.openai.azure.com", api_key="k", log_level=9).message


def test_a_line_break_in_the_user_agent_is_refused() -> None:
    assert (
        "user_agent" in _refused(endpoint="https://x.openai.azure.com", api_key="k", user_agent_suffix="a\r\nb").message
    )


def test_a_negative_timeout_is_refused() -> None:
    assert "timeout" in _refused(endpoint="https://x.openai.azure.com", api_key="k", timeout=-1).message


def test_a_nul_character_in_a_string_is_refused() -> None:
    assert "NUL" in _refused(endpoint="https://x.openai.azure.com", api_key="k\0").message


def test_all_settings_are_accepted_together() -> None:
    with azaudio.Client(
        "https://x.openai.azure.com",
        api_key="k",
        api_version="v1",
        timeout=30,
        connect_timeout=5,
        max_retries=0,
        max_retry_wait=10,
        ca_file="/etc/ssl/certs/ca.pem",
        ca_path="/etc/ssl/certs",
        proxy="",
        proxy_ca_file="/etc/ssl/certs/proxy-ca.pem",
        user_agent_suffix="tests",
        log=lambda level, m: None,
        log_level=azaudio.LOG_DEBUG,
    ) as client:
        assert client.endpoint == "https://x.openai.azure.com"


def test_a_bearer_token_is_a_credential() -> None:
    with azaudio.Client("https://x.openai.azure.com", bearer_token="token") as client:
        assert not client.closed


def test_close_is_idempotent_and_a_closed_client_says_so() -> None:
    client = azaudio.Client("https://x.openai.azure.com", api_key="k")
    client.close()
    client.close()
    assert client.closed
    assert "closed" in repr(client)
    with pytest.raises(azaudio.ClosedError):
        client.speech("hi", deployment="tts")


def test_the_context_manager_closes_the_client() -> None:
    with azaudio.Client("https://x.openai.azure.com", api_key="k") as client:
        pass
    assert client.closed


def test_from_env_reads_the_openai_python_variables(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("AZURE_OPENAI_ENDPOINT", "https://envres.openai.azure.com/")
    clean_env.setenv("AZURE_OPENAI_API_KEY", "k")
    with azaudio.Client.from_env() as client:
        assert client.endpoint == "https://envres.openai.azure.com"


def test_from_env_accepts_an_ad_token(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("AZURE_OPENAI_ENDPOINT", "https://envres.openai.azure.com")
    clean_env.setenv("AZURE_OPENAI_AD_TOKEN", "token")
    with azaudio.Client.from_env(api_version="v1") as client:
        assert client.endpoint == "https://envres.openai.azure.com"


def test_from_env_names_the_missing_endpoint_variable(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("AZURE_OPENAI_API_KEY", "k")
    with pytest.raises(azaudio.InvalidArgumentError, match="AZURE_OPENAI_ENDPOINT"):
        azaudio.Client.from_env()


def test_from_env_names_the_missing_credential_variables(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("AZURE_OPENAI_ENDPOINT", "https://envres.openai.azure.com")
    with pytest.raises(azaudio.InvalidArgumentError, match="AZURE_OPENAI_API_KEY"):
        azaudio.Client.from_env()


def test_from_env_refuses_a_bad_OPENAI_API_VERSION(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("AZURE_OPENAI_ENDPOINT", "https://envres.openai.azure.com")
    clean_env.setenv("AZURE_OPENAI_API_KEY", "k")
    clean_env.setenv("OPENAI_API_VERSION", "someday")
    with pytest.raises(azaudio.InvalidArgumentError):
        azaudio.Client.from_env()


def test_a_failed_create_does_not_leave_the_error_of_another_thread() -> None:
    messages: list[str] = []

    def other() -> None:
        try:
            azaudio.Client("ftp://x", api_key="k")
        except azaudio.InvalidArgumentError as error:
            messages.append(error.message)

    thread = threading.Thread(target=other)
    thread.start()
    thread.join()
    with pytest.raises(azaudio.InvalidArgumentError) as caught:
        azaudio.Client("https://x.openai.azure.com")
    assert "ftp" in messages[0] and "ftp" not in caught.value.message
