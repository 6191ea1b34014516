#!/usr/bin/env bash
# Runs Kestrel's put-many and flood load tests against Kestrel-Go with
# sync_journal at never, 100ms and 0s, and put-many against memcached in the
# same run for a ratio. Usage: bench/core.sh [rounds]   (default 3; the
# median of each is what bench/RESULTS.md records)
# Needs memcached (apt-get install memcached) for the baseline.
rounds=${1:-3}
source "$(dirname "$0")/lib.sh"

result() { grep '^RESULT' | sed "s/^RESULT/$1/"; }

run_kestrel() { # sync test args...
	local sync=$1; shift
	rm -rf "$work/data"; mkdir "$work/data"
	KESTREL_DEFAULT__SYNC_JOURNAL=$sync "$work/kestrel" --queue-path="$work/data" --memcache-port=22180 \
		--text-port=0 --remote-port=0 --admin-port=0 2>"$work/kestrel.log" &
	local pid=$!
	wait_port 22180
	"$work/kload" "$@" --server 127.0.0.1:22180 | result "kestrel sync=$sync"
	kill $pid; wait $pid || true
}

run_memcached() {
	if ! command -v memcached >/dev/null; then echo "memcached missing: apt-get install memcached" >&2; return; fi
	memcached -u "$(id -un)" -p 22181 -U 0 -t 2 -m 2048 &
	local pid=$!
	wait_port 22181
	"$work/kload" "$@" --server 127.0.0.1:22181 | result "memcached"
	kill $pid; wait $pid || true
}

for r in $(seq "$rounds"); do
	echo "# round $r"
	run_memcached put-many -n 100000 -c 100
	for sync in never 100ms 0s; do
		run_kestrel "$sync" put-many -n 100000 -c 100
		run_kestrel "$sync" flood -n 100000
	done
done
