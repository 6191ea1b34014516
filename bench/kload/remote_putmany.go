package kload

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/kestrel-go/kestrel/protocol/remote/client"
)

func init() {
	Register(Entry{
		Name:    "remote-put-many",
		Summary: "put-many through the remote API (--server is the remote_port): many clients' puts, each timed",
		New:     func() Test { return &RemotePutMany{*NewPutMany()} },
	})
}

// RemotePutMany is put-many through the remote API: Clients goroutines
// share one client and each put Items/Clients items, --pipeline of them per
// request (a batch put), timing every request.
type RemotePutMany struct{ PutMany }

// Run executes remote-put-many.
func (p *RemotePutMany) Run(c Common, out io.Writer) (*Result, error) {
	cl, res, err := startRemote(c, "remote-put-many", p.validate, p.Flush, p.queueNames())
	if err != nil || res.Errors.Count() > 0 {
		return res, err
	}
	defer cl.Close()
	fmt.Fprintf(out, "Put %d items of %d bytes to %s in %d queues named %s using %d clients (remote API).\n",
		p.Items, p.Bytes, c.Server, p.Queues, p.Queue, p.Clients)
	data := fillerData(p.Bytes)
	p.runClients(c, res, func(i int, deadline time.Time, rec *Recorder) error {
		return p.client(cl, c, i, data, deadline, rec)
	})
	writeFinished(out, res.Elapsed, res.Ops)
	WriteTransactions(out, res.Latency)
	return res, nil
}

// client puts its share, c.Pipeline items per request. Each item stored
// counts one op, timed from the start of its request.
func (p *RemotePutMany) client(cl *client.Client, c Common, id int, data []byte, deadline time.Time, rec *Recorder) error {
	queue, n := p.queueName(id), p.Items/p.Clients
	batch := make([][]byte, c.Pipeline)
	for i := range batch {
		batch[i] = data
	}
	for done := 0; done < n && !expired(deadline); {
		k := min(c.Pipeline, n-done)
		start := time.Now()
		ctx, cancel := context.WithTimeout(context.Background(), remoteTimeout)
		stored, err := cl.Put(ctx, queue, batch[:k]...)
		cancel()
		took := time.Since(start)
		for range stored {
			rec.Add(took)
		}
		if err != nil || stored < k {
			return fmt.Errorf("remote-put-many client %d, after %d puts: stored %d of %d: %v", id, done, stored, k, err)
		}
		done += k
	}
	return nil
}
