"""Routes, URL families, keys, deployments, api-versions and response headers."""

from __future__ import annotations

import httpx
import pytest
from conftest import API_VERSION, deployment_url
from helpers import API_KEY

SPEECH = {"input": "hello", "voice": "alloy", "response_format": "pcm"}


def test_api_key_header_is_accepted(client):
    assert client.post(deployment_url("tts", "audio/speech"), json=SPEECH).status_code == 200


def test_bearer_token_is_accepted(emulator):
    response = httpx.post(
        emulator.base_url + deployment_url("tts", "audio/speech"),
        json=SPEECH,
        headers={"Authorization": f"Bearer {API_KEY}"},
    )
    assert response.status_code == 200


@pytest.mark.parametrize("headers", [{}, {"api-key": "wrong"}, {"Authorization": "Bearer wrong"}])
def test_missing_or_wrong_key_gets_azures_401_body(emulator, headers):
    response = httpx.post(emulator.base_url + deployment_url("tts", "audio/speech"), json=SPEECH, headers=headers)
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["code"] == "401"
    assert error["message"].startswith("Access denied due to invalid subscription key or wrong API endpoint.")


def test_api_key_query_parameter_is_not_accepted_on_rest_routes(emulator):
    url = emulator.base_url + deployment_url("tts", "audio/speech") + f"&api-key={API_KEY}"
    assert httpx.post(url, json=SPEECH).status_code == 401


def test_unknown_deployment_is_404_deployment_not_found(client):
    response = client.post(deployment_url("nope", "audio/speech"), json=SPEECH)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "DeploymentNotFound"


def test_missing_api_version_on_deployment_route_is_404(client):
    response = client.post("/openai/deployments/tts/audio/speech", json=SPEECH)
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "404", "message": "Resource not found"}}


def test_unknown_api_version_is_400_api_version_not_supported(client):
    response = client.post("/openai/deployments/tts/audio/speech?api-version=2019-01-01", json=SPEECH)
    assert response.status_code == 400
    assert response.json() == {"error": {"code": "BadRequest", "message": "API version not supported"}}


def test_api_version_older_than_the_model_is_400(client):
    response = client.post(
        "/openai/deployments/gpt-4o-audio-preview/chat/completions?api-version=2024-10-21",
        json={"messages": [{"role": "user", "content": "hi"}]},
    )
    assert response.status_code == 400
    assert "enabled only for api versions 2025-01-01-preview and later" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    "deployment,operation",
    [
        ("tts", "audio/transcriptions"),
        ("gpt-4o-transcribe", "audio/translations"),
        ("whisper", "audio/speech"),
        ("tts", "chat/completions"),
        ("gpt-realtime", "audio/speech"),
    ],
)
def test_model_used_on_the_wrong_route_is_400_operation_not_supported(client, deployment, operation):
    response = client.post(deployment_url(deployment, operation), json=SPEECH)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "OperationNotSupported"


def test_v1_route_takes_the_deployment_from_the_model_field(client):
    response = client.post("/openai/v1/audio/speech", json={**SPEECH, "model": "tts"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "audio/pcm"


def test_v1_route_accepts_api_version_preview(client):
    assert (
        client.post("/openai/v1/audio/speech?api-version=preview", json={**SPEECH, "model": "tts"}).status_code == 200
    )


def test_v1_route_rejects_a_dated_api_version(client):
    response = client.post(f"/openai/v1/audio/speech?api-version={API_VERSION}", json={**SPEECH, "model": "tts"})
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "API version not supported"


def test_v1_route_without_model_is_400_missing_parameter(client):
    response = client.post("/openai/v1/audio/speech", json=SPEECH)
    assert response.status_code == 400
    assert response.json()["error"]["param"] == "model"
    assert response.json()["error"]["code"] == "missing_required_parameter"


def test_v1_route_with_unknown_model_is_404_deployment_not_found(client):
    response = client.post("/openai/v1/audio/speech", json={**SPEECH, "model": "nope"})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "DeploymentNotFound"


def test_deployment_route_ignores_a_model_field_in_the_body(client):
    response = client.post(deployment_url("tts", "audio/speech"), json={**SPEECH, "model": "something-else"})
    assert response.status_code == 200


def test_deployment_names_map_to_models_including_openai_spellings(client):
    assert client.post(deployment_url("old-tts", "audio/speech"), json=SPEECH).status_code == 200


def test_unknown_path_under_openai_is_404_resource_not_found(client):
    response = client.post(f"/openai/deployments/tts/embeddings?api-version={API_VERSION}", json={})
    assert response.status_code == 404
    assert response.json()["error"]["message"] == "Resource not found"


def test_get_on_an_operation_route_is_404(client):
    assert client.get(deployment_url("tts", "audio/speech")).status_code == 404


def test_responses_carry_azures_request_id_region_and_rate_limit_headers(client):
    response = client.post(deployment_url("tts", "audio/speech"), json=SPEECH)
    assert response.headers["apim-request-id"]
    assert response.headers["x-request-id"] == response.headers["apim-request-id"]
    assert response.headers["x-ms-region"]
    assert int(response.headers["x-ratelimit-remaining-requests"]) >= 0
    assert int(response.headers["x-ratelimit-remaining-tokens"]) >= 0


def test_error_responses_carry_the_request_id_header_too(client):
    response = client.post(deployment_url("nope", "audio/speech"), json=SPEECH)
    assert response.headers["apim-request-id"]


def test_control_api_is_not_reachable_through_the_azure_routes(client):
    assert client.get("/openai/_emulator/health").status_code == 404
    assert client.get("/_emulator/health").json()["status"] == "ok"
