package kload

import (
	"io"
	"os"
	"testing"

	"github.com/kestrel-go/kestrel/protocol/remote/remotetest"
)

// TestMain lets remotetest.Spawn run servers for the remote-* tests in
// child processes.
func TestMain(m *testing.M) {
	remotetest.ServeIfChild()
	os.Exit(m.Run())
}

func TestRemotePutManyStoresEveryItem(t *testing.T) {
	srv := remotetest.Spawn(t)
	p := &RemotePutMany{PutMany{Clients: 4, Items: 400, Bytes: 64, Queue: "spam", Queues: 2, Flush: true}}
	res, err := p.Run(Common{Server: srv.Addr, Pipeline: 5}, io.Discard)
	if err != nil || res.Errors.Count() != 0 || res.Ops != 400 {
		t.Fatalf("remote-put-many: %v, %d ops, errors %v", err, res.Ops, res.Errors.List())
	}
}

func TestRemoteFloodDeliversEveryItemOnceInOrder(t *testing.T) {
	srv := remotetest.Spawn(t)
	f := &RemoteFlood{Flood{Items: 300, Bytes: 64, Queue: "spam", Threads: 2, Prefill: 20, TimeoutMs: 200, Flush: true}}
	res, err := f.Run(Common{Server: srv.Addr, Pipeline: 10}, io.Discard)
	if err != nil || res.Errors.Count() != 0 || res.Ops != 620 {
		t.Fatalf("remote-flood: %v, %d ops, errors %v", err, res.Ops, res.Errors.List())
	}
}
