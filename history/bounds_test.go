package history

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

const jsonlTwo = `{"process":0,"type":"invoke","f":"read"}` + "\n" + `{"process":0,"type":"ok","f":"read","value":1}` + "\n"

// Issue 15 item 3: a reader must not turn input it does not understand into
// a short, passing history.
func TestWrongFormatIsAnError(t *testing.T) {
	t.Parallel()
	passwd := "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
	etcdFirst := "INFO  jepsen.util - 0\t:invoke\t:read\tnil\n" + strings.Repeat(`{"process":1,"type":"invoke","f":"read"}`+"\n", 5)
	cases := []struct {
		name, src, format, want string
	}{
		{"jsonl read as etcd log", jsonlTwo, FormatEtcdLog, "no jepsen-etcd-log record in 2 lines"},
		{"passwd read as etcd log", passwd, FormatEtcdLog, "is --format jepsen-etcd-log right?"},
		{"random bytes read as etcd log", "\x8f\x01zz\x00\n\xff\xfe\n", FormatEtcdLog, "no jepsen-etcd-log record"},
		{"jsonl after one etcd line, detected", etcdFirst, FormatAuto, "5 of 6 lines are not jepsen-etcd-log records"},
		{"passwd detected", passwd, FormatAuto, "cannot recognise the format"},
	}
	for _, c := range cases {
		h, _, err := ReadBytes([]byte(c.src), "f.txt", c.format)
		var pe *ParseError
		if !errors.As(err, &pe) || !strings.Contains(err.Error(), c.want) || pe.File != "f.txt" {
			t.Errorf("%s: got %d records, error %v; want an error naming f.txt with %q", c.name, len(h), err, c.want)
		}
	}
}

func TestEtcdNoiseIsCounted(t *testing.T) {
	t.Parallel()
	src := "INFO  jepsen.core - starting\n" +
		"INFO  jepsen.util - 0\t:invoke\t:read\tnil\n" +
		"\n" +
		"INFO  jepsen.util - 0\t:ok\t:read\tnil\n"
	h, info, err := ReadContext(context.Background(), strings.NewReader(src), "e.log", FormatAuto)
	if err != nil {
		t.Fatal(err)
	}
	if len(h) != 2 || info.Skipped != 1 || info.FirstSkipped != 1 || info.Format != FormatEtcdLog {
		t.Fatalf("records %d, info %+v; want 2 records and line 1 skipped", len(h), info)
	}
	if info.LineOf(0) != 2 || info.LineOf(1) != 4 || info.LineOf(2) != 0 {
		t.Fatalf("lines %v, want [2 4]", info.Lines)
	}
}

func TestRecordLines(t *testing.T) {
	t.Parallel()
	cases := []struct {
		format, src string
		lines       []int
	}{
		{FormatJSONL, "\n" + jsonlTwo, []int{2, 3}},
		{FormatEDN, "; c\n[{:process 0 :type :invoke :f :read}\n\n {:process 0\n :type :ok :f :read}]", []int{2, 4}},
		{FormatEDN, "{:process 0 :type :invoke :f :read}\n{:process 0 :type :ok :f :read}", []int{1, 2}},
		{FormatKVLog, "; c\n" + `{:process 0, :type :invoke, :f :get, :key "0", :value nil}` + "\n\n" + `{:process 0, :type :ok, :f :get, :key "0", :value ""}`, []int{2, 4}},
	}
	for _, c := range cases {
		_, info, err := ReadContext(context.Background(), strings.NewReader(c.src), "x", c.format)
		if err != nil || !equalInts(info.Lines, c.lines) {
			t.Errorf("%s %q: lines %v, %v; want %v", c.format, c.src, info.Lines, err, c.lines)
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Issue 15 item 13: a byte-order mark opens many files written on Windows.
func TestByteOrderMark(t *testing.T) {
	t.Parallel()
	for _, format := range []string{FormatAuto, FormatJSONL} {
		h, _, err := ReadBytes(append([]byte("\xef\xbb\xbf"), jsonlTwo...), "bom.jsonl", format)
		if err != nil || len(h) != 2 {
			t.Errorf("--format %s: %d records, %v", format, len(h), err)
		}
	}
	h, _, err := ReadBytes([]byte("\xef\xbb\xbfINFO  jepsen.util - 0\t:invoke\t:read\tnil\n"), "bom.log", FormatAuto)
	if err != nil || len(h) != 1 {
		t.Errorf("etcd log with a BOM: %d records, %v", len(h), err)
	}
}

// Issue 15 items 6 and 13: bounds are errors that state the limit.
func TestBoundsAreStated(t *testing.T) {
	// Not parallel: it lowers the package's input bounds for a while.
	long := `{"process":0,"type":"invoke","f":"` + strings.Repeat("r", MaxLineBytes) + `"}`
	_, _, err := ReadBytes([]byte(jsonlTwo+long), "long.jsonl", FormatJSONL)
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Line != 3 || !strings.Contains(err.Error(), "longer than 16 MiB") {
		t.Errorf("a 16 MiB line: %v", err)
	}
	_, _, err = ReadBytes([]byte(long), "long.jsonl", FormatAuto)
	if err == nil || !strings.Contains(err.Error(), "16 MiB") {
		t.Errorf("a 16 MiB first line, detected: %v", err)
	}

	defer func(n int64, r int) { inputLimit, recordLimit = n, r }(inputLimit, recordLimit)
	inputLimit = 1 << 20
	for _, format := range append(Formats(), FormatAuto) {
		_, _, err := ReadContext(context.Background(), io.LimitReader(zeros{}, 3<<20), "/dev/zero", format)
		if err == nil || !strings.Contains(err.Error(), "/dev/zero") || len(err.Error()) > 300 {
			t.Errorf("--format %s of zeros: %v", format, err)
		}
	}
	many := strings.Repeat(`{"process":0,"type":"invoke","f":"read"}`+"\n", 40_000) // 1.6 MB
	_, _, err = ReadBytes([]byte(many), "big.jsonl", FormatJSONL)
	if err == nil || !strings.Contains(err.Error(), "larger than the 1 MiB a history may take") {
		t.Errorf("a stream over the limit: %v", err)
	}
	path := filepath.Join(t.TempDir(), "big.jsonl")
	if err := os.WriteFile(path, []byte(many), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err = ReadFile(path, FormatAuto)
	if err == nil || !strings.Contains(err.Error(), "1.6 MiB is larger than the 1 MiB") {
		t.Errorf("a file over the limit: %v", err)
	}
	inputLimit, recordLimit = MaxInputBytes, 10
	_, _, err = ReadBytes([]byte(many), "many.jsonl", FormatJSONL)
	if !errors.As(err, &pe) || pe.Line != 11 || !strings.Contains(err.Error(), "more than 10 records") {
		t.Errorf("too many records: %v", err)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func TestReadStopsWhenCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	many := strings.Repeat(`{"process":0,"type":"invoke","f":"read"}`+"\n", 10_000)
	for _, format := range []string{FormatJSONL, FormatAuto} {
		_, _, err := ReadContext(ctx, strings.NewReader(many), "x", format)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("--format %s: %v, want context.Canceled", format, err)
		}
	}
	// Time running out in the middle of a line is running out of time, not
	// a malformed last line.
	inputs := map[string]string{
		FormatJSONL:   many,
		FormatAuto:    many,
		FormatEtcdLog: strings.Repeat("INFO  jepsen.util - 0\t:invoke\t:read\tnil\n", 1000),
		FormatKVLog:   strings.Repeat(`{:process 0, :type :invoke, :f :get, :key "0", :value nil}`+"\n", 1000),
	}
	for format, text := range inputs {
		ctx, cancel := context.WithCancel(context.Background())
		half := &cancelAfter{r: strings.NewReader(text), n: 1000, cancel: cancel}
		if _, _, err := ReadContext(ctx, half, "x", format); !errors.Is(err, context.Canceled) {
			t.Errorf("--format %s cancelled mid-line: %v, want context.Canceled", format, err)
		}
	}
	edn := "[" + strings.Repeat("{:process 0 :type :invoke :f :read}\n", 10_000) + "]"
	if _, _, err := ReadContext(ctx, strings.NewReader(edn), "x", FormatEDN); !errors.Is(err, context.Canceled) {
		t.Errorf("edn: %v, want context.Canceled", err)
	}
}

// Issue 15 item 7: messages quote input clipped to a short, valid,
// printable excerpt.
func TestMessagesQuoteShortExcerpts(t *testing.T) {
	t.Parallel()
	huge := strings.Repeat("\x00", 1<<20)
	bad := strings.Repeat("\xff\x01", 1<<19)
	set := "#{" + strings.Repeat("1 ", 1<<18) + "}"
	cases := []struct{ format, src string }{
		{FormatEDN, huge},
		{FormatEDN, "[" + huge + "]"},
		{FormatEDN, "[{:process " + set + " :type :ok :f :read}]"},
		{FormatEDN, "[{" + set + " 1}]"},
		{FormatEDN, "[{:process 0 :type :" + bad + " :f :read}]"},
		{FormatEDN, "[{:process 0 :type :ok :f :read :index 1" + strings.Repeat("9", 1<<20) + "}]"},
		{FormatEDN, `[{:process 0 :type :ok :f :read :value \` + bad + `}]`},
		{FormatJSONL, `{"process":0,"type":"` + strings.Repeat("x", 10<<20) + `","f":"read"}`},
		{FormatJSONL, `{"process":0,"type":"ok","f":` + set + `}`},
		{FormatJSONL, `{"process":"` + bad + `","type":"ok","f":"read"}`},
		{FormatEtcdLog, "INFO  jepsen.util - " + bad + " :ok :read 1"},
		{FormatEtcdLog, "INFO  jepsen.util - " + huge},
		{FormatKVLog, `{:process 0, :type :ok, :f :get, :key "0", :value ` + set + `}`},
		{FormatAuto, bad},
	}
	for _, c := range cases {
		_, _, err := ReadBytes([]byte(c.src), "x", c.format)
		if err == nil {
			t.Errorf("%s %q...: no error", c.format, c.src[:20])
			continue
		}
		msg := err.Error()
		if len(msg) > 400 || !utf8.ValidString(msg) || strings.ContainsAny(msg, "\x00\n\r\x01") {
			t.Errorf("%s %q...: message of %d bytes: %q", c.format, c.src[:20], len(msg), clipForTest(msg))
		}
	}
}

func clipForTest(s string) string {
	if len(s) > 500 {
		return s[:500]
	}
	return s
}

func TestExcerpt(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"read":                     `"read"`,
		"\x00\xff":                 `"\x00\xff"`,
		strings.Repeat("é", 100):   `"` + strings.Repeat("é", 32) + `"...`,
		"a\nb":                     `"a\nb"`,
		strings.Repeat("\xff", 61): `"` + strings.Repeat(`\xff`, 16) + `"...`,
		`say "hi" \ bye`:           `"say \"hi\" \\ bye"`,
	}
	for in, want := range cases {
		if got := Excerpt(in); got != want {
			t.Errorf("Excerpt(%q) = %s, want %s", clipForTest(in), got, want)
		}
	}
	if got := clip("a\x00b\xffc\n\"\\"); got != `a\x00b\xffc\n"\` {
		t.Errorf("clip = %s", got)
	}
}

func TestRecordErrorNamesLines(t *testing.T) {
	t.Parallel()
	h, info, err := ReadContext(context.Background(), strings.NewReader("\n\n"+jsonlTwo+`{"process":0,"type":"ok","f":"read"}`+"\n"), "x", FormatJSONL)
	if err != nil {
		t.Fatal(err)
	}
	_, err = h.Pairs()
	var re *RecordError
	if !errors.As(err, &re) || re.At != 2 {
		t.Fatalf("got %v, want a RecordError at record 2", err)
	}
	if got := err.Error(); got != `record 2: process 0 completes "read" with ok but has no open invocation` {
		t.Errorf("Error() = %s", got)
	}
	lines := func(i int) string { return "line " + strconv.Itoa(info.LineOf(i)) }
	if got := re.Describe(lines); got != `line 5: process 0 completes "read" with ok but has no open invocation` {
		t.Errorf("Describe = %s", got)
	}
	double := History{{Process: 1, Type: Invoke, F: "read"}, {Process: 1, Type: Invoke, F: "wr%sit\x00e"}}
	_, err = double.Pairs()
	if !errors.As(err, &re) || re.Describe(func(i int) string { return "#" + strconv.Itoa(i) }) != `#1: process 1 invokes "wr%sit\x00e" while its "read" (#0) is still open` {
		t.Errorf("two invocations: %v", err)
	}
}

func TestEmptyInputs(t *testing.T) {
	t.Parallel()
	for _, format := range Formats() {
		h, _, err := ReadBytes(nil, "empty", format)
		if err != nil || h == nil || len(h) != 0 {
			t.Errorf("--format %s of nothing: %v %v, want an empty history", format, h, err)
		}
	}
	if _, _, err := ReadBytes([]byte("\n \n"), "blank", FormatAuto); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("auto of blank lines: %v", err)
	}
	var buf bytes.Buffer
	if err := WriteEDN(&buf, History{}); err != nil {
		t.Fatal(err)
	}
	if h, err := ReadEDN(&buf, "empty.edn"); err != nil || len(h) != 0 {
		t.Errorf("an empty EDN history does not read back: %v", err)
	}
}

// cancelAfter cancels its context once n bytes were read.
type cancelAfter struct {
	r      io.Reader
	n      int
	cancel context.CancelFunc
}

func (c *cancelAfter) Read(p []byte) (int, error) {
	if c.n <= 0 {
		c.cancel()
	}
	if len(p) > c.n && c.n > 0 {
		p = p[:c.n]
	}
	n, err := c.r.Read(p)
	c.n -= n
	return n, err
}
