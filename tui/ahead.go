package tui

import (
	"cmp"
	"context"
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/checker/txn"
	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/lessons"
	"github.com/faultline-lab/faultline/sim"
)

// aheadState is the verdict of the run on the screen, known before
// playback reaches it. The simulation is deterministic and fast, so a
// command runs the same scenario — the learner's faults so far included —
// to its end and checks it while the learner watches; playback then stops
// at the first operation the checker cannot linearize. A fault pressed
// later changes the future, so it starts the work again.
type aheadState struct {
	id      int
	running bool
	cancel  context.CancelFunc
	key     aheadKey
	out     *aheadOutcome
	shown   bool      // playback has stopped at the break point once
	from    int64     // the run's moment when the work started
	seen    *playback // the run whose break point the learner has seen
}

// aheadKey is the run an outcome belongs to, and how many faults the
// learner had pressed in it.
type aheadKey struct {
	run     *playback
	pressed int
}

// aheadOutcome is what the run comes to.
type aheadOutcome struct {
	res       checker.Result
	extra     any // what the check gave besides (a transactional lesson's result)
	err       error
	stopIndex int   // the history position of the completion that breaks it; -1 none
	stopAt    int64 // its moment
	story     string
	mattered  string
}

// aheadDoneMsg brings an outcome back to Update.
type aheadDoneMsg struct {
	id  int
	key aheadKey
	out aheadOutcome
}

// start computes the outcome of the run as it stands, in the background.
func (a *aheadState) start(l *lessons.Lesson, p *playback) tea.Cmd {
	a.stop()
	ctx, cancel := context.WithCancel(context.Background())
	a.id++
	a.running, a.cancel, a.out, a.shown = true, cancel, nil, false
	a.key = aheadKey{run: p, pressed: p.pressed}
	a.from = p.s.Now()
	id, key, sc := a.id, a.key, p.scenario()
	return func() tea.Msg {
		return aheadDoneMsg{id: id, key: key, out: computeAhead(ctx, l, sc)}
	}
}

func (a *aheadState) stop() {
	if a.cancel != nil {
		a.cancel()
	}
	a.running, a.cancel = false, nil
	a.id++
}

// valid reports whether the outcome is that of the run as it stands.
func (a *aheadState) valid(p *playback) bool {
	return a.out != nil && a.key == aheadKey{run: p, pressed: p.pressed}
}

// stopFor is the history length at which playback should stop (-1: none).
func (a *aheadState) stopFor(p *playback) int {
	if !a.valid(p) || a.shown || a.out.err != nil {
		return -1
	}
	return a.out.stopIndex
}

// resultFor is the verdict of the whole run, when known.
func (a *aheadState) resultFor(p *playback) (checker.Result, bool) {
	if !a.valid(p) || a.out.err != nil || a.out.res.Verdict == checker.Unknown {
		return checker.Result{}, false
	}
	return a.out.res, true
}

// aheadDone takes an outcome in. When playback has already passed the
// break point (the check took longer than the playback to it), the screen
// goes back to that moment.
func (p *playerModel) aheadDone(msg aheadDoneMsg, in playerInput) tea.Cmd {
	a := &p.ahead
	if msg.id != a.id || !a.running {
		return nil
	}
	a.running, a.cancel = false, nil
	out := msg.out
	a.out = &out
	if !a.valid(p.run) || !p.run.started {
		return nil
	}
	res, ok := a.resultFor(p.run)
	switch {
	case !ok:
		return nil
	case out.stopIndex >= 0 && out.stopAt <= a.from && a.seen == p.run:
		// A fault pressed after the break point the learner has seen:
		// the past stays as it was, and the run plays on.
		a.shown = true
	case out.stopIndex >= 0 && len(p.run.s.History()) > out.stopIndex:
		cmd := p.breakPoint(in)
		return tea.Batch(cmd, p.rewindTo(out.stopAt))
	case p.run.done() && !in.judged:
		in.hear(runNews{kind: newsVerdict, res: res, extra: a.out.extra})
	}
	return nil
}

// computeAhead runs a scenario to its end (the learner's faults
// included), checks it, and for a failure finds the
// record where it breaks, says in one line what happened there, and what
// state of the cluster mattered.
func computeAhead(ctx context.Context, l *lessons.Lesson, sc sim.Scenario) aheadOutcome {
	out := aheadOutcome{stopIndex: -1}
	sc.Config.Trace = false
	s, _, err := lessons.Start(sc)
	if err != nil {
		out.err = err
		return out
	}
	for !s.Done() && ctx.Err() == nil {
		s.Step()
	}
	if err := s.Err(); err != nil {
		out.err = err
		return out
	}
	if ctx.Err() != nil {
		out.err = ctx.Err()
		return out
	}
	h := s.History()
	res, extra, err := checkLesson(ctx, l, h, checker.Options{Timeout: checkTimeout})
	if err != nil {
		out.err = err
		return out
	}
	out.res, out.extra = res, extra
	if res.Verdict != checker.NotLinearizable || res.Failing == nil {
		return out
	}
	out.stopIndex = completionOf(h, res.Failing.Index)
	if out.stopIndex < 0 {
		return out
	}
	out.stopAt = h[out.stopIndex].Time
	answerer := answererOf(s, h[out.stopIndex])
	out.story = storyLine(res, answerer)
	if tr, ok := extra.(txn.Result); ok {
		if a, found := lessons.FirstForbidden(tr); found {
			out.story = txnStory(tr, a)
		}
	}
	out.mattered = matteredState(ctx, sc, out.stopIndex, h[out.stopIndex], answerer)
	return out
}

// completionOf is the position of the completion of the operation
// invoked at position inv (-1 when it never completed).
func completionOf(h history.History, inv int64) int {
	if inv < 0 || int(inv) >= len(h) {
		return -1
	}
	p := h[inv].Process
	for i := int(inv) + 1; i < len(h); i++ {
		if h[i].Process == p && h[i].Type != history.Invoke {
			return i
		}
	}
	return -1
}

// witnessOp is an operation of a witness: its invocation and completion.
type witnessOp struct {
	inv  history.Op
	comp *history.Op
}

// witnessOps pairs a witness's records into operations, in order of
// invocation.
func witnessOps(w history.History) []witnessOp {
	var out []witnessOp
	open := map[history.Process]int{}
	for _, o := range w {
		if o.IsNemesis() {
			continue
		}
		if o.Type == history.Invoke {
			open[o.Process] = len(out)
			out = append(out, witnessOp{inv: o})
			continue
		}
		if i, ok := open[o.Process]; ok {
			c := o
			out[i].comp = &c
			delete(open, o.Process)
		}
	}
	return out
}

// storyLine says in one line what happened where the run breaks, from the
// witness's own records: the operation no order explains (and, when
// another node answered it than the one it was sent to, which), and the
// latest change of another process that had finished before it began.
// answerer is the node whose reply the client took ("" when unknown).
func storyLine(res checker.Result, answerer string) string {
	ops := witnessOps(res.Witness)
	var f *witnessOp
	for i := range ops {
		if res.Failing != nil && ops[i].inv.Index == res.Failing.Index {
			f = &ops[i]
		}
	}
	if f == nil || f.comp == nil {
		return ""
	}
	line := fmt.Sprintf("p%s %s", f.inv.Process, doneAsShown(res, f))
	answerer = cmp.Or(answerer, f.comp.Node)
	switch {
	case answerer != "" && f.inv.Node != "" && answerer != f.inv.Node:
		// A retry to another node, or a request passed on (a gateway's,
		// a worker's): the node asked is not the node that answered,
		// and the state that mattered is the answerer's.
		line += " (sent to " + f.inv.Node + ", answered by " + answerer + ")"
	case f.inv.Node != "":
		line += " at " + f.inv.Node
	}
	// A read (or a compare) that missed a change is told against that
	// change; other anomalies (a dequeue twice, two lock holders) by name.
	observes := f.inv.F == "read" || f.inv.F == "get" || f.inv.F == "cas"
	var before *witnessOp
	for i := range ops {
		if !observes {
			break
		}
		o := &ops[i]
		if o.comp == nil || o.comp.Type != history.OK || o.inv.Process == f.inv.Process || o.comp.Time >= f.inv.Time || resultF[o.inv.F] {
			continue
		}
		if before == nil || o.comp.Time > before.comp.Time {
			before = o
		}
	}
	if before == nil {
		if res.Anomaly != "" {
			line += ": " + res.Anomaly
		}
		return line
	}
	return fmt.Sprintf("%s, but p%s's %s had finished %s before it began", line, before.inv.Process,
		nounPhrase(before.inv), fmtSpan(f.inv.Time-before.comp.Time))
}

// doneAsShown is the failing operation as done. A witness of a set or a
// queue keeps only the elements it is about (Result.Shown), so a read it
// shows as [] may have returned a hundred others: such a read or drain is
// told by those elements, in the checker's words ("read a set without
// 21"), not as the witness's value.
func doneAsShown(res checker.Result, f *witnessOp) string {
	xs, isList := f.comp.Value.([]any)
	if len(res.Shown) == 0 || !isList || f.comp.Type != history.OK {
		return pastTense(f.inv, f.comp)
	}
	switch f.inv.F {
	case "read":
		return "read a set " + checker.ProjectedWords(res.Shown, xs)
	case "drain":
		return "drained the queue, " + checker.ProjectedWords(res.Shown, xs)
	}
	return pastTense(f.inv, f.comp)
}

// pastTense is an operation as done: "read 7", "wrote 3", "added 1".
func pastTense(inv history.Op, comp *history.Op) string {
	v := func(x any) string { return briefValue(x, 24) }
	key := ""
	if inv.Key != "" {
		key = " " + inv.Key
	}
	ok := comp.Type == history.OK
	switch inv.F {
	case "read", "get":
		if ok {
			return "read" + key + " " + v(comp.Value)
		}
	case "write", "put":
		return "wrote" + key + " " + v(inv.Value)
	case "add":
		return "added " + v(inv.Value) + key
	case "enqueue":
		return "enqueued " + v(inv.Value)
	case "dequeue":
		if ok {
			return "dequeued " + v(comp.Value)
		}
	case "acquire":
		if ok {
			return "acquired the lock (token " + v(comp.Value) + ")"
		}
	case "cas":
		if pair, isPair := inv.Value.([]any); isPair && len(pair) == 2 {
			verb := "set" + key + " " + v(pair[0]) + "→" + v(pair[1])
			if ok {
				return verb + " by compare-and-set"
			}
			return "failed to " + verb + " by compare-and-set"
		}
	}
	return strings.TrimSpace(fmt.Sprintf("%s%s %s (%s)", inv.F, key, v(inv.Value), comp.Type))
}

// nounPhrase is an operation as a thing: "write of 1", "add of 3".
func nounPhrase(inv history.Op) string {
	s := inv.F
	if inv.F == "cas" {
		if pair, ok := inv.Value.([]any); ok && len(pair) == 2 {
			return "compare-and-set " + briefValue(pair[0], 12) + "→" + briefValue(pair[1], 12)
		}
	}
	if inv.Key != "" {
		s += " to " + inv.Key
	}
	if inv.Value != nil {
		s += " of " + briefValue(inv.Value, 24)
	}
	return s
}

// matteredState replays the run up to its break point and names the state
// that mattered: two nodes that led the same term at once, else the state
// of the node that answered the operation no order explains, beside the
// leader's. answerer is the node whose reply the client took: not always
// the node the client asked (a gateway passes a request on, and the
// primary answers the client).
func matteredState(ctx context.Context, sc sim.Scenario, stop int, comp history.Op, answerer string) string {
	s, _, err := lessons.Start(sc)
	if err != nil {
		return ""
	}
	twoLed := ""
	for len(s.History()) <= stop && !s.Done() && ctx.Err() == nil {
		s.Step()
		if twoLed == "" {
			twoLed = twoLeaders(s.Cluster(), s.Now())
		}
	}
	if twoLed != "" {
		return twoLed
	}
	return answeringState(s.Cluster(), answerer, comp.Node)
}

// answererOf is the node whose reply completed comp: the node the client
// asked, unless it passed the request on (sim.AnsweredBy).
func answererOf(s *sim.Sim, comp history.Op) string {
	return cmp.Or(s.AnsweredBy(comp.Index), comp.Node)
}

// twoLeaders names two nodes that both lead the same term now ("" when
// no two do).
func twoLeaders(nodes []sim.NodeView, now int64) string {
	for i, a := range nodes {
		if !a.Up || !a.Status.Role.Leads() {
			continue
		}
		for _, b := range nodes[i+1:] {
			if !b.Up || !b.Status.Role.Leads() || b.Status.Term != a.Status.Term {
				continue
			}
			term := ""
			if a.Status.Term > 0 {
				term = fmt.Sprintf(" term %d", a.Status.Term)
			}
			return fmt.Sprintf("%s and %s both led%s at %s", a.ID, b.ID, term, fmtTime(now, 3))
		}
	}
	return ""
}

// answeringState is the state of the node that answered, and of the node
// that holds the data when that is another one: the node that leads, or a
// storage node behind a worker (a worker's state is its task, not the
// data it read).
func answeringState(nodes []sim.NodeView, answered, asked string) string {
	var answer string
	var holders []string
	first := true // the answerer first, unless the data was another's
	via := ""
	if asked != "" && asked != answered {
		via = " the request sent to " + asked + ","
	}
	for _, v := range nodes {
		fields := strings.Join(nodeFields(v), ", ")
		switch {
		case v.ID == answered && holdsData(v.Status.Role):
			answer = v.ID + " answered" + via + " holding " + fields
		case v.ID == answered:
			answer = fmt.Sprintf("%s answered%s a %s whose state then was: %s", v.ID, cmp.Or(via, ","), v.Status.Role, fields)
			first = false
		case v.Up && (v.Status.Role.Leads() || v.Status.Role == sim.RoleStorage):
			holders = append(holders, fmt.Sprintf("%s (%s) held %s", v.ID, v.Status.Role, fields))
		}
	}
	parts := append([]string{answer}, holders...)
	if !first {
		parts = append(holders, answer)
	}
	if answer == "" {
		parts = holders
	}
	return strings.Join(parts, "; ")
}

// holdsData reports whether a node in role r answers from data it holds
// (a worker, gateway or forwarder passes on what another node holds).
func holdsData(r sim.Role) bool {
	return r != sim.RoleWorker && r != sim.RoleGateway && r != sim.RoleForwarder
}
