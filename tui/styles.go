package tui

import (
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// Styles holds every style of the TUI, all built from one renderer so that
// NO_COLOR, a pipe or a test's ASCII profile change them all at once.
// Nothing in the TUI relies on colour alone: states are words, groups are
// letters, the focused pane has a thick border, the selection a marker.
type Styles struct {
	r     *lipgloss.Renderer
	color bool // false under the ASCII profile (NO_COLOR, tests)

	Title    lipgloss.Style
	Dim      lipgloss.Style
	Bold     lipgloss.Style
	Selected lipgloss.Style
	Key      lipgloss.Style
	Warn     lipgloss.Style
	Error    lipgloss.Style
	Good     lipgloss.Style

	Pane        lipgloss.Style
	PaneFocused lipgloss.Style
	PaneTitle   lipgloss.Style

	Down     lipgloss.Style
	Paused   lipgloss.Style
	Leader   lipgloss.Style
	Groups   []lipgloss.Style
	Witness  lipgloss.Style
	Failing  lipgloss.Style
	Nemesis  lipgloss.Style
	Progress map[string]lipgloss.Style
}

// NewStyles builds the styles for a renderer.
func NewStyles(r *lipgloss.Renderer) *Styles {
	s := &Styles{r: r, color: r.ColorProfile() != termenv.Ascii}
	ns := r.NewStyle
	s.Title = ns().Bold(true)
	s.Dim = ns().Foreground(lipgloss.AdaptiveColor{Light: "245", Dark: "243"})
	s.Bold = ns().Bold(true)
	s.Selected = ns().Reverse(true)
	s.Key = ns().Bold(true).Foreground(lipgloss.AdaptiveColor{Light: "25", Dark: "117"})
	s.Warn = ns().Foreground(lipgloss.AdaptiveColor{Light: "130", Dark: "214"})
	s.Error = ns().Bold(true).Foreground(lipgloss.AdaptiveColor{Light: "160", Dark: "203"})
	s.Good = ns().Bold(true).Foreground(lipgloss.AdaptiveColor{Light: "28", Dark: "78"})

	s.Pane = ns().Border(lipgloss.RoundedBorder()).BorderForeground(lipgloss.AdaptiveColor{Light: "250", Dark: "240"})
	s.PaneFocused = ns().Border(lipgloss.ThickBorder()).BorderForeground(lipgloss.AdaptiveColor{Light: "25", Dark: "117"})
	s.PaneTitle = ns().Bold(true)

	s.Down = ns().Bold(true).Foreground(lipgloss.AdaptiveColor{Light: "160", Dark: "203"})
	s.Paused = ns().Bold(true).Foreground(lipgloss.AdaptiveColor{Light: "130", Dark: "214"})
	s.Leader = ns().Bold(true)
	for _, c := range []string{"39", "170", "142", "208", "111"} {
		s.Groups = append(s.Groups, ns().Bold(true).Foreground(lipgloss.Color(c)))
	}
	s.Witness = ns().Bold(true).Foreground(lipgloss.AdaptiveColor{Light: "130", Dark: "214"})
	s.Failing = ns().Bold(true).Reverse(true)
	s.Nemesis = ns().Foreground(lipgloss.AdaptiveColor{Light: "90", Dark: "176"})
	s.Progress = map[string]lipgloss.Style{
		statusNew:     s.Dim,
		statusStarted: s.Warn,
		statusDone:    s.Good,
	}
	return s
}

// Group styles partition group g (0 = A).
func (s *Styles) Group(g int) lipgloss.Style {
	if g < 0 {
		return s.Dim
	}
	return s.Groups[g%len(s.Groups)]
}
