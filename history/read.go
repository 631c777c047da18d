package history

import (
	"bytes"
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

// ReadFile reads the history in path. format is "auto" (or "") to recognise
// the format from the content, or one of Formats. It returns the history and
// the format it was read as. Errors are *ParseError naming the file, and
// the line and field where there is one.
func ReadFile(path, format string) (History, string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, "", &ParseError{File: path, Msg: err.Error()}
	}
	return ReadBytes(data, path, format)
}

// Read reads a history from r; see ReadFile.
func Read(r io.Reader, name, format string) (History, string, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxInput+1))
	if err != nil {
		return nil, "", &ParseError{File: name, Msg: err.Error()}
	}
	if len(data) > maxInput {
		return nil, "", &ParseError{File: name, Msg: fmt.Sprintf("larger than %d bytes", maxInput)}
	}
	return ReadBytes(data, name, format)
}

// ReadBytes reads a history held in memory; see ReadFile.
func ReadBytes(data []byte, name, format string) (History, string, error) {
	if format == "" || format == FormatAuto {
		f, err := DetectFormat(data)
		if err != nil {
			return nil, "", &ParseError{File: name, Msg: err.Error()}
		}
		format = f
	}
	var h History
	var err error
	switch format {
	case FormatJSONL:
		h, err = ReadJSONL(bytes.NewReader(data), name)
	case FormatEDN:
		h, err = parseEDNHistory(data, name)
	case FormatEtcdLog:
		h, err = ReadEtcdLog(bytes.NewReader(data), name)
	case FormatKVLog:
		h, err = ReadKVLog(bytes.NewReader(data), name)
	default:
		return nil, "", &ParseError{File: name, Msg: fmt.Sprintf("unknown format %q; want auto, %s", format, strings.Join(Formats(), ", "))}
	}
	if err != nil {
		return nil, format, err
	}
	if h == nil {
		h = History{}
	}
	return h, format, nil
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
	return "", fmt.Errorf("cannot recognise the format from its first line %q (pass --format: %s)", clip(string(first)), strings.Join(Formats(), ", "))
}

// firstLine returns the first line that is not blank and not an EDN comment.
func firstLine(data []byte) ([]byte, bool) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
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
