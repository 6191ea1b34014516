package client_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"sync"
	"time"

	"github.com/kestrel-go/kestrel/protocol/remote/client"
	"github.com/kestrel-go/kestrel/protocol/remote/remotetest"
)

var example struct {
	once sync.Once
	srv  *remotetest.Process
	dir  string
}

// exampleServer is the address of a server for the examples, started on
// first use in a child process.
func exampleServer() string {
	example.once.Do(func() {
		dir, err := os.MkdirTemp("", "kestrel-example")
		if err != nil {
			log.Fatal(err)
		}
		example.dir = dir
		if example.srv, err = remotetest.SpawnIn(dir); err != nil {
			log.Fatal(err)
		}
	})
	return example.srv.Addr
}

func stopExampleServer() {
	if example.srv != nil {
		_ = example.srv.Stop()
		os.RemoveAll(example.dir)
	}
}

func Example() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := client.New([]string{exampleServer()}) // e.g. "kestrel1:2229", "kestrel2:2229"
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	if _, err := c.Put(ctx, "greetings", []byte("hello"), []byte("world")); err != nil {
		log.Fatal(err)
	}
	items, err := c.Get(ctx, "greetings", client.GetOptions{Max: 10})
	if err != nil {
		log.Fatal(err)
	}
	for _, it := range items {
		fmt.Println(string(it.Data))
	}
	// Output:
	// hello
	// world
}

// A reliable read: the item stays on its server until it is confirmed. If
// the client dies first, or does not confirm within AutoAbort, the item
// goes back to the queue for another reader.
func ExampleClient_Confirm() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := client.New([]string{exampleServer()})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	if _, err := c.Put(ctx, "jobs", []byte("resize photo 42")); err != nil {
		log.Fatal(err)
	}
	items, err := c.Get(ctx, "jobs", client.GetOptions{Timeout: time.Second, AutoAbort: 30 * time.Second})
	if err != nil {
		log.Fatal(err)
	}
	for _, it := range items {
		fmt.Println("working on:", string(it.Data))
	}
	n, err := c.Confirm(ctx, items...)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("confirmed:", n)
	// Output:
	// working on: resize photo 42
	// confirmed: 1
}

func ExampleClient_Peek() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := client.New([]string{exampleServer()})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	if _, err := c.Put(ctx, "news", []byte("first"), []byte("second")); err != nil {
		log.Fatal(err)
	}
	info, err := c.Peek(ctx, "news")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d items, %d bytes, head %q\n", info.Items, info.Bytes, info.HeadItem)
	// Output:
	// 2 items, 11 bytes, head "first"
}
