package tui

import "github.com/charmbracelet/bubbles/key"

// keyMap is every key of the TUI, in one place. The help bar and the `?`
// screen are generated from it, so they cannot disagree with what the keys
// do. The keys are DESIGN.md's (workshops put them on slides); v, n, c and
// the digits are additions for switching variant and seed, checking on
// demand and answering prompts.
type keyMap struct {
	Up, Down, Enter, PageUp, PageDown key.Binding

	Run, Partition, Crash, Pause, Skew, Heal key.Binding
	Play, Step, Slower, Faster               key.Binding
	Variant, Seed, Check, Answer             key.Binding

	Timeline, Witness, Messages, Export key.Binding

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

		Timeline: b("t", "history explorer", "t"),
		Witness:  b("w", "witness only", "w"),
		Messages: b("m", "message view", "m"),
		Export:   b("e", "export history and scenario", "e"),

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

// lessonShort is the lesson screen's help bar, most important first: it is
// cut from the right to fit the width, so its words are short.
func (k *keyMap) lessonShort() []key.Binding {
	return []key.Binding{
		short(k.Run, "run"), short(k.Partition, "partition"), short(k.Crash, "crash"),
		short(k.Pause, "pause node"), short(k.Skew, "skew clock"), short(k.Heal, "heal"),
		short(k.Play, "play/pause"), short(k.Variant, "variant"), short(k.Tab, "pane"),
		k.Help, short(k.Quit, "back"),
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
		{"Run", []key.Binding{k.Run, k.Play, k.Step, k.Slower, k.Faster, k.Check, k.Variant, k.Seed}},
		{"Faults, now", []key.Binding{k.Partition, k.Crash, k.Pause, k.Skew, k.Heal}},
		{"Look", []key.Binding{k.Timeline, k.Witness, k.Messages, k.Export, k.Tab, k.Up, k.Down, k.PageUp, k.PageDown}},
		{"Questions", []key.Binding{k.Answer, k.Enter}},
		{"General", []key.Binding{k.Esc, k.Help, back, k.ForceQuit}},
	}
}

// explorerShort is the help bar of the t, w and m views.
func (k *keyMap) explorerShort() []key.Binding {
	return []key.Binding{
		short(k.Up, "scroll"), short(k.Down, "scroll"), short(k.PageDown, "page"),
		short(k.Timeline, "history"), short(k.Witness, "witness"), short(k.Messages, "messages"),
		short(k.Export, "export"), short(k.Esc, "back"), k.Help,
	}
}

func (k *keyMap) explorerFull() []keyGroup {
	back := short(k.Esc, "back to the lesson")
	return []keyGroup{
		{"Move", []key.Binding{k.Up, k.Down, k.PageUp, k.PageDown}},
		{"Views", []key.Binding{k.Timeline, k.Witness, k.Messages, k.Export}},
		{"General", []key.Binding{back, k.Help, k.Quit, k.ForceQuit}},
	}
}
