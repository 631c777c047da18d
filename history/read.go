package history

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// The history formats the readers know, as --format names them.
const (
	FormatAuto    = "auto"
	FormatJSONL   = "jsonl"
	FormatEDN     = "edn"
	FormatEtcdLog = "jepsen-etcd-log"
	FormatKVLog   = "kv-log"
)

// Formats lists the formats ReadFile accepts besides "auto".
func Formats() []string {
	return []string{FormatJSONL, FormatEDN, FormatEtcdLog, FormatKVLog}
}

// Bounds on what a reader takes, so that no input can exhaust memory: a
// history within them is read and checked in about 1 GB at most (a
// register history of 600,000 operations peaks at about 1 GB; 300,000
// at 540 MB).
const (
	// MaxInputBytes bounds a history's text (256 MiB: a JSON-lines history
	// of about a million operations).
	MaxInputBytes = 256 << 20
	// MaxRecords bounds a history's records (two per operation).
	MaxRecords = 1_200_000
	// MaxLineBytes bounds one line of a line-based format.
	MaxLineBytes = 16 << 20
)

// The limits in force; tests lower them.
var (
	inputLimit  int64 = MaxInputBytes
	recordLimit       = MaxRecords
)

// ReadInfo is what reading learnt about the input besides its records.
type ReadInfo struct {
	// Format is the format read (the detected one for "auto").
	Format string
	// Lines[i] is the line that record i starts on (1-based), so that a
	// problem found later with a record can name its line.
	Lines []int
	// Skipped counts lines that were neither records, blank nor comments:
	// the log noise of an etcd log. FirstSkipped is the first such line.
	Skipped, FirstSkipped int
}

// LineOf is the line record i starts on, or 0 when unknown.
func (ri ReadInfo) LineOf(i int) int {
	if i < 0 || i >= len(ri.Lines) {
		return 0
	}
	return ri.Lines[i]
}

// ReadFile reads the history in path. format is "auto" (or "") to recognise
// the format from the content, or one of Formats. It returns the history and
// the format it was read as. Errors are *ParseError naming the file, and
// the line and field where there is one.
func ReadFile(path, format string) (History, string, error) {
	h, info, err := ReadFileContext(context.Background(), path, format)
	return h, info.Format, err
}

// ReadFileContext is ReadFile that also reports what it skipped and where
// each record came from, and stops when ctx is done (returning ctx's error,
// wrapped). The input is read as a stream: at most MaxInputBytes, lines of
// at most MaxLineBytes, MaxRecords records.
func ReadFileContext(ctx context.Context, path, format string) (History, ReadInfo, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, ReadInfo{}, &ParseError{File: path, Msg: pathErrorText(err)}
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, ReadInfo{}, &ParseError{File: path, Msg: pathErrorText(err)}
	}
	switch {
	case st.IsDir():
		return nil, ReadInfo{}, &ParseError{File: path, Msg: "is a directory, not a history file"}
	case st.Mode().IsRegular() && st.Size() > inputLimit:
		return nil, ReadInfo{}, &ParseError{File: path, Msg: fmt.Sprintf("%s is larger than the %s a history may take", sizeText(st.Size()), sizeText(inputLimit))}
	}
	return ReadContext(ctx, f, path, format)
}

func pathErrorText(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// Read reads a history from r; see ReadFile.
func Read(r io.Reader, name, format string) (History, string, error) {
	h, info, err := ReadContext(context.Background(), r, name, format)
	return h, info.Format, err
}

// ReadBytes reads a history held in memory; see ReadFile.
func ReadBytes(data []byte, name, format string) (History, string, error) {
	return Read(bytes.NewReader(data), name, format)
}

// ReadContext reads a history from r; see ReadFileContext.
func ReadContext(ctx context.Context, r io.Reader, name, format string) (History, ReadInfo, error) {
	limited := &capReader{r: r, left: inputLimit, ctx: ctx}
	br := bufio.NewReaderSize(limited, 64<<10)
	var src io.Reader = br
	if format == "" || format == FormatAuto {
		head, err := readHead(br)
		if err != nil {
			return nil, ReadInfo{}, readError(name, 0, err)
		}
		f, err := DetectFormat(head)
		if err != nil {
			return nil, ReadInfo{}, &ParseError{File: name, Msg: err.Error()}
		}
		format = f
		src = io.MultiReader(bytes.NewReader(head), br)
	}
	rd := &reader{ctx: ctx, name: name, info: ReadInfo{Format: format}, input: limited}
	var err error
	switch format {
	case FormatJSONL:
		err = rd.jsonl(src)
	case FormatEDN:
		err = rd.edn(src)
	case FormatEtcdLog:
		err = rd.etcdLog(src)
	case FormatKVLog:
		err = rd.kvLog(src)
	default:
		return nil, ReadInfo{}, &ParseError{File: name, Msg: fmt.Sprintf("unknown format %s; want auto, %s", Excerpt(format), strings.Join(Formats(), ", "))}
	}
	if err == nil {
		err = rd.enoughRecords()
	}
	if err != nil {
		return nil, rd.info, err
	}
	if rd.h == nil {
		rd.h = History{}
	}
	return rd.h, rd.info, nil
}

// reader collects records, with their lines, within the bounds.
type reader struct {
	ctx      context.Context
	name     string
	h        History
	info     ReadInfo
	nonBlank int    // lines that were not blank or comments
	skipped  string // an excerpt of the first skipped line
	input    *capReader
}

// add appends a record read at line.
func (r *reader) add(op Op, line int) error {
	if len(r.h) >= recordLimit {
		return &ParseError{File: r.name, Line: line, Msg: fmt.Sprintf("more than %d records, the most a history may have", recordLimit)}
	}
	if len(r.h)%4096 == 0 && r.ctx.Err() != nil {
		return fmt.Errorf("reading %s: %w", r.name, r.ctx.Err())
	}
	r.h = append(r.h, op)
	r.info.Lines = append(r.info.Lines, line)
	return nil
}

// skip notes a line that is not a record.
func (r *reader) skip(line int, text []byte) {
	r.info.Skipped++
	if r.info.FirstSkipped == 0 {
		r.info.FirstSkipped = line
		r.skipped = Excerpt(string(text))
	}
}

// enoughRecords turns a reading that skipped most of its input into an
// error: a history read in the wrong format must not pass as a short one.
func (r *reader) enoughRecords() error {
	if r.info.Skipped == 0 {
		return nil
	}
	hint := fmt.Sprintf("is --format %s right? (formats: %s)", r.info.Format, strings.Join(Formats(), ", "))
	if len(r.h) == 0 {
		return &ParseError{File: r.name, Line: r.info.FirstSkipped, Msg: fmt.Sprintf("no %s record in %d lines (the first: %s); %s", r.info.Format, r.nonBlank, r.skipped, hint)}
	}
	if 2*r.info.Skipped > r.nonBlank {
		return &ParseError{File: r.name, Line: r.info.FirstSkipped, Msg: fmt.Sprintf("%d of %d lines are not %s records (the first: %s); %s", r.info.Skipped, r.nonBlank, r.info.Format, r.skipped, hint)}
	}
	return nil
}

// lines calls each for every line of src (without its newline; a UTF-8
// byte-order mark at the start dropped), counting lines from 1.
func (r *reader) lines(src io.Reader, each func(line int, text []byte) error) error {
	sc := bufio.NewScanner(src)
	sc.Buffer(make([]byte, 64<<10), MaxLineBytes)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Bytes()
		if line == 1 {
			text = bytes.TrimPrefix(text, bom)
		}
		if line%4096 == 0 && r.ctx.Err() != nil {
			return fmt.Errorf("reading %s: %w", r.name, r.ctx.Err())
		}
		if err := each(line, text); err != nil {
			if r.input.err != nil {
				// The last line was cut short (the limit, the time): say
				// so, not how the cut line broke.
				return readError(r.name, line, r.input.err)
			}
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return readError(r.name, line+1, err)
	}
	return nil
}

var bom = []byte("\xef\xbb\xbf")

// readError describes a failure of the input itself at line (0: unknown).
func readError(name string, line int, err error) error {
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("reading %s: %w", name, err)
	case errors.Is(err, bufio.ErrTooLong):
		return &ParseError{File: name, Line: line, Msg: fmt.Sprintf("line longer than %s, the longest a record may be", sizeText(MaxLineBytes))}
	case errors.Is(err, errTooLarge):
		return &ParseError{File: name, Msg: fmt.Sprintf("larger than the %s a history may take", sizeText(inputLimit))}
	}
	return &ParseError{File: name, Line: line, Msg: err.Error()}
}

// errTooLarge is a capReader's error past its limit.
var errTooLarge = errors.New("input too large")

// capReader reads at most left bytes, then fails with errTooLarge if the
// input goes on (rather than ending quietly, as io.LimitReader does).
type capReader struct {
	r    io.Reader
	left int64
	ctx  context.Context
	err  error // why reading stopped early: errTooLarge or ctx's error
}

func (c *capReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		c.err = err // a slow stream stops with the command's time
		return 0, err
	}
	if c.left <= 0 {
		var one [1]byte
		if n, err := c.r.Read(one[:]); n > 0 {
			c.err = errTooLarge
			return 0, errTooLarge
		} else {
			return 0, err
		}
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, err
}

// readHead reads up to and including the first line that is not blank and
// not a ; comment, for DetectFormat; at most MaxLineBytes.
func readHead(br *bufio.Reader) ([]byte, error) {
	var head []byte
	start := 0 // where the current line starts in head
	for {
		chunk, err := br.ReadSlice('\n')
		head = append(head, chunk...)
		if len(head) > MaxLineBytes {
			return nil, bufio.ErrTooLong
		}
		if err == bufio.ErrBufferFull {
			continue // the line goes on
		}
		line := bytes.TrimSpace(bytes.TrimPrefix(head[start:], bom))
		if len(line) > 0 && line[0] != ';' || err == io.EOF {
			return head, nil
		}
		if err != nil {
			return nil, err
		}
		start = len(head)
	}
}

// DetectFormat recognises a history's format from its first record:
// "INFO ... jepsen.util - " lines are an etcd log; a [ or ( opens an EDN
// history; {" a JSON-lines record; a {: map with :f :get, :put or :append
// and a :key is a key-value log, any other {: map EDN.
func DetectFormat(data []byte) (string, error) {
	first, ok := firstLine(data)
	if !ok {
		return "", fmt.Errorf("empty: no records, so its format cannot be recognised (pass --format)")
	}
	switch {
	case bytes.Contains(first, []byte(etcdMarker)) || bytes.HasPrefix(first, []byte("INFO")):
		return FormatEtcdLog, nil
	case first[0] == '[' || first[0] == '(':
		return FormatEDN, nil
	case first[0] == '{':
		rest := bytes.TrimLeft(first[1:], " \t\r,")
		if len(rest) > 0 && rest[0] == '"' || len(rest) > 0 && rest[0] == '}' {
			return FormatJSONL, nil
		}
		if looksLikeKVLog(first) {
			return FormatKVLog, nil
		}
		return FormatEDN, nil
	case first[0] == ';' || first[0] == '#':
		return FormatEDN, nil
	}
	return "", fmt.Errorf("cannot recognise the format from its first line %s (pass --format: %s)", Excerpt(string(first)), strings.Join(Formats(), ", "))
}

// firstLine returns the first line that is not blank and not an EDN comment.
func firstLine(data []byte) ([]byte, bool) {
	data = bytes.TrimPrefix(data, bom)
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == ';' {
			continue
		}
		return line, true
	}
	return nil, false
}

func looksLikeKVLog(line []byte) bool {
	op, err := parseKVLine(line)
	return err == nil && !op.IsNemesis()
}

// sizeText renders a byte count for people: 256 MiB, 1.5 GiB, 300 bytes.
func sizeText(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d bytes", n)
}
