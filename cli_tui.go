package main

import (
	"io"
)

// cmdTUI opens the workbench. Until the TUI lands it says what the
// subcommands do.
func cmdTUI(args []string, stdout, stderr io.Writer) (int, error) {
	_ = args
	io.WriteString(stdout, usageText)
	return exitOK, nil
}
