package history

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDetectFormat(t *testing.T) {
	t.Parallel()
	cases := []struct {
		src, want string
	}{
		{`{"index":0,"type":"invoke","process":0,"f":"read"}`, FormatJSONL},
		{"\n  { \"type\":\"invoke\"}", FormatJSONL},
		{"; a comment\n[{:process 0 :type :invoke :f :read}]", FormatEDN},
		{"({:process 0 :type :invoke :f :read})", FormatEDN},
		{"{:process 0, :type :invoke, :f :read, :value nil}", FormatEDN},
		{`{:process 0, :type :invoke, :f :get, :key "0", :value nil}`, FormatKVLog},
		{"INFO  jepsen.util - 0\t:invoke\t:read\tnil", FormatEtcdLog},
		{"\xef\xbb\xbf[]", FormatEDN},
	}
	for _, c := range cases {
		got, err := DetectFormat([]byte(c.src))
		if err != nil || got != c.want {
			t.Errorf("DetectFormat(%q) = %q, %v; want %q", c.src, got, err, c.want)
		}
	}
	for _, bad := range []string{"", "  \n; only a comment\n", "hello"} {
		if f, err := DetectFormat([]byte(bad)); err == nil {
			t.Errorf("DetectFormat(%q) = %q, want an error", bad, f)
		}
	}
}

func TestReadFileFormats(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	files := map[string]string{
		"h.jsonl": `{"index":0,"time":1,"process":0,"type":"invoke","f":"write","value":2}` + "\n" + `{"index":1,"time":2,"process":0,"type":"ok","f":"write","value":2}` + "\n",
		"h.edn":   "[{:index 0, :time 1, :process 0, :type :invoke, :f :write, :value 2}\n {:index 1, :time 2, :process 0, :type :ok, :f :write, :value 2}]\n",
	}
	var got []History
	for name, text := range files {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		h, format, err := ReadFile(path, "auto")
		if err != nil {
			t.Fatal(err)
		}
		if want := strings.TrimPrefix(filepath.Ext(name), "."); format != want {
			t.Errorf("%s read as %s", name, format)
		}
		got = append(got, h)
	}
	if len(got[0]) != 2 || got[0][1].Value != got[1][1].Value || got[0][1].Type != got[1][1].Type {
		t.Errorf("formats disagree: %v vs %v", got[0], got[1])
	}
	_, _, err := ReadFile(filepath.Join(dir, "missing.edn"), "auto")
	var pe *ParseError
	if !errors.As(err, &pe) || !strings.Contains(pe.File, "missing.edn") {
		t.Errorf("missing file: %v", err)
	}
	_, _, err = ReadFile(filepath.Join(dir, "h.edn"), "yaml")
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), "unknown format") {
		t.Errorf("unknown format: %v", err)
	}
	_, _, err = ReadFile(filepath.Join(dir, "h.edn"), FormatJSONL)
	if !errors.As(err, &pe) || pe.Line != 1 {
		t.Errorf("edn read as jsonl: %v", err)
	}
}
