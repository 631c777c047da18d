package checker

import (
	"fmt"

	"github.com/faultline-lab/faultline/history"
)

// ModelLock is the lock.
const ModelLock Model = "lock"

// The lock: acquire → a fencing token or nil, release → nil (fail when not
// held). The state is who holds the lock and the last fencing token
// granted; tokens must grow with every acquisition.

type lockState struct {
	held     bool
	holder   history.Process
	token    int64
	hasToken bool
}

func init() {
	register(&model{
		name:      ModelLock,
		doc:       "a lock: acquire → fencing token or nil (fail: not acquired), release (fail: not held); one holder at a time, tokens increasing",
		ops:       map[string]opcode{"acquire": opAcquire, "lock": opAcquire, "release": opRelease, "unlock": opRelease},
		parse:     parseLock,
		initState: func(init any) (any, error) { return lockState{}, nil },
		step:      lockStep,
		equal:     func(a, b any) bool { return a.(lockState) == b.(lockState) },
		hash: func(s any) uint64 {
			l := s.(lockState)
			h := mix(uint64(l.holder) ^ uint64(l.token)<<1)
			if l.held {
				h ^= 0x9e37
			}
			if l.hasToken {
				h ^= 0x79b9
			}
			return h
		},
		// A release needs the acquisition it ends: without this, the witness
		// of a stale token would shrink to a lone release.
		writes: func(c *call) []string {
			if c.op == opAcquire {
				return []string{"held by " + c.proc.String()}
			}
			return nil
		},
		observes: func(c *call, _ any) []string {
			if c.op == opRelease && c.status == statusOK {
				return []string{"held by " + c.proc.String()}
			}
			return nil
		},
		noop: func(st any, c *call) bool {
			l := st.(lockState)
			return c.op == opAcquire && l.held || c.op == opRelease && (!l.held || l.holder != c.proc)
		},
		explain: (*analysis).lock,
		promise: "the lock must be held by at most one process at a time",
		describeState: func(s any) string {
			l := s.(lockState)
			desc := "free"
			if l.held {
				desc = "held by process " + l.holder.String()
			}
			if l.hasToken {
				desc += fmt.Sprintf(", last token %d", l.token)
			}
			return desc
		},
	})
}

func parseLock(c *call, _ any) error {
	if c.op == opAcquire && c.status == statusOK && c.result != nil {
		if _, ok := c.result.(int64); !ok {
			return fmt.Errorf("field \"value\": a fencing token is an integer or nil; got %s", history.Format(c.result))
		}
	}
	return nil
}

func lockStep(st any, c *call) (bool, any) {
	l := st.(lockState)
	switch c.op {
	case opAcquire:
		if l.held {
			// An acquisition of a held lock cannot succeed; one whose
			// outcome is unknown simply did not happen.
			return c.status != statusOK, st
		}
		next := lockState{held: true, holder: c.proc, token: l.token, hasToken: l.hasToken}
		if tok, ok := c.result.(int64); ok && c.status == statusOK {
			if l.hasToken && tok <= l.token {
				return false, st
			}
			next.token, next.hasToken = tok, true
		}
		return true, next
	case opRelease:
		if !l.held || l.holder != c.proc {
			return c.status != statusOK, st
		}
		return true, lockState{token: l.token, hasToken: l.hasToken}
	}
	return false, st
}

// lock names lock anomalies.
func (a *analysis) lock() (string, string) {
	f := history.Format
	for i, c1 := range a.wit {
		if c1.op != opAcquire || c1.status != statusOK {
			continue
		}
		for _, c2 := range a.wit[i+1:] {
			if c2.op != opAcquire || c2.status != statusOK {
				continue
			}
			if t1, ok1 := c1.result.(int64); ok1 {
				if t2, ok2 := c2.result.(int64); ok2 && t2 <= t1 && before(c1, c2) {
					return AnomalyStaleToken, fmt.Sprintf("%s acquired the lock with fencing token %s, and afterwards %s acquired it with token %s: tokens must grow, or storage cannot tell the stale holder from the new one.", who(c1), f(t1), who(c2), f(t2))
				}
			}
			released := false
			for _, r := range a.wit {
				if r.op == opRelease && r.proc == c1.proc && r.status != statusFailed && r.invPos < c2.compPos {
					released = true
				}
			}
			if !released {
				return AnomalyTwoHolders, fmt.Sprintf("%s acquired the lock, and %s acquired it too while %s had not released it: two processes held the lock at once.", who(c1), who(c2), who(c1))
			}
		}
	}
	for _, r := range a.wit {
		if r.op == opRelease && r.status == statusOK {
			return AnomalyReleaseNotHeld, fmt.Sprintf("%s released the lock, but no order of these operations has it holding the lock then.", who(r))
		}
	}
	return "", ""
}
