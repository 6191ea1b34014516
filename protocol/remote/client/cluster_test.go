package client_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/kestrel-go/kestrel/protocol/remote/client"
	"github.com/kestrel-go/kestrel/protocol/remote/remotetest"
)

func TestThreeServersShareThePutsAndGiveAllBack(t *testing.T) {
	servers := []*remotetest.Process{remotetest.Spawn(t), remotetest.Spawn(t), remotetest.Spawn(t)}
	c := newClient(t, servers[0].Addr, servers[1].Addr, servers[2].Addr)
	const total, putters = 3000, 10
	var wg sync.WaitGroup
	for p := range putters {
		wg.Go(func() {
			for i := p; i < total; i += putters {
				mustPut(t, c, "spread", fmt.Sprint(i))
			}
		})
	}
	wg.Wait()

	infos, err := c.PeekAll(testContext(t), "spread")
	if err != nil {
		t.Fatal(err)
	}
	var sum int64
	for _, info := range infos {
		if info.Items == 0 {
			t.Fatalf("server %s got none of the %d puts", info.Server, total)
		}
		sum += info.Items
	}
	if sum != total {
		t.Fatalf("the servers hold %d items, want %d", sum, total)
	}

	seen := make(map[string]bool, total)
	for len(seen) < total {
		items, err := c.Get(testContext(t), "spread", client.GetOptions{Max: 100, Timeout: time.Second})
		if err != nil {
			t.Fatal(err)
		}
		if len(items) == 0 {
			t.Fatalf("all servers empty after %d of %d items", len(seen), total)
		}
		for _, it := range items {
			if seen[string(it.Data)] {
				t.Fatalf("item %s served twice", it.Data)
			}
			seen[string(it.Data)] = true
		}
	}
}

func TestDeadServerIsSkipped(t *testing.T) {
	alive, dead := remotetest.Spawn(t), remotetest.Spawn(t)
	c := newClient(t, dead.Addr, alive.Addr)
	dead.Kill()
	for i := range 20 {
		mustPut(t, c, "survive", fmt.Sprint(i))
	}
	infos, err := c.PeekAll(testContext(t), "survive")
	if err == nil {
		t.Fatal("peek of every server: no error for the dead one")
	}
	if len(infos) != 1 || infos[0].Server != alive.Addr || infos[0].Items != 20 {
		t.Fatalf("peek of the live server: %+v", infos)
	}
}

func TestReadOnlyServerPassesPutsOn(t *testing.T) {
	ro, up := remotetest.Spawn(t), remotetest.Spawn(t)
	c := newClient(t, ro.Addr, up.Addr)
	if err := c.SetStatus(testContext(t), ro.Addr, client.StatusReadOnly); err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		mustPut(t, c, "elsewhere", fmt.Sprint(i))
	}
	infos, err := c.PeekAll(testContext(t), "elsewhere")
	if err != nil || len(infos) != 2 || infos[0].Items != 0 || infos[1].Items != 20 {
		t.Fatalf("items per server: %+v %v", infos, err)
	}
}
