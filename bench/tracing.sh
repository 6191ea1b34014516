#!/usr/bin/env bash
# Measures what tracing costs the hot path: Kestrel's put-many with tracing
# off, then on with a 1% sampler exporting OTLP/HTTP to a local sink,
# alternating off, on, off, on... on fresh journal directories. Usage:
# bench/tracing.sh [rounds]   (default 3; bench/RESULTS.md records the
# median of each)
rounds=${1:-3}
source "$(dirname "$0")/lib.sh"
go build -o "$work/otlpsink" ./bench/cmd/otlpsink

otel_vars=(OTEL_TRACES_EXPORTER OTEL_EXPORTER_OTLP_ENDPOINT OTEL_EXPORTER_OTLP_TRACES_ENDPOINT OTEL_TRACES_SAMPLER OTEL_TRACES_SAMPLER_ARG)
tracing_on=(OTEL_TRACES_EXPORTER=otlp OTEL_TRACES_SAMPLER=traceidratio OTEL_TRACES_SAMPLER_ARG=0.01
	OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:22190)

run_kestrel() { # label [VAR=value...]
	local label=$1; shift
	rm -rf "$work/data"; mkdir "$work/data"
	env "${otel_vars[@]/#/-u}" "$@" "$work/kestrel" --queue-path="$work/data" --memcache-port=22180 \
		--text-port=0 --remote-port=0 --admin-port=0 2>"$work/kestrel.log" &
	local pid=$!
	wait_port 22180
	"$work/kload" put-many -n 100000 -c 100 --server 127.0.0.1:22180 | grep '^RESULT' | sed "s/^RESULT/tracing=$label/" | tee -a "$work/results"
	kill $pid; wait $pid || true # SIGTERM: the spans still buffered are exported
}

"$work/otlpsink" -addr 127.0.0.1:22190 >"$work/sink.out" &
sink=$!
wait_port 22190
for r in $(seq "$rounds"); do
	echo "# round $r"
	run_kestrel off
	run_kestrel on "${tracing_on[@]}"
done
kill $sink; wait $sink || true
cat "$work/sink.out"

echo "# medians"
for label in off on; do
	for field in ops_per_sec p99_us; do
		printf '%s %s ' "$label" "$field"
		grep "^tracing=$label " "$work/results" | tr ' ' '\n' | grep "^$field=" | cut -d= -f2 | sort -n |
			awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'
	done
done
