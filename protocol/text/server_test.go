package text_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kestrel-go/kestrel/actors"
	"github.com/kestrel-go/kestrel/protocol/internal/wiretest"
	"github.com/kestrel-go/kestrel/protocol/memcache/memcachetest"
	"github.com/kestrel-go/kestrel/protocol/text"
	tt "github.com/kestrel-go/kestrel/protocol/text/texttest"
)

func start(t *testing.T) (*tt.Server, *tt.Client) {
	t.Helper()
	srv := tt.Start(t, nil)
	return srv, tt.Dial(t, srv.Addr)
}

var waitFor = wiretest.WaitFor

// queueStat reads one figure of one queue, "" when the queue is unknown.
func queueStat(srv *tt.Server, queue, name string) string {
	for _, q := range srv.Memcache.Queues.Report().Queues {
		if q.Name != queue {
			continue
		}
		for _, s := range q.Stats {
			if s.Name == name {
				return s.Value
			}
		}
	}
	return ""
}

// step is one request line and the reply it must get.
type step struct{ send, want string }

// converse sends each request line in turn and checks its reply.
func converse(t *testing.T, c *tt.Client, steps []step) {
	t.Helper()
	for _, s := range steps {
		if got := c.Do(s.send); got != s.want {
			t.Fatalf("%q: reply %q, want %q", s.send, got, s.want)
		}
	}
}

// waitSettled waits until no read is open on queue, as after a client
// that held some has hung up and its reads went back.
func waitSettled(t *testing.T, srv *tt.Server, queue string) {
	t.Helper()
	waitFor(t, "open reads on "+queue+" to go back", func() bool {
		return queueStat(srv, queue, "open_transactions") == "0"
	})
}

func TestSessionGivesTheRepliesOfTheTextProtocol(t *testing.T) {
	_, c := start(t)
	converse(t, c, []step{
		{"put work:\na\nb\nc\n", "+3"},
		{"get work", ":a"},
		{"peek work", ":b"}, // confirms a
		{"get work", ":b"},
		{"get work 100", ":c"}, // confirms b
		{"confirm work 1", "+1"},
		{"confirm work 1", "-not that many transactions open: none on work"},
		{"get work 100", "*"},
		{"put work:\nd\n", "+1"},
		{"flush work", "+0"},
		{"peek work", "*"},
		{"put work:\n", "+0"},
	})
}

func TestGetConfirmsThePreviousGet(t *testing.T) {
	srv, c := start(t)
	c.MustPut("q", "a", "b")
	c.Write("get q\nget q\n")
	c.Expect(":a")
	c.Expect(":b") // a is confirmed; b is open
	c.Close()
	waitSettled(t, srv, "q")
	again := tt.Dial(t, srv.Addr)
	if got := again.Do("get q"); got != ":b" {
		t.Fatalf("after the hang-up: %q, want the open b back (a confirmed)", got)
	}
	if got := again.Do("get q"); got != "*" {
		t.Fatalf("second get: %q, want * (b confirmed by it)", got)
	}
}

func TestOpenReadReturnsToHeadOnDisconnect(t *testing.T) {
	srv, c := start(t)
	c.MustPut("q", "a", "b")
	if got := c.Do("get q"); got != ":a" {
		t.Fatalf("get: %q", got)
	}
	c.Close()
	waitSettled(t, srv, "q")
	again := tt.Dial(t, srv.Addr)
	for _, want := range []string{":a", ":b"} {
		if got := again.Do("get q"); got != want {
			t.Fatalf("get after the hang-up: %q, want %q", got, want)
		}
	}
}

func TestPeekConfirmsWithoutOpening(t *testing.T) {
	srv, c := start(t)
	c.MustPut("q", "a", "b")
	c.Write("get q\npeek q\npeek q\n")
	for _, want := range []string{":a", ":b", ":b"} {
		c.Expect(want)
	}
	c.Close()
	waitSettled(t, srv, "q")
	again := tt.Dial(t, srv.Addr)
	if got := again.Do("get q"); got != ":b" {
		t.Fatalf("get after the hang-up: %q, want b (a confirmed by the peek)", got)
	}
}

// Kestrel's rule is per queue: a fetch confirms only what the connection
// holds open on the queue it fetches from.
func TestFetchLeavesOtherQueuesOpen(t *testing.T) {
	srv, c := start(t)
	c.MustPut("one", "1")
	c.MustPut("two", "2")
	c.Write("get one\nget two\n")
	c.Expect(":1")
	c.Expect(":2")
	c.Close()
	waitSettled(t, srv, "one")
	waitSettled(t, srv, "two")
	again := tt.Dial(t, srv.Addr)
	if got := again.Do("get one"); got != ":1" {
		t.Fatalf("get one after the hang-up: %q, want 1 back", got)
	}
	if got := again.Do("get two"); got != ":2" {
		t.Fatalf("get two after the hang-up: %q, want 2 back", got)
	}
}

func TestConfirmCountsWhatItClosed(t *testing.T) {
	cfg := memcachetest.Config(t)
	cfg.MaxOpenTransactions = 3
	srv := tt.Start(t, cfg)
	c := tt.Dial(t, srv.Addr)
	c.MustPut("q", "a", "b", "c")
	c.Write("monitor q\n")
	for _, want := range []string{":a", ":b", ":c", "+3"} {
		c.Expect(want)
	}
	converse(t, c, []step{
		{"confirm q 2", "+2"},
		{"confirm q 5", "+1"},
		{"confirm q 0", "+0"},
		{"peek q", "*"},
	})
}

func TestPutWithExpiry(t *testing.T) {
	_, c := start(t)
	c.MustPut("exp 30", "short")
	c.MustPut("exp 60000", "long")
	waitFor(t, "the 30 ms item to expire", func() bool { return c.Do("peek exp") == ":long" })
	c.MustPut("gone -1", "late")
	if got := c.Do("peek gone"); got != "*" {
		t.Fatalf("item put with a past expiry: %q, want *", got)
	}
}

func TestMalformedRequestsGetErrorAndClose(t *testing.T) {
	srv, _ := start(t)
	for _, req := range []string{
		"bogus\n",
		"\n",
		"get\n",
		"get q 1 2\n",
		"get q soon\n",
		"get q -5\n",
		"get bad/name\n",
		"get q:\n",
		"put q\n",
		"put q later:\n",
		"put:\n",
		"confirm q\n",
		"confirm q -1\n",
		"monitor q x\n",
		"version please\n",
		"status sideways\n",
	} {
		c := tt.Dial(t, srv.Addr)
		c.Write(req)
		if line := c.Line(); !strings.HasPrefix(line, "-") || len(line) < 2 {
			t.Errorf("%q: %q, want -<reason>", req, line)
		}
		c.ExpectClosed()
	}
}

func TestLineOver2048BytesIsRefused(t *testing.T) {
	srv, c := start(t)
	// Exactly at the limit (padding spaces are separators) is served.
	c.Write("peek q" + strings.Repeat(" ", 2048-len("peek q")) + "\r\n")
	c.Expect("*")
	// Over it is refused as soon as the limit has passed, line end or not.
	long := tt.Dial(t, srv.Addr)
	long.Write("get " + strings.Repeat("q", 3000))
	if line := long.Line(); line != "-request line longer than 2048 bytes" {
		t.Fatalf("reply %q", line)
	}
	long.ExpectClosed()
}

func TestPutOverMaxRequestBytesIsRefused(t *testing.T) {
	cfg := memcachetest.Config(t)
	cfg.MaxRequestBytes = 1000
	srv := tt.Start(t, cfg)
	c := tt.Dial(t, srv.Addr)
	c.MustPut("big", strings.Repeat("x", 600), strings.Repeat("y", 400))
	for _, items := range [][]string{
		{strings.Repeat("x", 600), strings.Repeat("y", 401)}, // together too much
		{strings.Repeat("z", 5000)},
	} {
		over := tt.Dial(t, srv.Addr)
		if got := over.Put("big", items...); got != "-put of more than max_request_bytes (1000 bytes)" {
			t.Fatalf("reply %q", got)
		}
		over.ExpectClosed()
	}
	// The refusal comes once the limit has passed, before the item ends.
	endless := tt.Dial(t, srv.Addr)
	endless.Write("put big:\n" + strings.Repeat("w", 1100))
	if got := endless.Line(); !strings.HasPrefix(got, "-put of more than") {
		t.Fatalf("reply %q", got)
	}
	endless.ExpectClosed()
	// Only the put within the limit stored anything.
	for _, want := range []string{":" + strings.Repeat("x", 600), ":" + strings.Repeat("y", 400), "*"} {
		if got := c.Do("get big"); got != want {
			t.Fatalf("get: %.20q, want %.20q", got, want)
		}
	}
}

func TestPutOfTooManyItemsIsRefused(t *testing.T) {
	srv, c := start(t)
	items := make([]string, text.MaxPutItems+1)
	for i := range items {
		items[i] = fmt.Sprint(i)
	}
	c.MustPut("many", items[:text.MaxPutItems]...)
	over := tt.Dial(t, srv.Addr)
	if got := over.Put("many", items...); got != fmt.Sprintf("-put of more than %d items", text.MaxPutItems) {
		t.Fatalf("reply %q", got)
	}
	over.ExpectClosed()
	if got := queueStat(srv, "many", "items"); got != fmt.Sprint(text.MaxPutItems) {
		t.Fatalf("items in the queue: %s, want only the first put's", got)
	}
}

func TestPipelinedRequestsAnsweredInOrder(t *testing.T) {
	_, c := start(t)
	var req strings.Builder
	for i := 0; i < 100; i++ {
		fmt.Fprintf(&req, "put p:\n%d\n\n", i)
	}
	for i := 0; i < 100; i++ {
		req.WriteString("get p\n")
	}
	req.WriteString("peek p\nversion\n")
	c.Write(req.String())
	for i := 0; i < 100; i++ {
		c.Expect("+1")
	}
	for i := 0; i < 100; i++ {
		c.Expect(fmt.Sprintf(":%d", i))
	}
	c.Expect("*")
	c.Expect(":" + actors.Version)
}

func TestItemsCrossProtocols(t *testing.T) {
	srv, c := start(t)
	mc := memcachetest.Dial(t, srv.Memcache.Addr)
	c.MustPut("shared", "from text")
	mc.MustGet("shared", "from text")
	mc.MustSet("shared", "from memcache")
	if got := c.Do("get shared"); got != ":from memcache" {
		t.Fatalf("get: %q", got)
	}
}

func TestCommandsAnyCase(t *testing.T) {
	_, c := start(t)
	if got := c.Put("q", "x"); got != "+1" {
		t.Fatalf("put: %q", got)
	}
	if got := c.Do("PEEK q"); got != ":x" {
		t.Fatalf("PEEK: %q", got)
	}
	c.Write("PUT q:\ny\n\n")
	c.Expect("+1")
}

func TestDeleteVersionAndStatus(t *testing.T) {
	_, c := start(t)
	c.MustPut("doomed", "x")
	converse(t, c, []step{
		{"delete doomed", "+0"},
		{"peek doomed", "*"},
		{"version", ":" + actors.Version},
		{"status", ":UP"},
	})
}

func TestRefusalByStatusKeepsConnectionOpen(t *testing.T) {
	_, c := start(t)
	c.MustPut("q", "a")
	converse(t, c, []step{
		{"status read_only", "+0"},
		{"status", ":READONLY"},
		{"put q:\nb\n", "-refused: server status is READONLY"},
		{"flush q", "-refused: server status is READONLY"},
		{"peek q", ":a"},
		{"status up", "+0"},
		{"put q:\nb\n", "+1"},
	})
}

func TestShutdownAnswersAndStops(t *testing.T) {
	srv, c := start(t)
	if got := c.Do("shutdown"); got != "+0" {
		t.Fatalf("shutdown: %q", got)
	}
	c.ExpectClosed()
	select {
	case <-srv.Shutdowns:
	case <-time.After(10 * time.Second):
		t.Fatal("shutdown did not reach the server")
	}
}

func TestQuitClosesAfterEarlierReplies(t *testing.T) {
	_, c := start(t)
	c.Write("peek q\nquit\npeek q\n")
	c.Expect("*")
	c.ExpectClosed()
}
