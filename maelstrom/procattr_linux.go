package maelstrom

import "syscall"

// procAttr puts a node in its own process group (so a crash or pause
// reaches every process it started, and a terminal's Ctrl+C reaches only
// faultline, which then stops the nodes itself), and asks Linux to kill it
// if faultline dies without cleaning up. The reaper covers what Pdeathsig
// does not: the node's own children.
func procAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
