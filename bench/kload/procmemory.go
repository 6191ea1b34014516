package kload

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// procMemory is a process's memory as Linux reports it in /proc/<pid>/status.
type procMemory struct {
	RSSKB  int64 // VmRSS: resident now
	PeakKB int64 // VmHWM: the most ever resident, which samples between cycles can miss
}

// readProcMemory reads the memory of process pid, which must run on this
// machine (the server under test, for --pid).
func readProcMemory(pid int) (procMemory, error) {
	path := fmt.Sprintf("/proc/%d/status", pid)
	data, err := os.ReadFile(path)
	if err != nil {
		return procMemory{}, fmt.Errorf("reading the server's memory: %w", err)
	}
	m, err := parseProcStatus(string(data))
	if err != nil {
		return procMemory{}, fmt.Errorf("reading the server's memory from %s: %w", path, err)
	}
	return m, nil
}

// parseProcStatus picks VmRSS and VmHWM ("VmRSS:\t  51234 kB") out of the
// text of /proc/<pid>/status.
func parseProcStatus(text string) (procMemory, error) {
	var m procMemory
	found := 0
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		var dst *int64
		switch name {
		case "VmRSS":
			dst = &m.RSSKB
		case "VmHWM":
			dst = &m.PeakKB
		default:
			continue
		}
		num, unit, _ := strings.Cut(strings.TrimSpace(value), " ")
		n, err := strconv.ParseInt(num, 10, 64)
		if err != nil || unit != "kB" {
			return m, fmt.Errorf("%s is %q, not a size in kB", name, strings.TrimSpace(value))
		}
		*dst = n
		found++
	}
	if found < 2 {
		// A kernel thread, or a process already gone (a zombie), has neither.
		return m, errors.New("no VmRSS and VmHWM lines")
	}
	return m, nil
}
