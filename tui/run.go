package tui

import (
	"errors"
	"os"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"golang.org/x/term"
)

// Options say where the TUI opens: the lesson picker, or straight into a
// lesson at a variant and seed (`faultline --lesson ID [--seed N] [--variant V]`).
type Options struct {
	Lesson  string // "" opens the picker
	Variant string // "" is the lesson's default
	Seed    uint64
	SeedSet bool // false: the default seed, the same for everyone
}

// ErrNotTerminal is returned by Run when standard output is not a
// terminal: there is nothing to draw on, and the subcommands do the same
// work headless.
var ErrNotTerminal = errors.New("standard output is not a terminal, so the workbench cannot draw; " +
	"use the subcommands instead: faultline lessons, faultline run --lesson ID, " +
	"faultline hunt --lesson ID, faultline check FILE")

// Run opens the TUI and returns when the learner quits. It returns an error
// before drawing anything when the lesson or variant does not exist, or
// when standard output is not a terminal.
func Run(opts Options) error {
	if !term.IsTerminal(int(os.Stdout.Fd())) {
		return ErrNotTerminal
	}
	r := lipgloss.NewRenderer(os.Stdout)
	// Ask the terminal for its background now, before the program reads
	// the keyboard: asked later, the answer races with the learner's keys.
	r.SetHasDarkBackground(r.HasDarkBackground())
	m, err := newModel(opts, r, openProgress(""))
	if err != nil {
		return err
	}
	final, err := tea.NewProgram(m, tea.WithAltScreen()).Run()
	// However the program ended (q, ctrl+c, a signal), nothing it started
	// outlives it: a live run's processes are stopped here.
	if fm, ok := final.(Model); ok {
		fm.shutdown()
	} else {
		m.shutdown()
	}
	return err
}
