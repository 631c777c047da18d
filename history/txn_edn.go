package history

import (
	"os"
	"strings"
)

// writeOpValue writes a record's value as EDN. A transaction's micro-
// operations get their function as a keyword — [:append 3 1], [:r :x nil] —
// as Jepsen writes them, so that Elle (and Knossos, for [:read k v]) can
// check what faultline wrote; ReadEDN turns the keyword back into the same
// string.
func writeOpValue(b *strings.Builder, f string, v any) {
	list, ok := v.([]any)
	if f != "txn" || !ok {
		writeEDNValue(b, v)
		return
	}
	b.WriteByte('[')
	for i, e := range list {
		if i > 0 {
			b.WriteByte(' ')
		}
		m, ok := e.([]any)
		name := ""
		if ok && len(m) > 0 {
			name, _ = m[0].(string)
		}
		if !isKeywordName(name) {
			writeEDNValue(b, e)
			continue
		}
		b.WriteString("[:")
		b.WriteString(name)
		for _, x := range m[1:] {
			b.WriteByte(' ')
			writeEDNValue(b, x)
		}
		b.WriteByte(']')
	}
	b.WriteByte(']')
}

// txnDefaults are the fields an EDN record of a transactional history may
// omit: Elle's example histories (histories/paper-example.edn) leave out
// :process and :f, and Jepsen reads such a history as one client's.
var txnDefaults = map[string]any{"process": int64(0), "f": keyword("txn")}

// ReadTxnFile reads a transactional history as ReadFile does, except that
// an EDN record may omit :process (then 0) and :f (then :txn), as Elle's
// example histories do.
func ReadTxnFile(path, format string) (History, string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, "", &ParseError{File: path, Msg: err.Error()}
	}
	return ReadTxnBytes(data, path, format)
}

// ReadTxnBytes reads a transactional history held in memory; see
// ReadTxnFile.
func ReadTxnBytes(data []byte, name, format string) (History, string, error) {
	if format == "" || format == FormatAuto {
		f, err := DetectFormat(data)
		if err != nil {
			return nil, "", &ParseError{File: name, Msg: err.Error()}
		}
		format = f
	}
	if format != FormatEDN {
		return ReadBytes(data, name, format)
	}
	h, err := parseEDNRecords(data, name, txnDefaults)
	if err != nil {
		return nil, format, err
	}
	if h == nil {
		h = History{}
	}
	return h, format, nil
}
