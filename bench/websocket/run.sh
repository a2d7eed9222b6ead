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
for run in "1 0" "50 0" "50 1000" "50 2000"; do
    set -- $run; n=$1; window=$2
    fifo=$(mktemp -u); mkfifo "$fifo"
    "$python" "$root/bench/websocket/ws_test_server.py" < "$fifo" > "$fifo.port" &
    server=$!
    exec 3>"$fifo"
    for _ in $(seq 50); do [ -s "$fifo.port" ] && break; sleep 0.1; done
    port=$(head -1 "$fifo.port")
    ticks0=$(awk '{print $14+$15}' /proc/$server/stat)
    "$bin" "ws://127.0.0.1:$port/echo" "$n" "$seconds" "$window"
    ticks1=$(awk '{print $14+$15}' /proc/$server/stat)
    hz=$(getconf CLK_TCK)
    echo "python echo server CPU during the run (incl. connect/warm-up): $(( (ticks1 - ticks0) * 1000 / hz )) ms"
    exec 3>&-
    wait $server || true
    rm -f "$fifo" "$fifo.port"
done
