package checker

import (
	"fmt"
	"sort"

	"github.com/faultline-lab/faultline/history"
)

// prepared is a history turned into calls, ready for porcupine.
type prepared struct {
	h          history.History
	m          *model
	init       any
	calls      []*call   // every client operation, in invocation order
	partitions [][]*call // calls per key (one partition when not partitioned), keys sorted
	keys       []string  // the partition keys, sorted ("" when not partitioned)
}

// prepare pairs invocations with completions and parses each operation.
// Failed operations stay in calls (statusFailed) for the explanations; the
// search skips them.
func prepare(h history.History, m *model, init any) (*prepared, error) {
	p := &prepared{h: h, m: m, init: init}
	pairs, err := h.Pairs()
	if err != nil {
		return nil, err
	}
	p.calls = make([]*call, len(pairs))
	for i, pr := range pairs {
		p.calls[i] = &call{id: i, proc: pr.Invoke.Process, inv: pr.Invoke, invPos: pr.InvokeAt,
			comp: pr.Completion, compPos: pr.CompletionAt, key: pr.Invoke.Key}
	}
	for _, c := range p.calls {
		if err := p.parseCall(c); err != nil {
			return nil, err
		}
	}
	p.partition()
	return p, nil
}

func (p *prepared) parseCall(c *call) error {
	op, ok := p.m.ops[c.inv.F]
	if !ok {
		return fmt.Errorf("record %d: model %s has no operation %q (want %s)", c.invPos, p.m.name, c.inv.F, p.m.opNamesList())
	}
	c.op = op
	c.status = statusUnknown
	if c.comp != nil {
		switch c.comp.Type {
		case history.OK:
			c.status = statusOK
			c.result = c.comp.Value
		case history.Fail:
			c.status = statusFailed
			if op == opCAS && c.comp.Error == history.ErrorMismatch {
				c.status = statusMismatch
			}
		}
	}
	if err := p.m.parse(c, p.init); err != nil {
		at := c.invPos
		if c.status == statusOK && c.comp != nil {
			at = c.compPos
		}
		return fmt.Errorf("record %d: %s %s: %w", at, p.m.name, c.inv.F, err)
	}
	return nil
}

func (p *prepared) partition() {
	if !p.m.partitioned {
		p.partitions = [][]*call{p.calls}
		p.keys = []string{""}
		return
	}
	byKey := map[string][]*call{}
	for _, c := range p.calls {
		byKey[c.key] = append(byKey[c.key], c)
	}
	for k := range byKey {
		p.keys = append(p.keys, k)
	}
	sort.Strings(p.keys)
	for _, k := range p.keys {
		p.partitions = append(p.partitions, byKey[k])
	}
}

// valueOf reads the operation's value: the invocation's, or the
// completion's when the invocation carries none.
func valueOf(c *call) any {
	if c.inv.Value == nil && c.comp != nil {
		return c.comp.Value
	}
	return c.inv.Value
}
