#!/usr/bin/env bash
# no-leftovers.sh CMD [ARG...]: runs CMD in a session of its own and fails when any process it started is still
# alive once it has ended (a server, a sleep, a helper it forgot to stop): such a process holds the caller's
# output open, so `make bench | tail` would wait for it, and keeps ports and CPU. Exits with CMD's code, or 1
# when CMD passed but left processes behind (listed, then killed).
set -uo pipefail
[ $# -ge 1 ] || { echo "usage: $0 CMD [ARG...]" >&2; exit 2; }
# A background job of a non-interactive shell is not a process-group leader, so setsid runs CMD in place: its pid
# is the new session's id.
setsid "$@" &
sid=$!
# In its own session CMD no longer gets the terminal's Ctrl-C: pass an interrupt or a termination on to all of it.
trap 'pkill -TERM -s "$sid"; wait "$sid"; exit 130' INT TERM
wait "$sid"
rc=$?
sleep 0.5 # (what CMD killed on its way out may take a moment to go)
# Zombies are not counted: they hold nothing, and the init that adopts them reaps them in its own time.
left=$(ps -e -o pid=,sid=,stat= | awk -v s="$sid" '$2 == s && $3 !~ /^Z/ { print $1 }')
if [ -n "$left" ]; then
    echo "no-leftovers: '$*' ended (exit $rc) but left these processes running:" >&2
    ps -o pid,etime,args -p "$(echo "$left" | paste -sd,)" >&2 || true
    kill $left 2>/dev/null || true
    [ "$rc" -eq 0 ] && rc=1
fi
exit "$rc"
