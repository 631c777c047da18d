package checker

import (
	"fmt"

	"github.com/faultline-lab/faultline/history"
)

// register names register, cas-register and kv anomalies.
func (a *analysis) register() (string, string) {
	if name, why := a.appendReads(); name != "" {
		return name, why
	}
	f := history.Format
	init := a.p.init
	for _, r := range a.wit {
		v, ok := constrainingValue(r)
		if !ok || valueEqual(v, init) {
			continue
		}
		writers := a.writersOf(v)
		var inWitness []*call
		for _, w := range a.wit {
			if writes(w, v) {
				inWitness = append(inWitness, w)
			}
		}
		switch {
		case len(writers) == 0:
			return AnomalyNeverWritten, fmt.Sprintf("%s saw %s, but no operation in the history ever wrote %s%s.",
				who(r), f(v), f(v), a.initWords())
		case len(inWitness) > 0 && allFailed(inWitness):
			w := inWitness[0]
			only := "The only write of " + f(v)
			if len(writers) > len(inWitness) {
				only += " that could reach this read"
			}
			return AnomalyFailedWrite, fmt.Sprintf("%s (%s's) failed, so it did not happen — yet %s saw %s: the failure was not a failure.",
				only, who(w), who(r), f(v))
		case allAfter(writers, r):
			return AnomalyFutureRead, fmt.Sprintf("%s saw %s before any write of %s had begun.", who(r), f(v), f(v))
		case len(inWitness) > 0 && allUncertainCAS(inWitness):
			if name, why := a.casAnomaly(); name != "" {
				return name, why
			}
			w := inWitness[0]
			return AnomalyNoOrder, fmt.Sprintf("%s saw %s, which of these operations only %s's compare-and-set from %s to %s could have written — and it could only succeed if the register held %s when it ran. No order of these operations gives the register %s at that moment, so the read has no source.",
				who(r), f(v), who(w), f(w.arg), f(v), f(w.arg), f(w.arg))
		}
	}
	if name, why := a.casAnomaly(); name != "" {
		return name, why
	}
	for _, r := range a.wit {
		if name, why := a.staleRead(r); name != "" {
			return name, why
		}
		if name, why := a.readAfterMismatch(r); name != "" {
			return name, why
		}
		if name, why := a.wentBack(r); name != "" {
			return name, why
		}
	}
	for _, c := range a.wit {
		if c.op == opCAS && c.status == statusMismatch {
			return AnomalyFalseCASFailure, fmt.Sprintf("%s's compare-and-set reported that the register did not hold %s, but in every order these operations allow, it did hold %s at that moment.",
				who(c), f(c.arg), f(c.arg))
		}
	}
	return "", ""
}

func (a *analysis) initWords() string {
	if a.p.init == nil {
		return " (the register starts empty)"
	}
	return " (the register starts at " + history.Format(a.p.init) + ")"
}

// constrainingValue is the value a completed read or compare-and-set
// depended on.
func constrainingValue(c *call) (any, bool) {
	if c.status != statusOK {
		return nil, false
	}
	switch c.op {
	case opRead:
		if c.result == nil && c.nilAny {
			return nil, false
		}
		return c.result, true
	case opCAS:
		return c.arg, true
	}
	return nil, false
}

// writersOf lists the partition's calls that write v, in any status.
func (a *analysis) writersOf(v any) []*call {
	var out []*call
	for _, c := range a.part {
		if c.op == opWrite && valueEqual(c.arg, v) || c.op == opCAS && c.status != statusMismatch && valueEqual(c.arg2, v) {
			out = append(out, c)
		}
	}
	return out
}

func allFailed(cs []*call) bool {
	for _, c := range cs {
		if c.status != statusFailed {
			return false
		}
	}
	return true
}

func allUncertainCAS(cs []*call) bool {
	for _, c := range cs {
		if c.op != opCAS || c.status != statusUnknown {
			return false
		}
	}
	return true
}

func allAfter(cs []*call, r *call) bool {
	for _, c := range cs {
		if c.invPos < r.compPos {
			return false
		}
	}
	return true
}

// staleRead finds a read of v after a write of another value had certainly
// replaced v.
func (a *analysis) staleRead(r *call) (string, string) {
	f := history.Format
	if r.op != opRead {
		return "", ""
	}
	v, ok := constrainingValue(r)
	if !ok {
		return "", ""
	}
	var vWriters []*call
	for _, w := range a.wit {
		if writes(w, v) {
			vWriters = append(vWriters, w)
		}
	}
	for _, w := range a.wit {
		u, ok := written(w)
		if !ok || valueEqual(u, v) || !before(w, r) {
			continue
		}
		replaced := true
		for _, vw := range vWriters {
			if !before(vw, w) {
				replaced = false
			}
		}
		// A compare-and-set from v that succeeded found v in place: the
		// only write of v had taken effect before it.
		if w.op == opCAS && valueEqual(w.arg, v) && len(vWriters) <= 1 {
			replaced = true
		}
		// So did a read of v that completed before w began.
		for _, e := range a.wit {
			if ev, ok := constrainingValue(e); ok && e.op == opRead && e != r && valueEqual(ev, v) && before(e, w) && len(vWriters) <= 1 {
				replaced = true
			}
		}
		if !replaced {
			continue
		}
		source := "the register's initial value " + f(v)
		if len(vWriters) > 0 {
			source = who(vWriters[0]) + "'s " + f(v)
		}
		base := fmt.Sprintf("%s finished writing %s [%s] before %s's read began, and it replaced %s — yet the read returned %s, a value already overwritten.",
			sentence(who(w)), f(u), records(w), who(r), source, f(v))
		if seen := a.observedLater(u, w); seen != nil {
			return AnomalyStaleRead, base + fmt.Sprintf(" In the history, %s's %s [%s] saw %s: the write took effect, and this read was served from stale state.", who(seen), opNames[seen.op], records(seen), f(u))
		}
		return AnomalyLostWrite, base + fmt.Sprintf(" No operation in the history ever saw %s: as far as the history shows, the acknowledged write was lost.", f(u))
	}
	return "", ""
}

// observedLater finds an operation of the history, begun after w was
// invoked, that saw u: a read that returned it, or a compare-and-set that
// succeeded from it.
func (a *analysis) observedLater(u any, w *call) *call {
	for _, c := range a.part {
		if c == w || c.invPos < w.invPos || c.status != statusOK {
			continue
		}
		if v, ok := constrainingValue(c); ok && valueEqual(v, u) {
			return c
		}
	}
	return nil
}

// written is the value a call certainly wrote, if it completed ok.
func written(c *call) (any, bool) {
	if c.status != statusOK {
		return nil, false
	}
	switch c.op {
	case opWrite:
		return c.arg, true
	case opCAS:
		return c.arg2, true
	}
	return nil, false
}

func writes(c *call, v any) bool {
	switch c.op {
	case opWrite:
		return valueEqual(c.arg, v)
	case opCAS:
		return c.status != statusMismatch && valueEqual(c.arg2, v)
	}
	return false
}

// readAfterMismatch finds a read of v after a compare-and-set had found
// the register not holding v, with no write of v that could come between.
func (a *analysis) readAfterMismatch(r *call) (string, string) {
	f := history.Format
	v, ok := constrainingValue(r)
	if !ok || r.op != opRead {
		return "", ""
	}
	for _, c := range a.wit {
		if c.op != opCAS || c.status != statusMismatch || !valueEqual(c.arg, v) || !before(c, r) {
			continue
		}
		later := false
		for _, w := range a.wit {
			if writes(w, v) && !before(w, c) {
				later = true
			}
		}
		if later {
			continue
		}
		return AnomalyStaleRead, fmt.Sprintf("%s's compare-and-set found that the register no longer held %s, and no write of %s could have come after it — yet %s, beginning later, read %s: an overwritten value.",
			who(c), f(v), f(v), who(r), f(v))
	}
	return "", ""
}

// wentBack finds a read of v after another read had already seen a
// different value w, when v had certainly been written before w was seen
// and nothing could write v again: the register went back in time.
func (a *analysis) wentBack(r *call) (string, string) {
	f := history.Format
	v, ok := constrainingValue(r)
	if !ok || r.op != opRead {
		return "", ""
	}
	var vWriters []*call
	for _, w := range a.wit {
		if writes(w, v) && w.status != statusFailed {
			vWriters = append(vWriters, w)
		}
	}
	if len(vWriters) > 1 {
		return "", ""
	}
	for _, r1 := range a.wit {
		w, ok := constrainingValue(r1)
		if !ok || r1.op != opRead || valueEqual(w, v) || !before(r1, r) {
			continue
		}
		// v was in place before r1 began: its writer completed, or a read
		// had already returned it.
		var evidence *call
		for _, e := range a.wit {
			if !before(e, r1) {
				continue
			}
			if ev, ok := constrainingValue(e); ok && e.op == opRead && valueEqual(ev, v) || writes(e, v) && e.status == statusOK {
				evidence = e
			}
		}
		if evidence == nil && !(len(vWriters) == 0 && valueEqual(v, a.p.init)) {
			continue
		}
		if len(vWriters) == 1 && !before(vWriters[0], r1) && evidence == nil {
			continue
		}
		how := "the register started with it"
		if evidence != nil {
			how = who(evidence) + " had " + map[bool]string{true: "read it", false: "written it"}[evidence.op == opRead]
		}
		return AnomalyStaleRead, fmt.Sprintf("%s was in place early (%s); then %s read %s; then %s read %s again. Nothing could write %s a second time, so the register went back in time: a stale read.",
			f(v), how, who(r1), f(w), who(r), f(v), f(v))
	}
	return "", ""
}
