//go:build unix && !linux

package maelstrom

import "syscall"

// procAttr puts a node in its own process group; without Pdeathsig here,
// the reaper alone stops nodes when faultline dies.
func procAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
