package tui

// The helpers shared by the package's tests: models driven headless and
// in teatest, and node processes. (The tests of the program in a real
// terminal, tmux, are the main package's: tmux*_test.go.)

import (
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/faultline-lab/faultline/internal/testkit"
	"github.com/faultline-lab/faultline/maelstrom"
)

// failingSeed is a seed on which lesson 2's default variant gives a stale
// read (TestFailingSeedStillFails keeps it honest).
const failingSeed = 1

// long reports whether FAULTLINE_LONG=1 asks for the long runs.
var long = testkit.Long

// asciiRenderer renders without colour, as under NO_COLOR.
func asciiRenderer() *lipgloss.Renderer {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.Ascii)
	r.SetHasDarkBackground(true)
	return r
}

// newTestModel builds the root with progress kept in memory, sized.
func newTestModel(t testing.TB, opts Options, w, h int) Model {
	t.Helper()
	return newTestModelWith(t, opts, w, h, memoryProgress())
}

func newTestModelWith(t testing.TB, opts Options, w, h int, progress *progressStore) Model {
	t.Helper()
	m, err := newModel(opts, asciiRenderer(), progress)
	if err != nil {
		t.Fatal(err)
	}
	return update(t, m, tea.WindowSizeMsg{Width: w, Height: h})
}

// memoryProgress is a progress store that keeps what it saves in memory,
// for the tests that never read the file back (progress_test.go holds the
// file on disk): no folder, no file.
func memoryProgress() *progressStore {
	s := emptyProgress()
	s.path = "(kept in memory)"
	s.write = func(string, []byte) error { return nil }
	return s
}

// update sends one message and returns the new root.
func update(t testing.TB, m Model, msg tea.Msg) Model {
	t.Helper()
	next, _ := m.Update(msg)
	return next.(Model)
}

// updateCmd sends one message and returns the new root and its command.
func updateCmd(m Model, msg tea.Msg) (Model, tea.Cmd) {
	next, cmd := m.Update(msg)
	return next.(Model), cmd
}

// press types keys, one at a time ("space", "enter", "esc", "tab", "up",
// "down" by name; anything else rune by rune).
func press(t testing.TB, m Model, keys ...string) Model {
	t.Helper()
	for _, k := range keys {
		m, _ = updateCmd(m, keyMsg(k))
	}
	return m
}

func keyMsg(k string) tea.KeyMsg {
	switch k {
	case "space":
		return tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	case "tab":
		return tea.KeyMsg{Type: tea.KeyTab}
	case "up":
		return tea.KeyMsg{Type: tea.KeyUp}
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	case "pgdown":
		return tea.KeyMsg{Type: tea.KeyPgDown}
	case "ctrl+c":
		return tea.KeyMsg{Type: tea.KeyCtrlC}
	case "left":
		return tea.KeyMsg{Type: tea.KeyLeft}
	case "right":
		return tea.KeyMsg{Type: tea.KeyRight}
	case "shift+tab":
		return tea.KeyMsg{Type: tea.KeyShiftTab}
	case "pgup":
		return tea.KeyMsg{Type: tea.KeyPgUp}
	case "backspace":
		return tea.KeyMsg{Type: tea.KeyBackspace}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}

// run executes a command and the commands of a batch, one level deep, and
// returns their messages. Never call it on a playback tick (it sleeps).
func run(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	msg := cmd()
	if b, ok := msg.(tea.BatchMsg); ok {
		var out []tea.Msg
		for _, c := range b {
			if c != nil {
				out = append(out, c())
			}
		}
		return out
	}
	return []tea.Msg{msg}
}

// playToEnd plays the lesson's run frame by frame until it finishes, then
// runs the check and delivers its verdict.
func playToEnd(t testing.TB, m Model) Model {
	t.Helper()
	l := m.lesson
	if !l.play.run.started {
		m = press(t, m, "r")
		l = m.lesson
	}
	var cmd tea.Cmd
	for i := 0; !l.play.run.done(); i++ {
		if i > 1_000_000 {
			t.Fatal("the run never finished")
		}
		l.play.run.playing = true
		m, cmd = updateCmd(m, frameMsg{gen: l.play.gen})
		l = m.lesson
	}
	return deliverCheck(t, m, cmd)
}

// deliverCheck runs a check command and hands its result to the model.
func deliverCheck(t testing.TB, m Model, cmd tea.Cmd) Model {
	t.Helper()
	for _, msg := range run(cmd) {
		if _, ok := msg.(checkDoneMsg); ok {
			m = update(t, m, msg)
		}
	}
	if m.lesson.check.running {
		t.Fatal("the check did not finish")
	}
	return m
}

// plain strips escape codes, so assertions read the text.
func plain(s string) string { return ansi.Strip(s) }

// assertFits checks that a view is exactly as tall as the screen and no
// line is wider.
func assertFits(t testing.TB, view string, w, h int) {
	t.Helper()
	lines := strings.Split(view, "\n")
	if len(lines) > h {
		t.Errorf("view has %d lines, screen %d", len(lines), h)
	}
	for i, l := range lines {
		if lw := ansi.StringWidth(l); lw > w {
			t.Errorf("line %d is %d wide, screen %d: %q", i, lw, w, plain(l))
		}
	}
}

// resizes are the sizes the resize tests try: every size just around the
// smallest the screens support and the sizes the README promises, and a
// grid up to 230×70 — a fine one with FAULTLINE_LONG=1, a coarse one
// otherwise (the suite stays fast; the edges are tried either way).
func resizes() [][2]int {
	out := [][2]int{{0, 0}, {1, 1}, {80, 24}, {100, 30}, {160, 45}, {230, 70}}
	for dw := -1; dw <= 1; dw++ {
		for dh := -1; dh <= 1; dh++ {
			out = append(out, [2]int{minWidth + dw, minHeight + dh})
		}
	}
	dw, dh := 29, 11
	if long() {
		dw, dh = 11, 5
	}
	for w := 0; w <= 230; w += dw {
		for h := 0; h <= 70; h += dh {
			out = append(out, [2]int{w, h})
		}
	}
	return out
}

// resizeThrough resizes a screen through every size of resizes, checking
// that it fits wherever the screen is big enough, and ends at 80×24.
func resizeThrough(t *testing.T, s Model) Model {
	t.Helper()
	for _, size := range resizes() {
		w, h := size[0], size[1]
		s = update(t, s, tea.WindowSizeMsg{Width: w, Height: h})
		if v := s.View(); w >= minWidth && h >= minHeight {
			assertFits(t, v, w, h)
		}
	}
	s = update(t, s, tea.WindowSizeMsg{Width: 80, Height: 24})
	assertFits(t, s.View(), 80, 24)
	return s
}

// folderNames are the names in a folder (none when it cannot be read).
func folderNames(dir string) []string {
	entries, _ := os.ReadDir(dir)
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// Many tests wait on the wall clock (node processes, playback in
// real time), not the CPU: up to 64 run at once, so that the long waits
// start near the start, not when one of a few slots frees. Under -race -short (the race run of .ci/run), unless -run
// says otherwise, only the tests with goroutines run (withGoroutines); the
// others drive the model on the test's goroutine, where the race detector
// has nothing to find.
func TestMain(m *testing.M) {
	testkit.WallClockParallel(64)
	testkit.RaceShortRuns(withGoroutines)
	testkit.LessGC()
	if !testkit.Race {
		// Playback frames come every 5 ms instead of 50: the same
		// screens, sooner. (Under the race detector the verdict computed
		// ahead may come later than the break point at that pace.)
		frameTick = 5 * time.Millisecond
	}
	code := m.Run()
	if nodeLinks.dir != "" {
		os.RemoveAll(nodeLinks.dir)
	}
	os.Exit(code)
}

// withGoroutines names the tests that run goroutines: bubbletea's own
// loop (teatest: the break-point and run goldens) and the node screen's
// driver, which runs commands as bubbletea does, against real processes.
const withGoroutines = `^Test(Node|GoldenBreakPoint|GoldenFailingRun|GoldenTimeline)`

// exampleNode is the path of a built example node (kv, hello, broadcast).
// The screens show a node's command, so it is a short path: a link, in a
// folder of the package's (removed by TestMain), to the build
// testkit.Program keeps in the go command's cache.
func exampleNode(t testing.TB, name string) string {
	t.Helper()
	nodeLinks.Lock()
	defer nodeLinks.Unlock()
	if nodeLinks.dir == "" {
		dir, err := os.MkdirTemp("", "faultline-nodes-")
		if err != nil {
			t.Fatal(err)
		}
		nodeLinks.dir = dir
	}
	link := filepath.Join(nodeLinks.dir, name)
	if _, err := os.Lstat(link); err == nil {
		return link
	}
	path, err := testkit.Program("../examples/nodes/" + name)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(path, link); err != nil {
		t.Fatal(err)
	}
	return link
}

var nodeLinks struct {
	sync.Mutex
	dir string
}

// withPIDs wraps a node's command so that every process it runs records
// its pid in the file pids (the shell's own, then the node's after exec).
func withPIDs(pids string, bin ...string) []string {
	return append([]string{"sh", "-c", `echo $$ >> "$0"; exec "$@"`, pids}, bin...)
}

// readPIDs reads the pids recorded.
func readPIDs(t testing.TB, path string) []int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("no pids recorded: %v", err)
	}
	var out []int
	for _, f := range strings.Fields(string(b)) {
		p, err := strconv.Atoi(f)
		if err != nil {
			t.Fatalf("pid file: %v", err)
		}
		out = append(out, p)
	}
	return out
}

// allGone fails unless every process recorded is gone, now: the screen
// stops its processes before it returns.
func allGone(t testing.TB, pids []int) {
	t.Helper()
	if len(pids) == 0 {
		t.Fatal("no processes were recorded: the test would pass with nothing run")
	}
	if p := maelstrom.WaitGone(pids, 2*time.Second); p != 0 {
		t.Fatalf("process %d is still running after the screen stopped its run", p)
	}
}

// driver runs a Model as bubbletea does: commands in goroutines, their
// messages back to Update one at a time, on the test's goroutine.
type driver struct {
	t    testing.TB
	m    Model
	msgs chan tea.Msg
	quit bool
}

func newDriver(t testing.TB, w, h int) *driver {
	return newDriverWith(t, w, h, memoryProgress())
}

// newDriverWith is newDriver with progress kept where given: on disk for
// a test that reads the settings back from the file.
func newDriverWith(t testing.TB, w, h int, progress *progressStore) *driver {
	return &driver{t: t, m: newTestModelWith(t, Options{}, w, h, progress), msgs: make(chan tea.Msg, 1<<14)}
}

func (d *driver) exec(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	go func() {
		switch msg := cmd().(type) {
		case nil:
		case tea.BatchMsg:
			for _, c := range msg {
				d.exec(c)
			}
		default:
			d.msgs <- msg
		}
	}()
}

// send hands Update a message and runs its command.
func (d *driver) send(msg tea.Msg) {
	if _, ok := msg.(tea.QuitMsg); ok {
		d.quit = true
		return
	}
	next, cmd := d.m.Update(msg)
	d.m = next.(Model)
	d.exec(cmd)
}

func (d *driver) keys(ks ...string) {
	for _, k := range ks {
		d.send(keyMsg(k))
	}
}

// typeText types text into the field that has the cursor.
func (d *driver) typeText(s string) {
	d.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s), Paste: true})
}

// until delivers messages until cond holds, failing after timeout with the
// screen as it was.
func (d *driver) until(what string, timeout time.Duration, cond func(Model) bool) {
	d.t.Helper()
	deadline := time.After(timeout)
	for !cond(d.m) {
		select {
		case msg := <-d.msgs:
			d.send(msg)
		case <-deadline:
			d.t.Fatalf("%s: not within %s; the screen:\n%s", what, timeout, plain(d.m.View()))
		}
	}
}

// shows waits until the screen shows text.
func (d *driver) shows(text string, timeout time.Duration) string {
	d.t.Helper()
	d.until("the screen to show "+strconv.Quote(text), timeout, func(m Model) bool { return strings.Contains(plain(m.View()), text) })
	return plain(d.m.View())
}

// openNode opens "Your own node" from the picker.
func (d *driver) openNode() *nodeModel {
	d.t.Helper()
	d.send(openLessonMsg{id: nodeEntryID})
	if d.m.node == nil {
		d.t.Fatal("the node screen did not open")
	}
	return d.m.node
}

// startNode opens the node screen and runs cfg on it (a test's own
// configuration: shorter than the form allows).
func (d *driver) startNode(cfg maelstrom.Config) *nodeModel {
	d.t.Helper()
	n := d.openNode()
	d.exec(n.start(cfg))
	return n
}

// quickConfig is a short run of a shipped example: a second of work at
// 50 operations a second, a short recovery.
func quickConfig(workload string, bin ...string) maelstrom.Config {
	cfg := maelstrom.DefaultConfig(workload)
	cfg.Bin = bin
	cfg.TimeLimit, cfg.Rate, cfg.Recovery, cfg.InitTimeout = time.Second, 50, 200*time.Millisecond, 10*time.Second
	return cfg
}

// settle runs the explorer's background work a command started — the
// checker's order, a re-simulation, an export — and hands each result to
// the model, until none is left. Other messages (ticks) are dropped, and
// commands known to sleep are not what the explorer starts.
func settle(t testing.TB, m Model, cmd tea.Cmd) Model {
	t.Helper()
	queue := []tea.Cmd{cmd}
	for n := 0; len(queue) > 0; n++ {
		if n > 1000 {
			t.Fatal("the explorer's work never settles")
		}
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch msg := c().(type) {
		case tea.BatchMsg:
			queue = append(queue, msg...)
		case orderDoneMsg, scrubDoneMsg, exportDoneMsg:
			var next tea.Cmd
			m, next = updateCmd(m, msg)
			queue = append(queue, next)
		}
	}
	return m
}

// pressSettle types keys, settling the background work after each.
func pressSettle(t testing.TB, m Model, keys ...string) Model {
	t.Helper()
	for _, k := range keys {
		var cmd tea.Cmd
		m, cmd = updateCmd(m, keyMsg(k))
		m = settle(t, m, cmd)
	}
	return m
}

// failedRun is lesson 2 at its failing seed, played to its verdict.
func failedRun(t testing.TB, w, h int) Model {
	t.Helper()
	m := openLesson2(t, w, h)
	m = press(t, m, "2")
	return playToEnd(t, m)
}
