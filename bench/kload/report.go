package kload

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// kestrelPercentiles are the points of Kestrel's "Transactions distribution".
var kestrelPercentiles = []float64{0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 0.9999}

// WriteTransactions prints latencies (in usec) the way Kestrel's put-many did:
//
//	Transactions: min=71.00; max=472279.00 472160.00 469075.00; median=3355.00; average=5494.69 usec
//	Transactions distribution: 5.00%=485.00 10.00%=1123.00 ... 99.99%=467899.00
func WriteTransactions(w io.Writer, r *Recorder) {
	if r.Count() == 0 {
		fmt.Fprintln(w, "Transactions: none completed.")
		return
	}
	var maxes []string
	for _, d := range r.Top() {
		maxes = append(maxes, fmt.Sprintf("%.2f", micros(d)))
	}
	fmt.Fprintf(w, "Transactions: min=%.2f; max=%s; median=%.2f; average=%.2f usec\n",
		micros(r.Min()), strings.Join(maxes, " "), micros(r.Median()), micros(r.Mean()))
	var dist []string
	for _, p := range kestrelPercentiles {
		dist = append(dist, fmt.Sprintf("%.2f%%=%.2f", p*100, micros(r.Percentile(p))))
	}
	fmt.Fprintln(w, "Transactions distribution: "+strings.Join(dist, " "))
}

// writeFinished prints Kestrel's throughput line, e.g.
// "Finished in 6137 msec (61.4 usec/put throughput).".
func writeFinished(w io.Writer, elapsed time.Duration, ops int64) {
	perOp := 0.0
	if ops > 0 {
		perOp = micros(elapsed) / float64(ops)
	}
	fmt.Fprintf(w, "Finished in %d msec (%.1f usec/put throughput).\n", elapsed.Milliseconds(), perOp)
}

// writeRetries prints Kestrel's note about connections that needed retrying.
func writeRetries(w io.Writer, retries int64) {
	if retries > 0 {
		fmt.Fprintf(w, "Had to retry %d times to make all connections.\n", retries)
	}
}
