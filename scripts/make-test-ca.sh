#!/usr/bin/env bash
# Makes throwaway certificates for the TLS tests in DIR (default build/tls): a CA and a server certificate it
# signed for 127.0.0.1/localhost, plus an unrelated CA that must not be trusted for that server.
set -euo pipefail
dir=${1:-build/tls}
[ -s "$dir/server.pem" ] && [ -s "$dir/other-ca.pem" ] && exit 0
mkdir -p "$dir"
cd "$dir"
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=libazaudio test CA" \
  -keyout ca.key -out ca.pem 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=unrelated test CA" \
  -keyout other-ca.key -out other-ca.pem 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout server.key -out server.csr 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n' > server.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 -extfile server.ext \
  -out server.pem 2>/dev/null
rm -f server.csr server.ext ca.srl
