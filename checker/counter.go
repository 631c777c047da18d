package checker

import (
	"fmt"
	"strconv"

	"github.com/faultline-lab/faultline/history"
)

// The counter: add d → d, read → the total. The state is the total, which
// starts at Options.Init (nil: 0).

func init() {
	register(&model{
		name:      "counter",
		doc:       "a counter: add d (an integer), read → the total (starts at 0)",
		ops:       map[string]opcode{"add": opAdd, "incr": opAdd, "increment": opAdd, "read": opRead},
		parse:     parseCounter,
		initState: counterInit,
		step:      counterStep,
		equal:     func(a, b any) bool { return a.(int64) == b.(int64) },
		describeState: func(s any) string {
			return strconv.FormatInt(s.(int64), 10)
		},
		// The witness keeps enough adds to reach a read's total: see
		// totalReachable in shrink.go.
	})
}

func counterInit(init any) (any, error) {
	if init == nil {
		return int64(0), nil
	}
	n, ok := init.(int64)
	if !ok {
		return nil, fmt.Errorf("a counter starts at an integer; got %s", history.Format(init))
	}
	return n, nil
}

func parseCounter(c *call, _ any) error {
	switch c.op {
	case opAdd:
		d, ok := valueOf(c).(int64)
		if !ok {
			return fmt.Errorf("field \"value\": add needs an integer; got %s", history.Format(valueOf(c)))
		}
		c.arg = d
	case opRead:
		c.nilAny = true // a counter never holds nil: a read of nil says nothing
		if c.status == statusOK && c.result != nil {
			if _, ok := c.result.(int64); !ok {
				return fmt.Errorf("field \"value\": a counter read returns an integer; got %s", history.Format(c.result))
			}
		}
	}
	return nil
}

func counterStep(st any, c *call) (bool, any) {
	n := st.(int64)
	switch c.op {
	case opAdd:
		return true, n + c.arg.(int64)
	case opRead:
		if c.status != statusOK || c.result == nil {
			return true, st
		}
		return c.result.(int64) == n, st
	}
	return false, st
}
