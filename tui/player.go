package tui

import (
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/lessons"
	"github.com/faultline-lab/faultline/sim"
)

// playerModel is the run on the lesson screen and the controls that
// drive it: r runs, space plays and pauses, . steps one event, [ ] change
// the speed, ← → step through the past; the verdict known ahead stops
// playback where the history breaks. It is a child of the lesson screen,
// which hands it a playerInput; what it did that the lesson acts on (the
// status line's message, a verdict, a check to start) comes out as
// runNews. Its methods change it in place, because the lesson hears the
// news as they happen, in the order the run gives them.
type playerModel struct {
	run   *playback
	speed int // index into speeds
	gen   int // playback generation: ticks of older ones are ignored
	ahead aheadState
	back  rewindState // ← →: the main screen shows an earlier moment
}

// playerInput is what the player needs of the lesson screen: which run
// to make, whether a verdict is on the screen, and where its news go.
type playerInput struct {
	l       *lessons.Lesson
	keys    *keyMap
	variant string
	seed    uint64
	own     bool // the learner's faults only: the lesson's schedule is off
	judged  bool // the screen shows a verdict
	hear    func(runNews) tea.Cmd
}

// runNews is one thing the run did that the lesson screen acts on.
type runNews struct {
	kind  newsKind
	flash string         // newsSay
	res   checker.Result // newsVerdict
	extra any            // newsVerdict: what the check gave besides
}

type newsKind uint8

const (
	newsSay     newsKind = iota // the status line says flash
	newsReset                   // a fresh, idle run replaced the last one
	newsStarted                 // playback of the run began
	newsChanged                 // a fault pressed changed the run: its verdict is gone
	newsVerdict                 // the whole run's verdict is known (computed ahead)
	newsBroke                   // playback stopped where the history breaks
	newsCheck                   // the run is over, its verdict unknown: check it all
)

// say sends the status line a message.
func (in playerInput) say(flash string) { in.hear(runNews{kind: newsSay, flash: flash}) }

// reset makes a fresh, idle run of the input's variant and seed, with the
// learner's faults of carry (if any) at the moments they were pressed.
func (p *playerModel) reset(in playerInput, carry []sim.Fault) error {
	o := lessons.Options{Variant: in.variant, Seed: in.seed, Trace: true}
	if in.own {
		o.Nemesis = []sim.Nemesis{}
	}
	sc, err := in.l.Scenario(o)
	if err != nil {
		return err
	}
	sc.Faults = withCarried(sc.Faults, carry)
	run, err := newPlayback(sc, finalOps(in.l))
	if err != nil {
		return err
	}
	p.ahead.stop()
	p.back = rewindState{}
	p.run = run
	p.gen++
	in.hear(runNews{kind: newsReset})
	return nil
}

// stop ends playback and its background work (the screen is going).
func (p *playerModel) stop() {
	p.ahead.stop()
	p.run.playing = false
	p.gen++
}

// carry is the learner's faults of the run on the screen.
func (p *playerModel) carry() []sim.Fault { return learnerFaults(p.run.s) }

// owns reports whether a key is one of the player's.
func (p *playerModel) owns(k tea.KeyMsg, keys *keyMap) bool {
	return key.Matches(k, keys.Run, keys.Play, keys.Step, keys.Slower, keys.Faster, keys.Left, keys.Right)
}

// key takes one of the player's keys.
func (p *playerModel) key(k tea.KeyMsg, in playerInput) tea.Cmd {
	keys := in.keys
	switch {
	case key.Matches(k, keys.Run):
		return p.startRun(in)
	case key.Matches(k, keys.Play):
		return p.togglePlay(in)
	case key.Matches(k, keys.Step):
		return p.stepOnce(in)
	case key.Matches(k, keys.Slower):
		p.speed = max(0, p.speed-1)
		in.say("speed " + speedLabel(p.speed))
	case key.Matches(k, keys.Faster):
		p.speed = min(len(speeds)-1, p.speed+1)
		in.say("speed " + speedLabel(p.speed))
	case key.Matches(k, keys.Left):
		return p.stepBack(in)
	case key.Matches(k, keys.Right):
		return p.stepForward(in)
	}
	return nil
}

// startRun plays a fresh run (or the idle one, with any faults already
// pressed).
func (p *playerModel) startRun(in playerInput) tea.Cmd {
	if p.run.started {
		if err := p.reset(in, p.carry()); err != nil {
			in.say(err.Error())
			return nil
		}
	}
	p.back = rewindState{}
	p.run.started, p.run.playing = true, true
	p.gen++
	in.hear(runNews{kind: newsStarted})
	return tea.Batch(frameCmd(p.gen), p.ahead.start(in.l, p.run))
}

func (p *playerModel) pause() {
	p.run.playing = false
	p.gen++
}

func (p *playerModel) togglePlay(in playerInput) tea.Cmd {
	switch {
	case !p.run.started || p.run.done():
		return p.startRun(in)
	case p.run.playing:
		p.pause()
		in.say("paused; space resumes, . steps one event, ← → step through the run")
		return nil
	}
	p.toLive()
	p.run.playing = true
	p.gen++
	in.say("playing at " + speedLabel(p.speed))
	return frameCmd(p.gen)
}

func (p *playerModel) stepOnce(in playerInput) tea.Cmd {
	if p.run.done() {
		in.say("the run is over; r runs again")
		return nil
	}
	var cmd tea.Cmd
	if !p.run.started {
		cmd = p.startRun(in) // its first frame is ignored: the generation moves on below
	}
	p.toLive()
	p.pause()
	p.run.step()
	in.say("")
	if p.run.done() {
		return tea.Batch(cmd, p.runOver(in))
	}
	return cmd
}

// frame plays one frame of the run, and stops where the verdict, known
// ahead, says the history stops being linearizable.
func (p *playerModel) frame(msg frameMsg, in playerInput) tea.Cmd {
	if msg.gen != p.gen || !p.run.playing {
		return nil
	}
	stop := p.ahead.stopFor(p.run)
	if p.run.advance(int64(speeds[p.speed]*float64(frameInterval)), stop) {
		return p.breakPoint(in)
	}
	if p.run.done() {
		return p.runOver(in)
	}
	return frameCmd(p.gen)
}

// runOver stops playback and gives the verdict of the finished run: the
// one computed ahead when it still holds, else a check.
func (p *playerModel) runOver(in playerInput) tea.Cmd {
	p.pause()
	if err := p.run.s.Err(); err != nil {
		in.say("the run stopped: " + err.Error())
		return nil
	}
	if res, ok := p.ahead.resultFor(p.run); ok {
		in.hear(runNews{kind: newsVerdict, res: res, extra: p.ahead.out.extra})
		return nil
	}
	in.say("run finished; checking the history")
	return in.hear(runNews{kind: newsCheck})
}

// breakPoint pauses the run at the first operation the checker cannot
// linearize: the verdict, the cluster as it is now, and one line of what
// just happened.
func (p *playerModel) breakPoint(in playerInput) tea.Cmd {
	p.pause()
	res, _ := p.ahead.resultFor(p.run)
	in.hear(runNews{kind: newsVerdict, res: res, extra: p.ahead.out.extra})
	p.ahead.shown, p.ahead.seen = true, p.run
	in.say("stopped where it breaks — space plays on")
	in.hear(runNews{kind: newsBroke})
	return nil
}

// inject applies a fault at the current moment of the run and records it
// in the run's schedule; the verdict ahead is computed again with it.
func (p *playerModel) inject(f sim.Fault, in playerInput) tea.Cmd {
	if p.run.done() {
		in.say("the run is over; r runs again, then press the fault keys while it plays")
		return nil
	}
	p.toLive()
	a, err := p.run.s.Inject(f)
	if err != nil {
		in.say(err.Error())
		return nil
	}
	p.run.absorb()
	p.run.pressed++
	when := "at " + sim.FormatDuration(a.Time)
	if !p.run.started {
		when = "from the start; press r to run"
	}
	flash := a.Desc + " " + when
	if f.Kind == sim.FaultPartition {
		flash = fmt.Sprintf("p: %s — %s", f.Shape, flash)
	}
	in.say(flash)
	if !p.run.started {
		return nil
	}
	in.hear(runNews{kind: newsChanged})
	return p.ahead.start(in.l, p.run)
}
