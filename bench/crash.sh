#!/usr/bin/env bash
# Runs the kill -9 harness (bench/crash) with the defaults, with
# read-behind (max_memory_size 4KB) and with fsync before every reply
# (sync_journal 0s). Usage: bench/crash.sh [kills]   (default 50; what
# bench/RESULTS.md records)
kills=${1:-50}
source "$(dirname "$0")/lib.sh"
go build -o "$work/crash" ./bench/crash
status=0
for env in "" KESTREL_DEFAULT__MAX_MEMORY_SIZE=4KB KESTREL_DEFAULT__SYNC_JOURNAL=0s; do
	"$work/crash" --kills "$kills" --binary "$work/kestrel" ${env:+--env "$env"} 2>"$work/crash.err" || {
		status=1; cat "$work/crash.err" >&2; }
done
exit $status
