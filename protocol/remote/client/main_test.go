package client_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/kestrel-go/kestrel/protocol/remote/client"
	"github.com/kestrel-go/kestrel/protocol/remote/remotetest"
)

// The servers of these tests run in child processes (remotetest.Spawn);
// this process runs the clients.

func TestMain(m *testing.M) {
	remotetest.ServeIfChild()
	if spec := os.Getenv(holdEnv); spec != "" {
		os.Exit(holdOpenRead(spec))
	}
	code := m.Run()
	stopExampleServer()
	os.Exit(code)
}

// newClient is a client of addrs, closed when the test ends.
func newClient(t *testing.T, addrs ...string) *client.Client {
	t.Helper()
	c, err := client.New(addrs, client.WithLogger(remotetest.Log()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// testContext bounds a test's requests, so a hung server fails the test.
func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func mustPut(t *testing.T, c *client.Client, queue string, items ...string) {
	t.Helper()
	data := make([][]byte, len(items))
	for i, it := range items {
		data[i] = []byte(it)
	}
	if n, err := c.Put(testContext(t), queue, data...); err != nil || n != len(items) {
		t.Fatalf("put %d items to %s: stored %d, %v", len(items), queue, n, err)
	}
}

// mustGet takes one item, waiting up to wait, and fails unless it is want.
func mustGet(t *testing.T, c *client.Client, queue string, o client.GetOptions, want string) client.Item {
	t.Helper()
	items, err := c.Get(testContext(t), queue, o)
	if err != nil || len(items) != 1 || string(items[0].Data) != want {
		t.Fatalf("get from %s: %q, %v; want %q", queue, datas(items), err, want)
	}
	return items[0]
}

func datas(items []client.Item) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = string(it.Data)
	}
	return out
}
