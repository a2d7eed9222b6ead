#!/usr/bin/env bash
# Installs the Debian packages libazaudio's build and tests need, when they are missing.
# As root it runs apt-get; otherwise it prints the command to run and fails.
set -euo pipefail

packages=(
  libcurl4-openssl-dev  # the HTTP/TLS transport
  libssl-dev            # OpenSSL headers (libcurl's TLS flavour; the library asks libssl about wss:// read-ahead)
  pkg-config            # the install check and users' builds
  cmake                 # the install check (find_package)
  abigail-tools         # abidiff/abidw: the ABI check
  python3-venv          # virtual environments for the emulator and the Python binding
  python3-pip
  valgrind              # memory checks of the C tests
  openssl               # the TLS tests make a throwaway CA
  libre-dev             # azaudio-gateway: SIP, SDP, RTP, jitter buffer, event loop (libre 1.1)
  sip-tester            # SIPp: the gateway tests' caller
  kamailio              # the gateway's scale-out test (dispatcher in front of two instances)
  baresip-core          # a real user agent calling the gateway in its tests
  iproute2              # the baresip test's network namespace
  libsndfile1-dev       # decoding (WAV/FLAC/MP3/Ogg) and FLAC encoding of audio cut into pieces
  clang-format          # make lint (the first step of make test): C and C++ formatting
  linux-perf            # make bench: the conversation mirror's CPU share (perf record of the realtime client)
  "$@"
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "libazaudio needs these Debian packages: ${missing[*]}" >&2
  echo "Run as root: $cmd" >&2
  exit 1
fi
echo "Installing: ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
