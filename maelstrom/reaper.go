package maelstrom

import (
	"fmt"
	"io"
	"os/exec"
	"sync"
	"syscall"
)

// reaperScript runs in a small shell beside faultline. faultline tells it
// each node's process group as the node starts ("add PGID") and when it
// has stopped ("del PGID"). When its stdin closes — faultline finished, or
// died in any way, SIGKILL included — it kills every group still listed,
// so nothing of the learner's outlives the run: not the node, and not the
// processes the node started (which Pdeathsig would miss).
const reaperScript = `set -f
pgs=' '
while read -r op p; do
  case $op in
    add) pgs="$pgs$p " ;;
    del) case "$pgs" in *" $p "*) pgs="${pgs%%" $p "*} ${pgs#*" $p "}" ;; esac ;;
  esac
done
for p in $pgs; do kill -9 -$p 2>/dev/null; done
`

// reaper is faultline's end of the pipe to the reaper shell.
type reaper struct {
	mu  sync.Mutex
	w   io.WriteCloser
	cmd *exec.Cmd
}

func startReaper() (*reaper, error) {
	cmd := exec.Command("/bin/sh", "-c", reaperScript)
	// Its own group, so that a terminal's Ctrl+C does not stop it before
	// faultline has cleaned up.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	w, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("cannot start the process reaper (/bin/sh): %w", err)
	}
	return &reaper{w: w, cmd: cmd}, nil
}

func (r *reaper) say(op string, pgid int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.w != nil {
		fmt.Fprintf(r.w, "%s %d\n", op, pgid)
	}
}

func (r *reaper) add(pgid int) { r.say("add", pgid) }
func (r *reaper) del(pgid int) { r.say("del", pgid) }

// close ends the reaper: it kills what is still listed, then exits.
func (r *reaper) close() {
	r.mu.Lock()
	w := r.w
	r.w = nil
	r.mu.Unlock()
	if w != nil {
		w.Close()
		r.cmd.Wait()
	}
}
