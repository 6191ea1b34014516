package tracing

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestExportErrorsAreLoggedOncePerPeriod(t *testing.T) {
	var out bytes.Buffer
	h := newErrorHandler(slog.New(slog.NewTextHandler(&out, nil)), time.Hour)
	for range 5 {
		h.Handle(errors.New("connection refused"))
	}
	if n := strings.Count(out.String(), "connection refused"); n != 1 {
		t.Fatalf("%d log lines for 5 errors within the period, want 1:\n%s", n, out.String())
	}
	if h.suppressed.Load() != 4 {
		t.Fatalf("%d errors counted as suppressed, want 4", h.suppressed.Load())
	}
}
