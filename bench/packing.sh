#!/usr/bin/env bash
# Runs Kestrel's packing load test against Kestrel-Go with a small
# max_memory_size, so that the queue spends the whole run behind and its
# journal stays bounded only if the server rotates and packs it. Prints
# kload's report (the queue's journal figures and the server's memory after
# each cycle), then the queue directory's size on disk: its peak, sampled
# while the test ran, and what is left at the end.
# Usage: bench/packing.sh [cycles [max_memory_size]]   (default 10 and 16MB;
# Kestrel's own default is 100 cycles)
cycles=${1:-10}
mem=${2:-16MB}
source "$(dirname "$0")/lib.sh"

port=22182
mkdir "$work/data"
KESTREL_DEFAULT__MAX_MEMORY_SIZE=$mem "$work/kestrel" --queue-path="$work/data" --memcache-port=$port \
	--text-port=0 --admin-port=0 --remote-port=0 2>"$work/kestrel.log" &
pid=$!
wait_port $port

disk() { du -sb "$work/data" 2>/dev/null | cut -f1 || true; }

# The cycle ends can miss the peak on disk (a pack writes its file beside
# the files it replaces), so sample the directory while the test runs.
(
	peak=0
	while [ ! -e "$work/done" ]; do
		s=$(disk)
		if [ -n "$s" ] && [ "$s" -gt "$peak" ]; then peak=$s; fi
		sleep 0.2
	done
	echo "$peak" >"$work/peak"
) &
sampler=$!

status=0
"$work/kload" packing -n 25000 -k 1 -t 1 -c "$cycles" --pid "$pid" --server 127.0.0.1:$port || status=$?
touch "$work/done"
wait $sampler
echo "max_memory_size: $mem"
echo "queue directory on disk, peak sampled every 0.2 s (du -sb): $(cat "$work/peak") bytes"
echo "queue directory on disk at the end (du -sb): $(disk) bytes"
echo "server log: $(grep -c 'packing journal files' "$work/kestrel.log" || true) packs started, $(grep -c 'journal packed' "$work/kestrel.log" || true) finished"
kill $pid
wait $pid || true
exit $status
