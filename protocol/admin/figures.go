package admin

import (
	"go.opentelemetry.io/otel/metric"
)

// figure is one per-queue stat as a /metrics series, labelled with the
// queue's name.
type figure struct {
	stat    string  // the stat's name in `stats`
	name    string  // the instrument; Prometheus adds the unit suffix and _total
	unit    string  // UCUM, as OpenTelemetry wants
	desc    string  // the HELP line
	counter bool    // only grows (while the queue lives)
	scale   float64 // from the stat's unit to the instrument's
}

// queueFigures: every series is kestrel_queue_<name>{queue="..."}.
var queueFigures = []figure{
	{"items", "kestrel.queue.items", "{item}", "Items waiting in the queue.", false, 1},
	{"bytes", "kestrel.queue.bytes", "By", "Bytes of the items waiting in the queue.", false, 1},
	{"mem_bytes", "kestrel.queue.memory", "By", "Bytes of the queue's items held in memory.", false, 1},
	{"logsize", "kestrel.queue.journal", "By", "Bytes of the queue's journal files.", false, 1},
	{"open_transactions", "kestrel.queue.open_transactions", "{item}", "Items handed out by open reads and not yet confirmed.", false, 1},
	{"waiters", "kestrel.queue.waiters", "{client}", "Clients waiting in get with a timeout.", false, 1},
	{"head_age_msec", "kestrel.queue.head_age", "s", "How long the item at the head of the queue has waited; 0 when empty.", false, 0.001},
	{"total_items", "kestrel.queue.puts", "{item}", "Items added to the queue.", true, 1},
	{"cmd_get", "kestrel.queue.gets", "{request}", "Gets answered (hit or miss), peeks excluded.", true, 1},
	{"cmd_peek", "kestrel.queue.peeks", "{request}", "Peeks answered.", true, 1},
	{"get_hits", "kestrel.queue.get_hits", "{request}", "Gets and peeks that received an item.", true, 1},
	{"get_misses", "kestrel.queue.get_misses", "{request}", "Gets and peeks that found the queue empty.", true, 1},
	{"expired_items", "kestrel.queue.expired", "{item}", "Items dropped because they expired.", true, 1},
	{"discarded", "kestrel.queue.discarded", "{item}", "Items discarded because the queue was full.", true, 1},
	{"total_flushes", "kestrel.queue.flushes", "{flush}", "Times the queue was flushed.", true, 1},
	{"journal_write_errors", "kestrel.queue.journal_write_errors", "{batch}", "Journal writes that failed to reach the file or the disk.", true, 1},
}

func (f figure) instrument(meter metric.Meter) (metric.Float64Observable, error) {
	if f.counter {
		return meter.Float64ObservableCounter(f.name, metric.WithUnit(f.unit), metric.WithDescription(f.desc))
	}
	return meter.Float64ObservableGauge(f.name, metric.WithUnit(f.unit), metric.WithDescription(f.desc))
}
