package checker

import (
	"fmt"

	"github.com/faultline-lab/faultline/history"
)

// The register family's models.
const (
	ModelRegister    Model = "register"
	ModelCASRegister Model = "cas-register"
	ModelKV          Model = "kv"
)

// The register family: register, cas-register and kv (a register per key,
// checked per key). The state is the register's value; nil means nothing
// written yet.

func init() {
	base := map[string]opcode{"read": opRead, "get": opRead, "write": opWrite, "put": opWrite}
	withCAS := map[string]opcode{"cas": opCAS}
	for k, v := range base {
		withCAS[k] = v
	}
	kvOps := map[string]opcode{"append": opAppend}
	for k, v := range withCAS {
		kvOps[k] = v
	}
	register(registerModel(ModelRegister, base, false,
		"a single register: write v → v, read → v (nil: nothing written yet)"))
	register(registerModel(ModelCASRegister, withCAS, false,
		"a register with compare-and-set: write v, read → v, cas [from to] (fail: the compare missed)"))
	register(registerModel(ModelKV, kvOps, true,
		"a register per key, checked per key: read/get, write/put, cas [from to], append s (strings); every op has a key"))
}

func registerModel(name Model, ops map[string]opcode, partitioned bool, doc string) *model {
	// Without a hash, porcupine buckets its cache by the set of operations
	// linearized alone: faster for a register's few small values (measured
	// on the etcd logs), far slower for the many long strings that appends
	// build (the key-value logs).
	var hash func(any) uint64
	if _, appends := ops["append"]; appends {
		hash = valueHash
	}
	return &model{
		name:          name,
		doc:           doc,
		partitioned:   partitioned,
		ops:           ops,
		parse:         parseRegister(partitioned),
		initState:     func(init any) (any, error) { return init, nil },
		step:          registerStep,
		equal:         valueEqual,
		hash:          hash,
		describeState: history.Format,
		writes:        registerWrites,
		observes:      registerObserves,
		latest:        true,
		prune:         pruneRegister,
		noop:          registerNoop,
		overwrites:    func(c *call) bool { return c.op == opWrite },
		explain:       (*analysis).register,
		promise:       "every read must return the value of the last write before it",
	}
}

// registerNoop: a compare-and-set whose compare misses, or a write of the
// value already there, changes nothing.
func registerNoop(st any, c *call) bool {
	switch c.op {
	case opCAS:
		return !valueEqual(st, c.arg)
	case opWrite:
		return valueEqual(st, c.arg)
	}
	return false
}

func parseRegister(keyed bool) func(c *call, init any) error {
	return func(c *call, init any) error {
		if keyed && c.key == "" && c.inv.Key == "" {
			return fmt.Errorf("field \"key\": missing (kv operations are per key)")
		}
		c.nilAny = init != nil
		switch c.op {
		case opWrite:
			c.arg = valueOf(c)
		case opAppend:
			v := valueOf(c)
			if _, ok := v.(string); !ok {
				return fmt.Errorf("field \"value\": append needs a string; got %s", history.Format(v))
			}
			c.arg = v
		case opCAS:
			pair, ok := valueOf(c).([]any)
			if !ok || len(pair) != 2 {
				return fmt.Errorf("field \"value\": want [from to]; got %s", history.Format(valueOf(c)))
			}
			c.arg, c.arg2 = pair[0], pair[1]
		}
		return nil
	}
}

func registerStep(st any, c *call) (bool, any) {
	switch c.op {
	case opRead:
		if c.status != statusOK || c.result == nil && c.nilAny {
			return true, st
		}
		return valueEqual(st, c.result), st
	case opWrite:
		return true, c.arg
	case opCAS:
		match := valueEqual(st, c.arg)
		switch c.status {
		case statusOK:
			if !match {
				return false, st
			}
			return true, c.arg2
		case statusMismatch:
			return !match, st
		}
		if match {
			return true, c.arg2
		}
		return true, st
	case opAppend:
		s, _ := st.(string)
		if st != nil && !isString(st) {
			return false, st
		}
		return true, s + c.arg.(string)
	}
	return false, st
}

func isString(v any) bool {
	_, ok := v.(string)
	return ok
}

func registerWrites(c *call) []string {
	switch c.op {
	case opAppend:
		return []string{appendToken(c.arg.(string))}
	case opWrite:
		return []string{token(c.arg)}
	case opCAS:
		if c.status != statusMismatch {
			return []string{token(c.arg2)}
		}
	}
	return nil
}

func appendToken(s string) string { return "append " + s }

// registerObserves: a completed read observes its value; a
// compare-and-set that succeeded, or may have, observes the value it
// expected — an unknown one matters when a read shows its new value.
func registerObserves(c *call, init any) []string {
	var v any
	switch {
	case c.op == opRead && c.status == statusOK:
		v = c.result
		if v == nil {
			return nil
		}
	case c.op == opCAS && (c.status == statusOK || c.status == statusUnknown):
		v = c.arg
	default:
		return nil
	}
	if valueEqual(v, init) {
		return nil
	}
	return []string{token(v)}
}
