#!/usr/bin/env bash
# Runs put-many and flood through the memcache protocol and through the
# remote API (remote-put-many, remote-flood) against one Kestrel-Go server
# per test, sync_journal 100ms (the default), so the two front doors are
# compared in the same run. Usage: bench/remote.sh [rounds]   (default 3;
# bench/RESULTS.md records the median of each)
rounds=${1:-3}
source "$(dirname "$0")/lib.sh"

result() { grep '^RESULT' | sed "s/^RESULT/$1/"; }

# Ports of their own: other bench scripts use 22180 and up, and a load
# tool that finds another run's server there loads the wrong one.
memcache=22471
remote=22472

run() { # port kload args...
	local port=$1; shift
	rm -rf "$work/data"; mkdir "$work/data"
	"$work/kestrel" --queue-path="$work/data" --memcache-port="$memcache" --remote-port="$remote" \
		--text-port=0 --admin-port=0 2>"$work/kestrel.log" &
	local pid=$!
	wait_port "$memcache"; wait_port "$remote"
	"$work/kload" "$@" --server "127.0.0.1:$port" | result "kestrel"
	kill $pid; wait $pid || true
}

for r in $(seq "$rounds"); do
	echo "# round $r"
	run $memcache put-many -n 100000 -c 100
	run $remote remote-put-many -n 100000 -c 100
	run $memcache flood -n 100000
	run $remote remote-flood -n 100000
	# Batches: 100 items per request (pipelined requests for memcache).
	run $memcache flood -n 100000 -r 100
	run $remote remote-flood -n 100000 -r 100
done
