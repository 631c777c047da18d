package checker

import (
	"fmt"
	"strings"

	"github.com/faultline-lab/faultline/history"
)

// appendReads names anomalies of a key whose value is built by appends:
// a read is a string made of the appends that took effect before it.
func (a *analysis) appendReads() (string, string) {
	f := history.Format
	var appends []*call
	for _, c := range a.part {
		if c.op == opAppend {
			appends = append(appends, c)
		}
	}
	if len(appends) == 0 {
		return "", ""
	}
	for _, r := range a.wit {
		s, ok := r.result.(string)
		if r.op != opRead || r.status != statusOK || !ok {
			continue
		}
		rest := s
		for _, w := range a.part {
			if v, ok := w.arg.(string); ok && w.op == opWrite && v != "" && strings.HasPrefix(s, v) && len(v) <= len(rest) && rest == s {
				if w.invPos > r.compPos {
					continue
				}
				rest = s[len(v):]
			}
		}
		for _, w := range appends {
			if !strings.Contains(s, w.arg.(string)) {
				continue
			}
			rest = strings.Replace(rest, w.arg.(string), "", 1)
			if w.invPos > r.compPos {
				return AnomalyFutureRead, fmt.Sprintf("%s read %s, which includes %s — but %s only began to append it later [%s].", who(r), f(s), f(w.arg), who(w), records(w))
			}
			if w.status == statusFailed {
				return AnomalyFailedWrite, fmt.Sprintf("%s read %s, which includes %s — but %s's append of it failed, so it did not happen.", who(r), f(s), f(w.arg), who(w))
			}
		}
		if rest != "" {
			return AnomalyNeverWritten, fmt.Sprintf("%s read %s, but no appends in the history produce %s.", who(r), f(s), f(rest))
		}
		for _, w := range a.wit {
			if w.op != opAppend || w.status != statusOK || !before(w, r) || strings.Contains(s, w.arg.(string)) {
				continue
			}
			if a.appendReadLater(w, r) {
				return AnomalyStaleRead, fmt.Sprintf("%s's append of %s was acknowledged before %s's read began, yet the read returned %s without it. Later reads did include it: this read was served from stale state.", who(w), f(w.arg), who(r), f(s))
			}
			return AnomalyLostWrite, fmt.Sprintf("%s's append of %s was acknowledged before %s's read began, yet the read returned %s without it, and no later read ever showed it: the acknowledged append was lost.", who(w), f(w.arg), who(r), f(s))
		}
	}
	return AnomalyNoOrder, "The reads show these appends in orders, or at moments, that no single sequence of appends explains."
}

func (a *analysis) appendReadLater(w, r *call) bool {
	for _, c := range a.part {
		if s, ok := c.result.(string); ok && c.op == opRead && c.status == statusOK && c.invPos > r.compPos && strings.Contains(s, w.arg.(string)) {
			return true
		}
	}
	return false
}
