# Sourced by the bench scripts: runs from the repository root, builds the
# server and the load tool into a scratch directory $work that goes away at
# exit (with any server still running), and defines wait_port.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

go build -o "$work/kestrel" ./cmd/kestrel
go build -o "$work/kload" ./bench/cmd/kload

wait_port() { for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return; sleep 0.1; done; echo "port $1 never opened" >&2; exit 1; }
