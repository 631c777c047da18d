package history

import (
	"bytes"
	"strings"
	"testing"
)

// Every reader, on any input: no panic; on failure a *ParseError naming
// the input; on success a history that survives the EDN round trip
// (checkRead, in helpers_test.go).

func FuzzReadEDN(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		h, err := ReadEDN(bytes.NewReader(data), "fuzz")
		checkRead(t, h, err)
	})
}

func FuzzReadEtcdLog(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		h, err := ReadEtcdLog(bytes.NewReader(data), "fuzz")
		checkRead(t, h, err)
	})
}

func FuzzReadKVLog(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		h, err := ReadKVLog(bytes.NewReader(data), "fuzz")
		checkRead(t, h, err)
	})
}

func FuzzReadAuto(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		h, format, err := ReadBytes(data, "fuzz", FormatAuto)
		if err == nil && format == "" {
			t.Fatalf("no format reported")
		}
		checkRead(t, h, err)
	})
}

func TestFuzzSeedsDoNotAllFail(t *testing.T) {
	t.Parallel()
	okCount := 0
	for _, s := range fuzzSeeds {
		if _, _, err := ReadBytes([]byte(s), "seed", FormatAuto); err == nil {
			okCount++
		} else if !strings.Contains(err.Error(), "seed") {
			t.Errorf("error does not name the input: %v", err)
		}
	}
	if okCount < 8 {
		t.Errorf("only %d seeds parse", okCount)
	}
}
