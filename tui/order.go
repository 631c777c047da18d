package tui

import (
	"context"
	"fmt"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/history"
)

// orderState is the order the checker found for the last verdict, with
// the model's state before and after each operation: what the explorer
// shows for the selected operation. It is computed in the background
// once per check.
type orderState struct {
	checkID int // the check it explains; 0: none asked for
	running bool
	cancel  context.CancelFunc
	records int // the history records it covers
	orders  []checker.Order
	err     error
	at      map[int64]orderPos // invocation's history index → its place
}

// orderPos is an operation's place in an order.
type orderPos struct{ order, step int }

// orderDoneMsg carries the order back to Update.
type orderDoneMsg struct {
	checkID int
	orders  []checker.Order
	err     error
}

// orderCmd computes the order of h in the background.
func orderCmd(ctx context.Context, checkID int, model string, init any, h history.History) tea.Cmd {
	return func() tea.Msg {
		orders, err := checker.LinearizationOrder(ctx, h, checker.Options{Model: checker.Model(model), Init: init, Timeout: checkTimeout})
		return orderDoneMsg{checkID: checkID, orders: orders, err: err}
	}
}

// start asks for the order of the history a finished check looked at.
func (o *orderState) start(checkID int, model string, init any, h history.History) tea.Cmd {
	o.stop()
	ctx, cancel := context.WithCancel(context.Background())
	*o = orderState{checkID: checkID, running: true, cancel: cancel, records: len(h)}
	return orderCmd(ctx, checkID, model, init, append(history.History(nil), h...))
}

func (o *orderState) stop() {
	if o.cancel != nil {
		o.cancel()
	}
	o.running, o.cancel = false, nil
}

// finish takes an order in; it reports false for a stale one.
func (o *orderState) finish(msg orderDoneMsg) bool {
	if msg.checkID != o.checkID || !o.running {
		return false
	}
	o.stop()
	o.orders, o.err = msg.orders, msg.err
	o.at = map[int64]orderPos{}
	for i, ord := range msg.orders {
		for j, s := range ord.Steps {
			o.at[s.Invoke.Index] = orderPos{i, j}
		}
	}
	return true
}

// describe says where an operation stands in the checker's order: its
// place and the model's state before and after it, or why it has none.
// inv is its invocation, comp its completion (nil while pending).
func (o *orderState) describe(e *explorerModel, inv history.Op, comp *history.Op) string {
	res := e.in.check.result
	switch {
	case e.in.txn:
		return txnOrderNote(e, inv)
	case e.in.model == "":
		return "This workload is not checked for linearizability, so there is no order of operations to show."
	case e.in.check.running:
		return "The checker is working; the order it finds comes with its verdict."
	case res == nil:
		return "No verdict yet: c checks the history, then each operation shows the model's state before and after it."
	case res.Verdict == checker.Unknown:
		return "The checker ran out of time, so it found no order to show."
	case o.running || o.checkID != e.in.check.id:
		return "Finding the order the checker would put the operations in…"
	case o.err != nil:
		return "No order: " + o.err.Error()
	}
	ord, found := o.orderFor(inv.Key)
	if res.Failing != nil && res.Failing.Index == inv.Index {
		why := " — w shows why."
		if e != nil && e.view == viewWitness {
			why = "."
		}
		// The model's state where the checker's order of the whole history
		// stops is not a fact of the witness beside it (lesson 8 seed 1:
		// "held 103" beside a witness of 99 adds): the witness view's
		// explanation says what the witness's own operations did.
		return "In no order: this is the operation no order can explain" + why
	}
	if p, ok := o.at[inv.Index]; ok {
		ord := o.orders[p.order]
		s := ord.Steps[p.step]
		where := fmt.Sprintf("#%d of %d", p.step+1, len(ord.Steps))
		if ord.Key != "" {
			where += " for key " + ord.Key
		}
		out := fmt.Sprintf("In the checker's order: %s · the %s before it: %s · after it: %s", where, e.in.model, brief(s.Before), brief(s.After))
		if s.Completion == nil && comp != nil {
			out += fmt.Sprintf(" (the order stops at record %d, before this operation's outcome, so it may or may not have taken effect there)", ord.Records)
		}
		return out
	}
	switch {
	case found && ord.Unknown:
		return "The checker ran out of time finding an order for this part of the history."
	case comp != nil && comp.Type == history.Fail:
		return "In no order: it failed, so it did not happen."
	case int(inv.Index) >= o.records:
		return "Invoked after the last check: c checks the history again."
	case found && !ord.Linearizable && (comp == nil || int(comp.Index) >= ord.Records):
		return fmt.Sprintf("In no order: the history stops being linearizable at record %d, before this operation's outcome; no order explains what comes after.", ord.Records)
	case comp == nil || comp.Type == history.Info || comp.Value == nil:
		return "In no order: its outcome is unknown and constrains nothing, so the checker leaves it out."
	}
	return "In no order: it changes nothing and constrains nothing, so the checker leaves it out."
}

// orderFor is the order of a key's part ("" when not partitioned).
func (o *orderState) orderFor(key string) (checker.Order, bool) {
	for _, ord := range o.orders {
		if ord.Key == key || len(o.orders) == 1 {
			return ord, true
		}
	}
	return checker.Order{}, false
}

// brief shortens a described state for one line of details.
func brief(s string) string { return cut(s, 60) }
