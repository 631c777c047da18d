package maelstrom

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/faultline-lab/faultline/sim"
)

// node is one of the learner's nodes: a name, a log file, and the process
// now running it (nil while it is crashed). A restart is a new process,
// with a fresh init: its memory is gone, as in Maelstrom.
type node struct {
	run     *Run
	id      string
	idx     int
	logPath string

	mu     sync.Mutex
	cur    *proc
	paused bool
	starts int
	log    *bufio.Writer
	logF   *os.File
	tail   []string // its last stderr lines, for error messages
	logMu  sync.Mutex
}

// proc is one process of a node: one start, up to its exit.
type proc struct {
	node   *node
	cmd    *exec.Cmd
	pgid   int
	stdin  io.WriteCloser
	inbox  *inbox
	initID int64         // the msg_id of its init
	inited chan struct{} // closed when init_ok arrives
	initOK atomic.Bool
	// topologyID is the msg_id of its topology (broadcast), answered when
	// topologyDone is closed.
	topologyID   int64
	topologyOK   atomic.Bool
	topologyDone chan struct{}
	exited       chan struct{} // closed once the process has exited and its pipes are drained
	killed       atomic.Bool   // faultline stopped it: its exit is expected
	// lastOut is the last line it wrote to stdout before init_ok, for the
	// error message when init_ok never comes.
	lastOut atomic.Pointer[[]byte]
	exitErr error
}

// tailLines is how many stderr lines an error message quotes.
const tailLines = 5

func (n *node) openLog() error {
	f, err := os.OpenFile(n.logPath, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("cannot write %s's log: %w", n.id, err)
	}
	n.logF, n.log = f, bufio.NewWriterSize(f, 64<<10)
	return nil
}

func (n *node) logLine(line string) {
	n.logMu.Lock()
	n.log.WriteString(line)
	n.log.WriteByte('\n')
	if len(n.tail) == tailLines {
		copy(n.tail, n.tail[1:])
		n.tail = n.tail[:tailLines-1]
	}
	n.tail = append(n.tail, line)
	n.logMu.Unlock()
}

func (n *node) flushLog() {
	n.logMu.Lock()
	n.log.Flush()
	n.logMu.Unlock()
}

func (n *node) closeLog() {
	n.logMu.Lock()
	n.log.Flush()
	n.logF.Close()
	n.logMu.Unlock()
}

func (n *node) lastLog() []string {
	n.logMu.Lock()
	defer n.logMu.Unlock()
	return append([]string(nil), n.tail...)
}

// start runs a new process for the node and queues its init. The caller
// waits for init_ok on the returned proc.
func (n *node) start() (*proc, error) {
	r := n.run
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.cur != nil {
		return n.cur, nil
	}
	n.starts++
	if n.starts > 1 {
		n.logLine(fmt.Sprintf("--- faultline: %s restarted at %s (a new process; its memory is gone) ---", n.id, sim.FormatDuration(r.now())))
	}
	cmd := exec.Command(r.cfg.Bin[0], r.cfg.Bin[1:]...)
	cmd.Dir = r.cfg.Dir
	cmd.SysProcAttr = procAttr()
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	// Our own pipes, not StdoutPipe: the process's exit is noticed when it
	// exits, even if a child of it still holds stdout open.
	outR, outW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		outR.Close()
		outW.Close()
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = outW, errW
	err = cmd.Start()
	outW.Close()
	errW.Close()
	if err != nil {
		outR.Close()
		errR.Close()
		return nil, &NodeError{Node: n.id, What: "could not be started", Detail: startReason(r.cfg.Bin[0], err), Log: n.logPath}
	}
	r.reaper.add(cmd.Process.Pid)
	p := &proc{node: n, cmd: cmd, pgid: cmd.Process.Pid, stdin: stdin, inbox: newInbox(),
		inited: make(chan struct{}), exited: make(chan struct{}), topologyDone: make(chan struct{})}
	p.initID = r.setup.nextID()
	init, _ := Encode(setupClient, n.id, map[string]any{"type": "init", "msg_id": p.initID, "node_id": n.id, "node_ids": r.ids})
	p.inbox.push(init, true)
	n.cur, n.paused = p, false
	drained := make(chan struct{}, 2)
	go p.write()
	go func() { p.readStdout(outR); outR.Close(); drained <- struct{}{} }()
	go func() { p.readStderr(errR); errR.Close(); drained <- struct{}{} }()
	go func() {
		p.exitErr = cmd.Wait()
		// The node is gone; whatever it started goes with it, which also
		// closes the pipes it may have handed on.
		p.signal(syscall.SIGKILL)
		timeout := time.After(2 * time.Second)
		for range 2 {
			select {
			case <-drained:
			case <-timeout:
			}
		}
		r.reaper.del(p.pgid)
		p.gone() // first: whoever waits on exited finds the error recorded
		close(p.exited)
	}()
	return p, nil
}

func startReason(bin string, err error) string {
	var ee *exec.Error
	if errors.As(err, &ee) && errors.Is(ee.Err, exec.ErrNotFound) {
		return fmt.Sprintf("%q was not found (give a path such as ./%s, or put it on $PATH)", bin, filepath.Base(bin))
	}
	var pe *os.PathError
	if errors.As(err, &pe) {
		return fmt.Sprintf("%s: %v", pe.Path, pe.Err)
	}
	return err.Error()
}

// write copies the inbox to the process's stdin, a batch at a time.
func (p *proc) write() {
	bw := bufio.NewWriterSize(p.stdin, 64<<10)
	var buf [][]byte
	for {
		buf = p.inbox.take(buf)
		if buf == nil {
			p.stdin.Close()
			return
		}
		// A delivery's time is taken before the write: whatever the node
		// sends in answer is then always later.
		at := p.node.run.now()
		for _, line := range buf {
			bw.Write(line)
			bw.WriteByte('\n')
		}
		if err := bw.Flush(); err != nil {
			return // the process is gone; its reader reports why
		}
		if p.node.run.ev.on() {
			for _, line := range buf {
				if m, err := Decode(line); err == nil {
					p.node.run.ev.messageAt(sim.TraceDeliver, &m, "", at)
				}
			}
		}
	}
}

func (p *proc) readStdout(stdout io.Reader) {
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 64<<10), maxLine+1)
	n := p.node
	for sc.Scan() {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		line := append([]byte(nil), sc.Bytes()...) // the scanner reuses its buffer
		if !p.initOK.Load() {
			p.lastOut.Store(&line)
		}
		m, err := Decode(line)
		if err != nil {
			p.fail("wrote a line to stdout that is not a Maelstrom message", fmt.Sprintf("%s (%v; stdout is for protocol messages only: log to stderr)", Clip(line, 120), err))
			return
		}
		// As in Maelstrom, a node may send in another's name (Maelstrom's
		// own raft.py proxies a client's request with the client's src);
		// the network's faults apply to the link it was actually sent on.
		if !n.run.known(m.Src) {
			p.fail("sent a message from an unknown source", fmt.Sprintf("its \"src\" is %q, which is no node, client or service (it is %s): %s", m.Src, n.id, Clip(line, 120)))
			return
		}
		n.run.route(&m, n.idx)
	}
	if err := sc.Err(); err != nil && !p.killed.Load() {
		if errors.Is(err, bufio.ErrTooLong) {
			p.fail("wrote a line to stdout longer than the limit", fmt.Sprintf("more than %d bytes without a newline", maxLine))
			return
		}
	}
	io.Copy(io.Discard, stdout)
}

func (p *proc) readStderr(stderr io.Reader) {
	sc := bufio.NewScanner(stderr)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	n := p.node
	for sc.Scan() {
		line := sc.Text()
		n.logLine(line)
		if n.run.ev.on() {
			n.run.ev.emit(Event{TraceEvent: sim.TraceEvent{Kind: sim.TraceLog, Src: n.id, Detail: line}})
		}
	}
	io.Copy(io.Discard, stderr)
}

// fail stops the run: the node broke the protocol.
func (p *proc) fail(what, detail string) {
	if p.killed.Load() {
		return
	}
	p.node.run.fail(&NodeError{Node: p.node.id, What: what, Detail: detail, Log: p.node.logPath})
}

// gone runs when the process has exited. An exit faultline did not cause
// ends the run.
func (p *proc) gone() {
	n := p.node
	n.mu.Lock()
	if n.cur == p {
		n.cur = nil
	}
	n.mu.Unlock()
	p.inbox.close()
	if p.killed.Load() {
		return
	}
	what := "exited"
	if !p.initOK.Load() {
		what = "exited before answering init"
	}
	n.flushLog()
	p.node.run.fail(&NodeError{Node: n.id, What: what, Detail: exitText(p.exitErr), Log: n.logPath, Tail: n.lastLog()})
}

func exitText(err error) string {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return "killed by signal " + ws.Signal().String()
		}
		return fmt.Sprintf("exit status %d", ee.ExitCode())
	}
	if err != nil {
		return err.Error()
	}
	return "exit status 0"
}

// signal sends a signal to the process's whole group.
func (p *proc) signal(sig syscall.Signal) {
	syscall.Kill(-p.pgid, sig)
}

// kill stops the process (expected: no error follows) and waits, briefly,
// for it to be gone.
func (p *proc) kill() {
	p.killed.Store(true)
	p.inbox.close()
	p.signal(syscall.SIGKILL)
	select {
	case <-p.exited:
	case <-time.After(5 * time.Second):
	}
}

// waitInit waits for init_ok.
func (p *proc) waitInit(timeout time.Duration, done <-chan struct{}) error {
	select {
	case <-p.inited:
		return nil
	case <-p.exited:
		return nil // gone() has reported why
	case <-done:
		return nil
	case <-time.After(timeout):
		p.node.flushLog()
		wrote := "it wrote nothing to stdout"
		if last := p.lastOut.Load(); last != nil {
			wrote = "the last line it wrote to stdout: " + Clip(*last, 160)
		}
		return &NodeError{Node: p.node.id, What: "did not answer init", Log: p.node.logPath, Tail: p.node.lastLog(),
			Detail: fmt.Sprintf("no init_ok within %v; %s (a node must reply {\"type\":\"init_ok\",\"in_reply_to\":%d} on stdout)", timeout, wrote, p.initID)}
	}
}

// waitTopology waits for topology_ok (broadcast).
func (p *proc) waitTopology(timeout time.Duration, done <-chan struct{}) error {
	select {
	case <-p.topologyDone:
		return nil
	case <-p.exited:
		return nil
	case <-done:
		return nil
	case <-time.After(timeout):
		p.node.flushLog()
		return &NodeError{Node: p.node.id, What: "did not answer topology", Log: p.node.logPath, Tail: p.node.lastLog(),
			Detail: fmt.Sprintf("no topology_ok within %v (the broadcast workload sends {\"type\":\"topology\",...} after init; reply {\"type\":\"topology_ok\",\"in_reply_to\":%d})", timeout, p.topologyID)}
	}
}

// NodeError is a node that broke the run: it could not start, exited,
// wrote something that is not a Maelstrom message, or never answered
// init. Its message names the node, what it did, and where its log is.
type NodeError struct {
	Node   string
	What   string
	Detail string
	Log    string
	Tail   []string // the last lines of its stderr
}

func (e *NodeError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "node %s %s", e.Node, e.What)
	if e.Detail != "" {
		b.WriteString(": " + e.Detail)
	}
	if len(e.Tail) > 0 {
		b.WriteString("; the last lines of its stderr:")
		for _, l := range e.Tail {
			b.WriteString("\n    " + clipText(l, 160))
		}
		b.WriteString("\n ")
	}
	if e.Log != "" {
		fmt.Fprintf(&b, " (its log: %s)", e.Log)
	}
	return b.String()
}
