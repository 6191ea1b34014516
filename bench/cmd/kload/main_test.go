package main

import (
	"bufio"
	"net"
	"strings"
	"testing"
)

func runArgs(args ...string) (code int, stdout, stderr string) {
	var out, errOut strings.Builder
	code = run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestUsage(t *testing.T) {
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"-h"}, 0, "  put-many "},
		{[]string{"--help"}, 0, "  flood "},
		{nil, 2, "usage: kload <test> [flags]"},
		{[]string{"nope"}, 2, `unknown test "nope"`},
		{[]string{"flood", "-h"}, 0, "-timeout MS"},
		{[]string{"-h"}, 0, "  packing "},
		{[]string{"packing", "-h"}, 0, "-pid PID"},
		{[]string{"packing", "-t", "soon"}, 2, `want a number of seconds in [0, 1e6], not "soon"`},
		{[]string{"packing", "-n", "0"}, 2, "packing: -n must be at least 1, not 0"},
		{[]string{"put-many", "-c", "0"}, 2, "-c must be at least 1"},
		{[]string{"put-many", "--pipeline", "0"}, 2, "--pipeline must be at least 1"},
		{[]string{"put-many", "-x"}, 2, "flag provided but not defined: -x"},
		{[]string{"put-many", "extra"}, 2, `unexpected argument "extra"`},
	}
	for _, tc := range cases {
		code, stdout, stderr := runArgs(tc.args...)
		if code != tc.code || !strings.Contains(stdout+stderr, tc.want) {
			t.Errorf("kload %v: exit %d, output %q; want exit %d and %q", tc.args, code, stdout+stderr, tc.code, tc.want)
		}
	}
}

// replyToSets answers every set with reply; items never start with "set ",
// so other lines are payload and ignored.
func replyToSets(t *testing.T, reply string) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				sc := bufio.NewScanner(c)
				for sc.Scan() {
					if strings.HasPrefix(sc.Text(), "set ") {
						c.Write([]byte(reply + "\r\n"))
					}
				}
			}()
		}
	}()
	return ln.Addr().String()
}

func TestExitCodes(t *testing.T) {
	addr := replyToSets(t, "STORED")
	code, stdout, stderr := runArgs("put-many", "--server", addr, "-n", "100", "-c", "4")
	if code != 0 || !strings.Contains(stdout, "RESULT test=put-many ops=100 ") || !strings.Contains(stdout, "errors=0\n") {
		t.Errorf("exit %d\n%s%s", code, stdout, stderr)
	}

	addr = replyToSets(t, "NOT_STORED")
	code, stdout, stderr = runArgs("put-many", "--server", addr, "-n", "100", "-c", "4")
	if code != 1 || !strings.Contains(stdout, "errors=4\n") || !strings.Contains(stderr, `got "NOT_STORED"`) {
		t.Errorf("exit %d\n%s%s", code, stdout, stderr)
	}
}
