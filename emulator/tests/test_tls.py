"""``--tls-cert``/``--tls-key``: https with a throwaway CA; only clients
trusting that CA get through."""

from __future__ import annotations

import datetime
import ipaddress
import ssl

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from emulator_process import EmulatorProcess


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def make_ca_and_server_cert(directory):
    """A CA certificate file, and a server certificate + key for 127.0.0.1 signed by it."""
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("azaudio test CA"))
        .issuer_name(_name("azaudio test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                crl_sign=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    server = (
        x509.CertificateBuilder()
        .subject_name(_name("127.0.0.1"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    paths = {name: directory / f"{name}.pem" for name in ("ca", "cert", "key")}
    paths["ca"].write_bytes(_pem(ca))
    paths["cert"].write_bytes(_pem(server))
    paths["key"].write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return paths


@pytest.fixture(scope="module")
def tls_emulator(tmp_path_factory):
    paths = make_ca_and_server_cert(tmp_path_factory.mktemp("tls"))
    with EmulatorProcess("--tls-cert", str(paths["cert"]), "--tls-key", str(paths["key"])) as emulator:
        yield emulator, paths


def test_tls_emulator_announces_an_https_url(tls_emulator):
    emulator, _ = tls_emulator
    assert emulator.first_line.startswith("azaudio-emulator listening on https://127.0.0.1:")


def test_client_trusting_the_ca_gets_through(tls_emulator):
    emulator, paths = tls_emulator
    context = ssl.create_default_context(cafile=str(paths["ca"]))
    response = httpx.post(
        emulator.base_url + "/openai/deployments/tts/audio/speech?api-version=2025-04-01-preview",
        json={"input": "secure", "voice": "alloy", "response_format": "pcm"},
        headers={"api-key": "emulator-key"},
        verify=context,
    )
    assert response.status_code == 200


def test_client_with_the_default_trust_store_is_refused(tls_emulator):
    emulator, _ = tls_emulator
    with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
        httpx.get(emulator.base_url + "/_emulator/health", verify=ssl.create_default_context())


def test_client_trusting_another_ca_is_refused(tls_emulator, tmp_path):
    emulator, _ = tls_emulator
    other = make_ca_and_server_cert(tmp_path)
    with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
        httpx.get(emulator.base_url + "/_emulator/health", verify=ssl.create_default_context(cafile=str(other["ca"])))


def test_plain_http_to_the_tls_port_gets_no_answer(tls_emulator):
    emulator, _ = tls_emulator
    with pytest.raises(httpx.HTTPError):
        httpx.get(f"http://127.0.0.1:{emulator.port}/_emulator/health")
