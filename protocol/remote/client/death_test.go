package client_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/kestrel-go/kestrel/protocol/remote/client"
	"github.com/kestrel-go/kestrel/protocol/remote/remotetest"
)

// holdEnv makes the test binary a client that takes one item as an open
// read from "<server>|<queue>", prints it and waits to be killed.
const holdEnv = "CLIENT_TEST_HOLD"

func holdOpenRead(spec string) int {
	addr, queue, _ := strings.Cut(spec, "|")
	c, err := client.New([]string{addr})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	items, err := c.Get(context.Background(), queue, client.GetOptions{Timeout: 10 * time.Second, AutoAbort: time.Hour})
	if err != nil || len(items) != 1 {
		fmt.Fprintln(os.Stderr, "hold:", len(items), err)
		return 1
	}
	fmt.Printf("holding %s\n", items[0].Data)
	select {}
}

func TestKilledClientProcessGivesItsOpenReadBack(t *testing.T) {
	srv := remotetest.Spawn(t)
	c := newClient(t, srv.Addr)
	mustPut(t, c, "held", "precious")

	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	holder := exec.Command(exe)
	holder.Env = append(os.Environ(), holdEnv+"="+srv.Addr+"|held")
	out, err := holder.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || line != "holding precious\n" {
		holder.Process.Kill()
		t.Fatalf("holder said %q, %v", line, err)
	}
	if items, _ := c.Get(testContext(t), "held", client.GetOptions{}); len(items) != 0 {
		t.Fatalf("the held item was served meanwhile: %q", datas(items))
	}

	_ = holder.Process.Kill() // SIGKILL: the client process cannot say goodbye
	_ = holder.Wait()
	start := time.Now()
	mustGet(t, c, "held", client.GetOptions{Timeout: 20 * time.Second}, "precious")
	t.Logf("served again %s after the kill", time.Since(start).Round(time.Millisecond))
}

func TestClosedClientGivesItsOpenReadBack(t *testing.T) {
	srv := remotetest.Spawn(t)
	c, holder := newClient(t, srv.Addr), newClient(t, srv.Addr)
	mustPut(t, c, "held", "precious")
	mustGet(t, holder, "held", client.GetOptions{AutoAbort: time.Hour}, "precious")
	holder.Close()
	start := time.Now()
	mustGet(t, c, "held", client.GetOptions{Timeout: 20 * time.Second}, "precious")
	t.Logf("served again %s after the close", time.Since(start).Round(time.Millisecond))
	if _, err := holder.Put(testContext(t), "held", []byte("x")); err == nil {
		t.Fatal("put through a closed client: no error")
	}
}
