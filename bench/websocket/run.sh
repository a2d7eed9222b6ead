#!/bin/bash
# Runs the WebSocket benchmark against the local Python `websockets` echo server (ws_test_server.py).
# Usage: bench/websocket/run.sh [SECONDS]   (PYTHON=path/to/python with websockets; default .venv-wstest/bin/python)
# Prints base64 throughput, then N=1 and N=50 runs, each with the echo server's own CPU for comparison.
set -e
root=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${1:-10}
python=${PYTHON:-$root/.venv-wstest/bin/python}
bin=$("$root/bench/websocket/build.sh" | tail -1)
"$bin" --base64
# A throwaway CA and server certificate for the wss:// runs.
tls=$(mktemp -d)
(cd "$tls"
 openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key -out ca.pem -days 1 \
   -subj /CN=wsbench-ca 2>/dev/null
 openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout server.key -out server.csr \
   -subj /CN=localhost 2>/dev/null
 printf 'subjectAltName=IP:127.0.0.1\n' > ext.cnf
 openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 1 -extfile ext.cnf \
   2>/dev/null)
export WSBENCH_CAFILE="$tls/ca.pem"
for run in "ws 1 0" "ws 50 0" "ws 50 2000" "wss 1 0" "wss 50 0" "wss 50 2000"; do
    set -- $run; scheme=$1; n=$2; window=$3
    certs=""; [ "$scheme" = wss ] && certs="$tls/server.pem $tls/server.key"
    fifo=$(mktemp -u); mkfifo "$fifo"
    "$python" "$root/bench/websocket/ws_test_server.py" $certs < "$fifo" > "$fifo.port" &
    server=$!
    exec 3>"$fifo"
    for _ in $(seq 50); do [ -s "$fifo.port" ] && break; sleep 0.1; done
    port=$(head -1 "$fifo.port")
    ticks0=$(awk '{print $14+$15}' /proc/$server/stat)
    "$bin" "$scheme://127.0.0.1:$port/echo" "$n" "$seconds" "$window"
    ticks1=$(awk '{print $14+$15}' /proc/$server/stat)
    hz=$(getconf CLK_TCK)
    echo "python echo server CPU during the run (incl. connect/warm-up): $(( (ticks1 - ticks0) * 1000 / hz )) ms"
    exec 3>&-
    wait $server || true
    rm -f "$fifo" "$fifo.port"
done
rm -rf "$tls"
