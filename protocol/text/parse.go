package text

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
)

// MaxLineLength bounds a request line, its line end not counted. A longer
// line is refused once this much has been seen, so a client cannot make
// the server buffer an endless line.
const MaxLineLength = 2048

// MaxPutItems bounds the items of one put, whatever their size: a put of
// many tiny items would otherwise cost far more memory than its bytes.
// Kestrel's text codec stopped a put at the same number.
const MaxPutItems = 1024

// readBufferSize is the Parser's read buffer: large enough for a whole
// request line, small enough to keep per-connection memory low.
const readBufferSize = 4096

// errTooLong is a line that passed its limit; the caller names the limit.
var errTooLong = errors.New("line too long")

// Parser reads requests off a byte stream, one whole request (a put with
// all its items) at a time. It is not safe for concurrent use.
type Parser struct {
	r               *bufio.Reader
	maxRequestBytes int
	line            []byte   // the request line, reused
	toks            [][]byte // reused per line; points into line
}

// NewParser reads requests from r. The items of one put may hold at most
// maxRequestBytes bytes between them; a put that goes past it is refused
// as soon as it does, before the rest is read.
func NewParser(r io.Reader, maxRequestBytes int) *Parser {
	return &Parser{
		r: bufio.NewReaderSize(r, readBufferSize),
		// Bounded so that limit arithmetic cannot overflow.
		maxRequestBytes: min(max(maxRequestBytes, 0), math.MaxInt32),
		line:            make([]byte, 0, 256),
		toks:            make([][]byte, 0, 4),
	}
}

// Buffered reports how many bytes of further input are already buffered.
// A caller that sees more input waiting may hold its replies and write them
// together when the client pipelines.
func (p *Parser) Buffered() int { return p.r.Buffered() }

// Next reads one whole request. It returns io.EOF when the stream ends
// cleanly between requests, io.ErrUnexpectedEOF when it ends inside one,
// and a *ClientError for malformed input, after which the stream cannot be
// trusted to be in step.
func (p *Parser) Next() (*Request, error) {
	line, err := p.appendLine(p.line[:0], MaxLineLength)
	p.line = line[:0]
	if errors.Is(err, errTooLong) {
		return nil, clientError(fmt.Sprintf("request line longer than %d bytes", MaxLineLength))
	}
	if err != nil {
		return nil, err
	}
	// "put <queue> [expiry]:" announces items; Kestrel marks that with
	// the colon at the very end of the line.
	line = bytes.TrimRight(line, " ")
	withItems := len(line) > 0 && line[len(line)-1] == ':'
	if withItems {
		line = line[:len(line)-1]
	}
	p.toks = splitTokens(p.toks[:0], line)
	if len(p.toks) == 0 {
		return nil, clientError("empty request line")
	}
	cmd, ok := lookupCommand(p.toks[0])
	if !ok {
		return nil, clientError(fmt.Sprintf("unknown command %.64q", p.toks[0]))
	}
	switch {
	case cmd == CmdPut && !withItems:
		return nil, clientError("put must end with ':' (put <queue> [expiry_ms]:)")
	case cmd != CmdPut && withItems:
		return nil, clientError("only put takes items (a line ending in ':')")
	}
	req := &Request{Cmd: cmd}
	if err := parseArgs(req, p.toks[1:]); err != nil {
		return nil, err
	}
	if cmd == CmdPut {
		return req, p.readItems(req)
	}
	return req, nil
}

// readItems reads put's item lines up to the empty line that ends them,
// holding every item and the whole put to their limits as they arrive.
func (p *Parser) readItems(req *Request) error {
	left := p.maxRequestBytes
	for {
		item, err := p.appendLine(nil, left)
		switch {
		case errors.Is(err, errTooLong):
			return clientError(fmt.Sprintf("put of more than max_request_bytes (%d bytes)", p.maxRequestBytes))
		case errors.Is(err, io.EOF):
			return io.ErrUnexpectedEOF
		case err != nil:
			return err
		case len(item) == 0:
			return nil
		case len(req.Items) == MaxPutItems:
			return clientError(fmt.Sprintf("put of more than %d items", MaxPutItems))
		}
		req.Items = append(req.Items, item)
		left -= len(item)
	}
}

// appendLine appends the next line to dst, without its \n or \r\n. It
// looks at no more than limit+2 bytes for the line's end, so a line longer
// than limit fails with errTooLong once that much has arrived. A stream
// that ends before the line does gives io.EOF if the line had not begun,
// else io.ErrUnexpectedEOF.
func (p *Parser) appendLine(dst []byte, limit int) ([]byte, error) {
	start := len(dst)
	for {
		buf, err := p.buffered()
		if err != nil {
			if errors.Is(err, io.EOF) && len(dst) > start {
				err = io.ErrUnexpectedEOF
			}
			return dst, err
		}
		room := limit + 2 - (len(dst) - start)
		buf = buf[:min(len(buf), room)]
		if i := bytes.IndexByte(buf, '\n'); i >= 0 {
			dst = append(dst, buf[:i]...)
			p.r.Discard(i + 1) // buffered, so it cannot fail
			if len(dst) > start && dst[len(dst)-1] == '\r' {
				dst = dst[:len(dst)-1]
			}
			if len(dst)-start > limit {
				return dst, errTooLong
			}
			return dst, nil
		}
		dst = append(dst, buf...)
		p.r.Discard(len(buf))
		if len(buf) == room {
			return dst, errTooLong
		}
	}
}

// buffered returns the bytes already read, reading more when there are
// none.
func (p *Parser) buffered() ([]byte, error) {
	if p.r.Buffered() == 0 {
		if _, err := p.r.Peek(1); err != nil {
			return nil, err
		}
	}
	return p.r.Peek(p.r.Buffered())
}

// splitTokens appends the space-separated tokens of line to toks. Runs of
// spaces count as one separator.
func splitTokens(toks [][]byte, line []byte) [][]byte {
	for f := range bytes.SplitSeq(line, []byte{' '}) {
		if len(f) > 0 {
			toks = append(toks, f)
		}
	}
	return toks
}

// lookupCommand maps a command name, in any case as Kestrel allows, to its
// Command without allocating.
func lookupCommand(name []byte) (Command, bool) {
	var lower [16]byte
	if len(name) > len(lower) {
		return 0, false
	}
	for i, c := range name {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		lower[i] = c
	}
	cmd, ok := commands[string(lower[:len(name)])]
	return cmd, ok
}
