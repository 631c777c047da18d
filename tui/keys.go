package tui

import "github.com/charmbracelet/bubbles/key"

// keyMap is every key of the TUI, in one place. The help bar and the `?`
// screen are generated from it, so they cannot disagree with what the keys
// do. The keys are the design's (docs/tui.md; workshops put them on slides); v, n, c and
// the digits are additions for switching variant and seed, checking on
// demand and answering prompts.
type keyMap struct {
	Up, Down, Enter, PageUp, PageDown key.Binding

	Run, Partition, Crash, Pause, Skew, Heal key.Binding
	Play, Step, Slower, Faster               key.Binding
	Variant, Seed, Check, Answer             key.Binding
	OwnFaults, Reader                        key.Binding

	Timeline, Witness, Messages, Export key.Binding

	// The explorer's own: the cursor, pan and zoom.
	NextOp, PrevOp, Left, Right, ZoomIn, ZoomOut, Failing, Chatter key.Binding

	Tab, Esc, Help, Quit, ForceQuit key.Binding
}

func newKeyMap() *keyMap {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return &keyMap{
		Up:       b("↑", "up", "up"),
		Down:     b("↓", "down", "down"),
		Enter:    b("enter", "choose", "enter"),
		PageUp:   b("pgup", "page up", "pgup"),
		PageDown: b("pgdn", "page down", "pgdown"),

		Run:       b("r", "run", "r"),
		Partition: b("p", "partition (again: next shape)", "p"),
		Crash:     b("k", "crash/restart the selected node", "k"),
		Pause:     b("z", "pause/resume the selected node", "z"),
		Skew:      b("s", "skew the selected node's clock", "s"),
		Heal:      b("h", "heal all faults", "h"),
		Play:      b("space", "pause/resume playback", " "),
		Step:      b(".", "one step (one event)", "."),
		Slower:    b("[", "slower", "["),
		Faster:    b("]", "faster", "]"),
		Variant:   b("v", "next variant (buggy, fixed…)", "v"),
		Seed:      b("n", "next seed", "n"),
		Check:     b("c", "check the history so far", "c"),
		Answer:    b("1-9", "answer a question", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
		OwnFaults: b("o", "lesson's faults off / on", "o"),
		Reader:    b("l", "the lesson text, full screen", "l"),

		Timeline: b("t", "history explorer", "t"),
		Witness:  b("w", "witness only", "w"),
		Messages: b("m", "message view", "m"),
		Export:   b("e", "export history and scenario", "e"),

		NextOp:  b("tab", "next operation in time", "tab"),
		PrevOp:  b("⇧tab", "previous operation", "shift+tab"),
		Left:    b("←", "earlier (pan)", "left"),
		Right:   b("→", "later (pan)", "right"),
		ZoomIn:  b("+", "zoom in", "+", "="),
		ZoomOut: b("-", "zoom out", "-", "_"),
		Failing: b("f", "the failing operation", "f"),
		Chatter: b("a", "all messages, or causal only", "a"),

		Tab:       b("tab", "next pane", "tab"),
		Esc:       b("esc", "back or cancel", "esc"),
		Help:      b("?", "help", "?"),
		Quit:      b("q", "quit", "q"),
		ForceQuit: b("ctrl+c", "quit now", "ctrl+c"),
	}
}

// keyGroup is a titled column of the full help.
type keyGroup struct {
	Title string
	Keys  []key.Binding
}

// pickerShort is the picker's help bar.
func (k *keyMap) pickerShort() []key.Binding {
	return []key.Binding{k.Up, k.Down, k.Enter, k.Help, k.Quit}
}

func (k *keyMap) pickerFull() []keyGroup {
	return []keyGroup{
		{"Lessons", []key.Binding{k.Up, k.Down, k.PageUp, k.PageDown, k.Enter}},
		{"General", []key.Binding{k.Help, k.Quit, k.ForceQuit}},
	}
}

// short is a binding with a shorter description, for the help bar.
func short(b key.Binding, desc string) key.Binding {
	b.SetHelp(b.Help().Key, desc)
	return b
}

func (k *keyMap) lessonFull() []keyGroup {
	back := short(k.Quit, "back to the lessons, then quit")
	return []keyGroup{
		{"Run", []key.Binding{k.Run, k.Play, k.Step, short(k.Left, "step back through the run"), short(k.Right, "step forward through the run"),
			k.Slower, k.Faster, k.Check, k.Variant, k.Seed}},
		{"Faults, now", []key.Binding{k.Partition, k.Crash, k.Pause, k.Skew, k.Heal, k.OwnFaults}},
		{"Look", []key.Binding{k.Reader, k.Timeline, k.Witness, k.Messages, k.Export, k.Tab, k.Up, k.Down, k.PageUp, k.PageDown}},
		{"Questions", []key.Binding{k.Answer, k.Enter}},
		{"General", []key.Binding{k.Esc, k.Help, back, k.ForceQuit}},
	}
}

// explorerShort is the help bar of the t, w and m views, most important
// first (it is cut from the right).
func (k *keyMap) explorerShort(v explorerView) []key.Binding {
	switch v {
	case viewCycle:
		return []key.Binding{
			short(k.NextOp, "next anomaly"), pair(k.Up, k.Down, "transaction"), short(k.Enter, "in the timeline"),
			short(k.Messages, "messages"), short(k.Timeline, "timeline"), short(k.Export, "export"), short(k.Esc, "back"), k.Help,
		}
	case viewWitness:
		return []key.Binding{
			short(k.NextOp, "next op"), short(k.Enter, "in the timeline"), short(k.Messages, "messages"),
			short(k.Timeline, "timeline"), short(k.Export, "export"), short(k.Esc, "back"), k.Help,
		}
	case viewMessages:
		return []key.Binding{
			pair(k.Up, k.Down, "earlier/later"), short(k.Chatter, "all msgs"), short(k.NextOp, "next op"), short(k.Failing, "failing"),
			short(k.Timeline, "timeline"), short(k.Witness, "witness"), short(k.Export, "export"), short(k.Esc, "back"), k.Help,
		}
	}
	return []key.Binding{
		pair(k.Left, k.Right, "pan"), pair(k.ZoomIn, k.ZoomOut, "zoom"), pair(k.Up, k.Down, "lane"),
		short(k.NextOp, "next op"), short(k.Failing, "failing"),
		short(k.Witness, "witness"), short(k.Messages, "messages"), short(k.Export, "export"), short(k.Esc, "back"), k.Help,
	}
}

// cycleNamed renames w in a help bar for a transactional lesson, where it
// opens the cycle view.
func cycleNamed(bar []key.Binding, k *keyMap) []key.Binding {
	out := make([]key.Binding, len(bar))
	for i, b := range bar {
		out[i] = b
		if b.Help().Key == k.Witness.Help().Key {
			out[i] = short(b, "cycle")
		}
	}
	return out
}

// pair is two bindings shown as one in the help bar: `←/→ pan`.
func pair(a, b key.Binding, desc string) key.Binding {
	keys := append(append([]string(nil), a.Keys()...), b.Keys()...)
	return key.NewBinding(key.WithKeys(keys...), key.WithHelp(a.Help().Key+"/"+b.Help().Key, desc))
}

func (k *keyMap) explorerFull() []keyGroup {
	back := short(k.Esc, "back to the lesson")
	return []keyGroup{
		{"Timeline (t)", []key.Binding{short(k.Up, "lane above"), short(k.Down, "lane below"), k.NextOp, k.PrevOp,
			short(k.Left, "earlier: pan and scrub"), short(k.Right, "later: pan and scrub"), k.ZoomIn, k.ZoomOut, k.Failing,
			short(k.PageUp, "lanes up"), short(k.PageDown, "lanes down")}},
		{"Witness (w)", []key.Binding{short(k.NextOp, "next witness operation"), short(k.Enter, "it in the full timeline")}},
		{"Cycle (w, lessons 14–16)", []key.Binding{short(k.NextOp, "next anomaly"), short(k.PrevOp, "previous anomaly"),
			short(k.Up, "transaction above"), short(k.Down, "transaction below"), short(k.Enter, "it in the full timeline"), short(k.Failing, "the anomaly of the verdict")}},
		{"Messages (m)", []key.Binding{short(k.Up, "earlier event"), short(k.Down, "later event"),
			short(k.PageUp, "a page earlier"), short(k.PageDown, "a page later"), short(k.NextOp, "next operation"), k.Chatter}},
		{"Views", []key.Binding{short(k.Timeline, "history timeline"), k.Witness, k.Messages, k.Export}},
		{"General", []key.Binding{back, short(k.Quit, "back to the lesson"), k.Help, k.ForceQuit}},
	}
}

// readerShort is the help bar of the full-screen lesson text.
func (k *keyMap) readerShort() []key.Binding {
	return []key.Binding{pair(k.Up, k.Down, "scroll"), pair(k.PageUp, k.PageDown, "page"), short(k.Run, "run"), short(k.Esc, "back"), k.Help}
}
