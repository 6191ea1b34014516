#!/usr/bin/env bash
# Measures what idle connections cost: the server's resident memory before
# and after N clients connect, each sending one request and then staying
# silent; plain TCP, then TLS. Usage: bench/idle.sh [connections]
# (default 10000). Needs openssl for the TLS run's certificate.
n=${1:-10000}
source "$(dirname "$0")/lib.sh"
go build -o "$work/idleconns" ./bench/cmd/idleconns
# Each side of each connection holds a descriptor, in two processes.
ulimit -n $((n + 1024))

run_kestrel() { # label [server flags...]
	local label=$1; shift
	rm -rf "$work/data"; mkdir "$work/data"
	"$work/kestrel" --queue-path="$work/data" --memcache-port=22182 \
		--text-port=0 --remote-port=0 --admin-port=0 "$@" 2>"$work/kestrel.log" &
	local pid=$!
	wait_port 22182
	"$work/idleconns" -n "$n" --server 127.0.0.1:22182 --pid $pid $extra | sed "s/^RESULT/RESULT $label/"
	kill $pid; wait $pid || true
}

extra="" run_kestrel plain
if command -v openssl >/dev/null; then
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=localhost \
		-keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
	extra=--tls run_kestrel tls --tls-cert-file="$work/cert.pem" --tls-key-file="$work/key.pem"
fi
