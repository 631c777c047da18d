package tui

import (
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"

	"github.com/faultline-lab/faultline/checker"
)

// shortKeys is the key bar of the lesson screen: the keys that matter in
// the state the screen is in, most important first, few enough to fit 80
// columns. `?` lists every key.
func (m *lessonModel) shortKeys() []key.Binding {
	k := m.c.keys
	help, back := k.Help, short(k.Quit, "back")
	faults := group("faults", k.Partition, k.Crash, k.Pause, k.Skew, k.Heal)
	speed := pair(k.Slower, k.Faster, "speed")
	steps := pair(k.Left, k.Right, "step")
	views := group("why", k.Witness, k.Messages, k.Timeline)
	res := m.check.result
	switch {
	case m.prompt.kind == promptPredict && m.prompt.chosen < 0:
		return []key.Binding{short(k.Answer, "predict"), short(k.Run, "run"), short(k.Esc, "not now"), short(k.Reader, "read"), help, back}
	case m.prompt.kind == promptQuiz:
		return []key.Binding{short(k.Answer, "answer"), short(k.Enter, "next"), short(k.Esc, "stop quiz"), help}
	case m.confirm.pending != "":
		pending := k.Variant
		if slices.Contains(k.Seed.Keys(), m.confirm.pending) {
			pending = k.Seed
		}
		return []key.Binding{short(pending, "again: confirm"), short(k.Esc, "keep the run"), help}
	case !m.play.run.started:
		return []key.Binding{short(k.Run, "run"), faults, short(k.Variant, "variant"), short(k.Seed, "seed"), short(k.Reader, "read"), help, back}
	case m.play.back.on:
		return []key.Binding{steps, short(k.Play, "play on"), short(k.Esc, "now"), views, help, back}
	case m.play.run.playing:
		return []key.Binding{short(k.Play, "pause"), speed, faults, short(k.Left, "rewind"), help, back}
	case res != nil && res.Verdict == checker.NotLinearizable:
		if !m.play.run.done() {
			return []key.Binding{views, short(k.Play, "play on"), steps, short(k.Export, "export"), help, back}
		}
		return []key.Binding{views, short(k.Variant, "variant"), short(k.Run, "run again"), short(k.Export, "export"), steps, help, back}
	case res != nil:
		return []key.Binding{short(k.Variant, "variant"), short(k.Run, "run again"), short(k.Seed, "seed"), short(k.Enter, "quiz"), short(k.Export, "export"), help, back}
	case m.play.run.done():
		return []key.Binding{short(k.Run, "run again"), short(k.Check, "check"), steps, help, back}
	}
	return []key.Binding{short(k.Play, "play"), short(k.Step, "one event"), steps, faults, speed, help, back}
}

// group shows several bindings as one in the key bar: `p k z s h faults`.
func group(desc string, bs ...key.Binding) key.Binding {
	var keys, helps []string
	for _, b := range bs {
		keys = append(keys, b.Keys()...)
		helps = append(helps, b.Help().Key)
	}
	return key.NewBinding(key.WithKeys(keys...), key.WithHelp(strings.Join(helps, " "), desc))
}
