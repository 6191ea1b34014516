package kload

import (
	"os"
	"runtime"
	"strings"
	"testing"
)

func TestParseProcStatus(t *testing.T) {
	text := "Name:\tkestrel\nVmPeak:\t 1300000 kB\nVmHWM:\t   61234 kB\nVmRSS:\t   51234 kB\nThreads:\t9\n"
	m, err := parseProcStatus(text)
	if err != nil || m != (procMemory{RSSKB: 51234, PeakKB: 61234}) {
		t.Fatalf("got %+v, %v", m, err)
	}
	for text, want := range map[string]string{
		"Name:\tkthreadd\nThreads:\t1\n":  "no VmRSS and VmHWM lines",
		"VmHWM:\t 1 kB\nVmRSS:\t 12 MB\n": `VmRSS is "12 MB", not a size in kB`,
		"VmHWM:\t 1 kB\nVmRSS:\t lots\n":  `VmRSS is "lots", not a size in kB`,
	} {
		if _, err := parseProcStatus(text); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want one containing %q", text, err, want)
		}
	}
}

func TestReadProcMemory(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("/proc/<pid>/status is Linux's")
	}
	m, err := readProcMemory(os.Getpid())
	if err != nil || m.RSSKB <= 0 || m.PeakKB < m.RSSKB {
		t.Fatalf("own memory: %+v, %v", m, err)
	}
}
