package admin

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"

	"github.com/kestrel-go/kestrel/actors"
)

// statsDoc holds every figure of `stats` as Ostrich, Kestrel's admin
// library, grouped them: counters only grow, gauges go up and down,
// labels are text. Per-queue figures are named q/<queue>/<stat>.
type statsDoc struct {
	Counters map[string]int64  `json:"counters"`
	Gauges   map[string]int64  `json:"gauges"`
	Labels   map[string]string `json:"labels"`
}

// The figures of guide.md ("Server stats") and ours that only grow.
var (
	globalCounters = set("total_items", "total_connections", "cmd_get", "cmd_set", "cmd_peek",
		"get_hits", "get_misses", "bytes_read", "bytes_written", "queue_creates", "queue_deletes", "queue_expires")
	queueCounters = set("total_items", "expired_items", "discarded", "transactions", "canceled_transactions",
		"total_flushes", "journal_rewrites", "journal_rotations", "corrupt_journals",
		"cmd_get", "cmd_peek", "get_hits", "get_misses", "journal_write_errors")
)

func set(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

func newStatsDoc(r actors.Report) statsDoc {
	doc := statsDoc{Counters: map[string]int64{}, Gauges: map[string]int64{}, Labels: map[string]string{}}
	for _, s := range r.Global {
		doc.add(s.Name, s, globalCounters)
	}
	for _, q := range r.Queues {
		for _, s := range q.Stats {
			doc.add("q/"+q.Name+"/"+s.Name, s, queueCounters)
		}
	}
	return doc
}

func (d statsDoc) add(key string, s actors.Stat, counters map[string]bool) {
	n, err := strconv.ParseInt(s.Value, 10, 64)
	switch {
	case err != nil:
		d.Labels[key] = s.Value
	case counters[s.Name]:
		d.Counters[key] = n
	default:
		d.Gauges[key] = n
	}
}

// writeText writes Ostrich's stats.txt layout: a section per kind, one
// "  name: value" line per figure, sorted.
func (d statsDoc) writeText(w io.Writer) error {
	var err error
	section := func(title string, keys []string, value func(string) string) {
		if err == nil {
			_, err = fmt.Fprintf(w, "%s:\n", title)
		}
		for _, k := range keys {
			if err == nil {
				_, err = fmt.Fprintf(w, "  %s: %s\n", k, value(k))
			}
		}
	}
	number := func(m map[string]int64) func(string) string {
		return func(k string) string { return strconv.FormatInt(m[k], 10) }
	}
	section("counters", sortedKeys(d.Counters), number(d.Counters))
	section("gauges", sortedKeys(d.Gauges), number(d.Gauges))
	section("labels", sortedKeys(d.Labels), func(k string) string { return d.Labels[k] })
	return err
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func (s *Server) statsText(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_ = newStatsDoc(s.sys.Report()).writeText(w)
}

func (s *Server) statsJSON(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(newStatsDoc(s.sys.Report()))
}

// statValues reads a list of figures as numbers; text figures are left out.
func statValues(stats []actors.Stat) map[string]int64 {
	out := make(map[string]int64, len(stats))
	for _, s := range stats {
		if n, err := strconv.ParseInt(s.Value, 10, 64); err == nil {
			out[s.Name] = n
		}
	}
	return out
}
