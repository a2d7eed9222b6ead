#!/usr/bin/env bash
# Makes throwaway certificates for the TLS tests in DIR (default build/tls): a CA and a server certificate it
# signed for 127.0.0.1/localhost, plus an unrelated CA that must not be trusted for that server.
set -euo pipefail
dir=${1:-build/tls}
# Reused only while every certificate stays valid for at least another day (issue 16: cached certificates aged
# out after 30 days and the TLS tests then failed for no reason of their own).
fresh() { [ -s "$1" ] && openssl x509 -checkend 86400 -noout -in "$1" >/dev/null 2>&1; }
fresh "$dir/server.pem" && fresh "$dir/ca.pem" && fresh "$dir/other-ca.pem" && exit 0
rm -f "$dir"/*.pem "$dir"/*.key
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
