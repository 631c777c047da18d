package tui

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/faultline-lab/faultline/internal/atomicfile"
)

// A lesson's progress, as the picker shows it.
const (
	statusNew     = "new"
	statusStarted = "started"
	statusDone    = "done"
)

// ConfigDirEnv overrides where progress is kept (tests use a temp dir).
const ConfigDirEnv = "FAULTLINE_CONFIG_DIR"

const progressFileName = "progress.json"

// lessonProgress is what the learner has done in one lesson. A lesson is
// done on evidence: the default variant seen failing and `fixed` passing
// (for a lesson without a fix, a checked run).
type lessonProgress struct {
	Status       string `json:"status"`
	SawFail      bool   `json:"saw_default_fail,omitempty"`
	SawFixedPass bool   `json:"saw_fixed_pass,omitempty"`
	SawVerdict   bool   `json:"saw_verdict,omitempty"`
	Ran          bool   `json:"ran,omitempty"`       // a run reached a verdict: the text's spoilers show
	Predicted    *int   `json:"predicted,omitempty"` // index of the chosen answer
	QuizTaken    int    `json:"quiz_taken,omitempty"`
	QuizRight    int    `json:"quiz_right,omitempty"`
}

type progressFile struct {
	Version int                        `json:"version"`
	Last    string                     `json:"last,omitempty"` // the lesson opened last: the picker starts on it
	Lessons map[string]*lessonProgress `json:"lessons"`
	Node    *nodeSettings              `json:"node,omitempty"` // the settings of the learner's own node, last run
}

// nodeSettings are what the learner's own node last ran with, offered
// again: the command above all.
type nodeSettings struct {
	Command   string  `json:"command"`
	Workload  string  `json:"workload"`
	Nodes     int     `json:"nodes"`
	Nemesis   string  `json:"nemesis"`
	TimeLimit string  `json:"time_limit"`
	Recovery  string  `json:"recovery,omitempty"` // "": the workload's default
	Rate      float64 `json:"rate"`
	Seed      uint64  `json:"seed"`
}

// nodeSettings are the settings last run ("" command: none yet).
func (s *progressStore) nodeSettings() (nodeSettings, bool) {
	if s.data.Node == nil {
		return nodeSettings{}, false
	}
	return *s.data.Node, true
}

// setNodeSettings remembers the settings of a run; it returns a warning
// when they could not be saved.
func (s *progressStore) setNodeSettings(n nodeSettings) string {
	if s.data.Node != nil && *s.data.Node == n {
		return ""
	}
	s.data.Node = &n
	if s.path == "" {
		return ""
	}
	if err := s.save(); err != nil {
		s.Warning = "Your settings could not be saved to " + s.path + "."
		return s.Warning
	}
	return ""
}

// ran reports whether the learner has seen a run of the lesson through
// to a verdict (older files say so by the evidence they kept).
func (p lessonProgress) ran() bool { return p.Ran || p.SawVerdict || p.SawFail || p.SawFixedPass }

// knownStatus reports whether a status is one this version writes; others
// (from a newer version, or a hand edit) are read as new.
func knownStatus(s string) bool { return s == statusNew || s == statusStarted || s == statusDone }

// last is the lesson opened last ("" none).
func (s *progressStore) last() string { return s.data.Last }

// setLast remembers the lesson just opened; failing to save it only
// means the picker starts at the top next time.
func (s *progressStore) setLast(id string) {
	if s.data.Last == id {
		return
	}
	s.data.Last = id
	if s.path != "" {
		_ = s.save()
	}
}

// progressStore keeps progress in memory and on disk. It never fails the
// TUI: a corrupt file is set aside and reported, a failed write reported.
type progressStore struct {
	path    string // "" when there is nowhere to save
	data    progressFile
	Warning string // for the picker: what went wrong with the file, if anything
	// write, when set, takes the file in place of the folder and
	// atomicfile.WriteBytes. (Tests that never read the file back keep it
	// in memory: each write to disk costs a millisecond, and they make
	// hundreds.)
	write func(path string, b []byte) error
}

// progressDir is where progress lives: $FAULTLINE_CONFIG_DIR, else the
// user's config dir plus "faultline".
func progressDir() (string, error) {
	if d := os.Getenv(ConfigDirEnv); d != "" {
		return d, nil
	}
	d, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "faultline"), nil
}

// openProgress loads progress from dir ("" means progressDir()).
// emptyProgress is a store with nothing in it and nowhere to save.
func emptyProgress() *progressStore {
	return &progressStore{data: progressFile{Version: 1, Lessons: map[string]*lessonProgress{}}}
}

func openProgress(dir string) *progressStore {
	s := emptyProgress()
	if dir == "" {
		d, err := progressDir()
		if err != nil {
			s.Warning = "Your progress will not be saved: this system gives faultline no folder for its settings."
			return s
		}
		dir = d
	}
	s.path = filepath.Join(dir, progressFileName)
	b, err := os.ReadFile(s.path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return s
	case err != nil:
		s.Warning = "Your progress could not be read, so this session starts afresh and will not save it (" + s.path + ")."
		s.path = ""
		return s
	}
	var f progressFile
	if err := json.Unmarshal(b, &f); err != nil || f.Version != 1 {
		s.Warning = s.setAside()
		return s
	}
	if f.Lessons == nil {
		f.Lessons = map[string]*lessonProgress{}
	}
	for id, p := range f.Lessons {
		switch {
		case p == nil:
			delete(f.Lessons, id)
		case !knownStatus(p.Status):
			p.Status = statusNew
		}
	}
	s.data = f
	return s
}

// setAside renames a corrupt progress file so that nothing is lost and the
// learner starts afresh, and says so in one sentence (what was wrong with
// the file is no use to a learner: it is kept, for whoever wants to look).
func (s *progressStore) setAside() string {
	for i := 0; i < 100; i++ {
		bad := s.path + ".corrupt"
		if i > 0 {
			bad = fmt.Sprintf("%s.corrupt.%d", s.path, i)
		}
		if _, err := os.Stat(bad); err == nil {
			continue
		}
		if err := os.Rename(s.path, bad); err != nil {
			break
		}
		return fmt.Sprintf("Your progress file could not be read, so it was set aside as %s and your progress starts afresh.", bad)
	}
	return fmt.Sprintf("Your progress file %s could not be read, so your progress starts afresh this session.", s.path)
}

// get returns a lesson's progress (a zero "new" one when there is none).
func (s *progressStore) get(id string) lessonProgress {
	if p, ok := s.data.Lessons[id]; ok {
		return *p
	}
	return lessonProgress{Status: statusNew}
}

// status is "new", "started" or "done".
func (s *progressStore) status(id string) string {
	st := s.get(id).Status
	if st == "" {
		return statusNew
	}
	return st
}

// update changes a lesson's progress and saves it. It returns a warning to
// show when saving failed ("" when it worked).
func (s *progressStore) update(id string, f func(p *lessonProgress)) string {
	p, ok := s.data.Lessons[id]
	if !ok {
		p = &lessonProgress{Status: statusNew}
		s.data.Lessons[id] = p
	}
	before := *p
	f(p)
	if p.Status == "" {
		p.Status = statusNew
	}
	if sameProgress(before, *p) {
		return ""
	}
	if err := s.save(); err != nil {
		s.Warning = "Your progress could not be saved to " + s.path + "."
		return s.Warning
	}
	return ""
}

func sameProgress(a, b lessonProgress) bool {
	pa, pb := a.Predicted, b.Predicted
	a.Predicted, b.Predicted = nil, nil
	samePred := (pa == nil) == (pb == nil) && (pa == nil || *pa == *pb)
	return a == b && samePred
}

// save writes the file atomically, through the writer the command line
// uses (a temporary file in the same directory, synced, renamed over the
// old one; removed if the program is interrupted).
func (s *progressStore) save() error {
	if s.path == "" {
		return errors.New("no config directory")
	}
	b, err := json.MarshalIndent(s.data, "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	if s.write != nil {
		return s.write(s.path, b)
	}
	if err := os.MkdirAll(filepath.Dir(s.path), 0o755); err != nil {
		return err
	}
	return atomicfile.WriteBytes(s.path, b)
}
