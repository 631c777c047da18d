package maelstrom

import (
	"strings"
	"testing"
)

const sampleScenario = `{
  "note": "n",
  "config": {"workload": "echo", "bin": ["./node"], "nodes": 2, "clients": 2, "rate": 10, "time_limit_ns": 1000000000,
    "recovery_ns": 0, "op_timeout_ns": 1000000000, "init_timeout_ns": 1000000000, "seed": 3, "faults": {"list": null}, "log_dir": "/tmp/x"},
  "schedule": {"list": [{"at_ns": 5, "kind": "partition", "shape": "one"}]},
  "applied": [],
  "final_from": -1,
  "elapsed_ns": 5,
  "stats": {},
  "logs": {},
  "history": [
    {"index":0,"time":1,"process":0,"type":"invoke","f":"echo","value":"a","node":"n1"},
    {"index":1,"time":2,"process":0,"type":"ok","f":"echo","value":"a","node":"n1"}
  ]
}`

func TestReadScenario(t *testing.T) {
	sc, err := ReadScenario([]byte(sampleScenario), "s.json")
	if err != nil {
		t.Fatal(err)
	}
	if sc.Config.Seed != 3 || len(sc.History) != 2 || sc.History[1].Value != "a" || sc.Schedule.Faults[0].Shape != "one" {
		t.Fatalf("read %+v", sc)
	}
}

func TestReadScenarioNamesWhatIsWrong(t *testing.T) {
	cases := map[string]string{
		`"workload": "echo"`:    `field "config": workload "kafka": unknown`,
		`"nodes": 2`:            `field "config": nodes must be 1–64, got 0`,
		`"shape": "one"`:        `field "schedule": faults.list[0].shape: unknown partition shape "cube"`,
		`"final_from": -1`:      `field "final_from": 7 is not a record`,
		`"type":"ok"`:           `record:2: field "type"`,
		`"elapsed_ns": 5`:       `unknown field "elapsed"`,
		`"process":0,"type":"o`: `process 1 completes "echo" with ok but has no open invocation`,
	}
	repl := map[string]string{
		`"workload": "echo"`:    `"workload": "kafka"`,
		`"nodes": 2`:            `"nodes": 0`,
		`"shape": "one"`:        `"shape": "cube"`,
		`"final_from": -1`:      `"final_from": 7`,
		`"type":"ok"`:           `"type":"done"`,
		`"elapsed_ns": 5`:       `"elapsed": 5`,
		`"process":0,"type":"o`: `"process":1,"type":"o`,
	}
	for find, want := range cases {
		bad := strings.Replace(sampleScenario, find, repl[find], 1)
		_, err := ReadScenario([]byte(bad), "s.json")
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "s.json") {
			t.Errorf("%s: %v, want an error naming s.json and %q", repl[find], err, want)
		}
	}
}

func FuzzReadScenario(f *testing.F) {
	f.Add([]byte(sampleScenario))
	f.Add([]byte(`{"history":[{}]}`))
	f.Add([]byte(`{"config":{"faults":{"list":[{"kind":"crash","nodes":["n9"]}]}}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		sc, err := ReadScenario(b, "f.json")
		if err != nil {
			return
		}
		if _, err := sc.History.Pairs(); err != nil {
			t.Fatalf("accepted a history that does not pair: %v", err)
		}
		var w strings.Builder
		if err := WriteScenario(&w, sc); err != nil {
			t.Fatal(err)
		}
		if _, err := ReadScenario([]byte(w.String()), "again.json"); err != nil {
			t.Fatalf("a scenario read back fails: %v\n%s", err, w.String())
		}
	})
}
