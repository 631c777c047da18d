package lessons

import (
	"testing"
)

func TestDanglingClauseFindsTheBrokenSentence(t *testing.T) {
	t.Parallel()
	broken := "In the history, every read that began after it also returned less than the adds acknowledged before it began make: as far as the history shows, an acknowledged add was lost."
	if danglingClause(broken) == "" {
		t.Errorf("the lesson 8 sentence a learner found broken passes the check")
	}
	if c := danglingClause("Process 1 read 98 [records 251 and 252]. The read missed an add: it was lost; nothing else."); c != "" {
		t.Errorf("a finished text flagged at %q", c)
	}
}
