package memcache

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// MaxLineLength bounds a request line, its \r\n not counted. A longer line
// is refused once this much has been seen, so a client cannot make the
// server buffer an endless line.
const MaxLineLength = 2048

// readBufferSize is the Parser's read buffer: large enough for a whole
// request line, small enough to keep per-connection memory low.
const readBufferSize = 4096

// Parser reads requests off a byte stream, one whole request at a time.
// It is not safe for concurrent use.
type Parser struct {
	r               *bufio.Reader
	maxRequestBytes int
	toks            [][]byte // reused per line; points into r's buffer
	trailer         [2]byte  // the \r\n after a set payload
}

// NewParser reads requests from r. A set whose announced payload exceeds
// maxRequestBytes is refused before any of the payload is read.
func NewParser(r io.Reader, maxRequestBytes int) *Parser {
	if maxRequestBytes < 0 {
		maxRequestBytes = 0
	}
	return &Parser{
		r:               bufio.NewReaderSize(r, readBufferSize),
		maxRequestBytes: maxRequestBytes,
		toks:            make([][]byte, 0, 8),
	}
}

// Buffered reports how many bytes of further input are already buffered.
// A caller that sees more input waiting may hold its replies and write them
// together when the client pipelines.
func (p *Parser) Buffered() int { return p.r.Buffered() }

// Next reads one whole request: its line and, for set, its payload. It
// returns io.EOF when the stream ends cleanly between requests,
// io.ErrUnexpectedEOF when it ends inside one, and a *ClientError for
// malformed input, after which the stream cannot be trusted to be in step.
func (p *Parser) Next() (*Request, error) {
	line, err := p.readLine()
	if err != nil {
		return nil, err
	}
	p.toks = splitTokens(p.toks[:0], line)
	if len(p.toks) == 0 {
		return nil, clientError("empty command line")
	}
	cmd, ok := lookupCommand(p.toks[0])
	if !ok {
		return nil, clientError("unknown command " + quote(string(p.toks[0])))
	}
	req := &Request{Cmd: cmd}
	if err := p.parseArgs(req, p.toks[1:]); err != nil {
		return nil, err
	}
	return req, nil
}

// parseArgs fills req from the arguments of its command.
func (p *Parser) parseArgs(req *Request, args [][]byte) error {
	switch req.Cmd {
	case CmdSet:
		return p.parseSet(req, args)
	case CmdGet:
		return parseGet(req, args)
	case CmdDelete, CmdFlush, CmdFlushExpired:
		return parseQueueOnly(req, args)
	case CmdConfirm:
		return parseConfirm(req, args)
	case CmdMonitor:
		return parseMonitor(req, args)
	case CmdStatus:
		return parseStatus(req, args)
	case CmdDumpStats:
		return parseDumpStats(req, args)
	case CmdFlushAll:
		return parseFlushAll(req, args)
	case CmdAuth:
		return parseAuth(req, args)
	default:
		return parseNoArgs(req, args)
	}
}

// readLine returns the next line without its \n or \r\n. The slice points
// into the read buffer and is valid only until the next read. It looks at
// no more than MaxLineLength+2 bytes for the end of the line.
func (p *Parser) readLine() ([]byte, error) {
	const bound = MaxLineLength + 2
	scanned := 0
	for {
		n := min(p.r.Buffered(), bound)
		buf, _ := p.r.Peek(n) // already buffered: cannot fail
		if i := bytes.IndexByte(buf[scanned:], '\n'); i >= 0 {
			end := scanned + i
			line := buf[:end]
			p.r.Discard(end + 1) // buffered, so it cannot fail
			if len(line) > 0 && line[len(line)-1] == '\r' {
				line = line[:len(line)-1]
			}
			if len(line) > MaxLineLength {
				return nil, clientError("line too long")
			}
			return line, nil
		}
		scanned = n
		if n >= bound {
			return nil, clientError("line too long")
		}
		// Peeking one byte past what is buffered makes the reader fill.
		if _, err := p.r.Peek(n + 1); err != nil {
			if errors.Is(err, io.EOF) && n > 0 {
				return nil, io.ErrUnexpectedEOF
			}
			return nil, err
		}
	}
}

// splitTokens appends the space-separated tokens of line to toks. Runs of
// spaces count as one separator, as in memcached.
func splitTokens(toks [][]byte, line []byte) [][]byte {
	for {
		for len(line) > 0 && line[0] == ' ' {
			line = line[1:]
		}
		if len(line) == 0 {
			return toks
		}
		end := bytes.IndexByte(line, ' ')
		if end < 0 {
			end = len(line)
		}
		toks = append(toks, line[:end])
		line = line[end:]
	}
}

// lookupCommand maps a command name, in any case, to its Command without
// allocating: the name is lowered into a small array first.
func lookupCommand(name []byte) (Command, bool) {
	var lower [24]byte
	if len(name) > len(lower) {
		return 0, false
	}
	for i, c := range name {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		lower[i] = c
	}
	switch string(lower[:len(name)]) {
	case "get", "gets":
		return CmdGet, true
	case "set":
		return CmdSet, true
	case "delete":
		return CmdDelete, true
	case "flush":
		return CmdFlush, true
	case "flush_all":
		return CmdFlushAll, true
	case "flush_expired":
		return CmdFlushExpired, true
	case "flush_all_expired":
		return CmdFlushAllExpired, true
	case "version":
		return CmdVersion, true
	case "stats":
		return CmdStats, true
	case "dump_stats":
		return CmdDumpStats, true
	case "dump_config":
		return CmdDumpConfig, true
	case "monitor":
		return CmdMonitor, true
	case "confirm":
		return CmdConfirm, true
	case "shutdown":
		return CmdShutdown, true
	case "reload":
		return CmdReload, true
	case "status":
		return CmdStatus, true
	case "quit":
		return CmdQuit, true
	case "auth":
		return CmdAuth, true
	}
	return 0, false
}
