package lessons

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/history"
)

// clauseEnd splits a text where a clause ends: a full stop, colon or
// semicolon followed by a space or the end. Brackets hold record ranges,
// and a decimal point is not a full stop, so neither splits.
var clauseEnd = regexp.MustCompile(`[.:;](\s|$)`)

// danglingWords end no finished English clause: a clause that ends in one
// lost its object or its verb when a template was filled ("… the adds
// acknowledged before it began make").
var danglingWords = map[string]bool{
	"a": true, "an": true, "the": true, "and": true, "or": true, "of": true, "to": true,
	"by": true, "than": true, "that": true, "which": true, "with": true, "before": true,
	"after": true, "is": true, "are": true, "was": true, "were": true, "make": true,
	"makes": true, "its": true, "their": true,
}

// danglingClause returns the first clause of text that ends in a word no
// clause ends in, or "" when every clause is finished.
func danglingClause(text string) string {
	for _, clause := range clauseEnd.Split(text, -1) {
		words := strings.Fields(clause)
		if len(words) == 0 {
			continue
		}
		last := strings.ToLower(strings.Trim(words[len(words)-1], `,"'()—–`))
		if danglingWords[last] {
			return strings.TrimSpace(clause)
		}
	}
	return ""
}

func TestDanglingClauseFindsTheBrokenSentence(t *testing.T) {
	broken := "In the history, every read that began after it also returned less than the adds acknowledged before it began make: as far as the history shows, an acknowledged add was lost."
	if danglingClause(broken) == "" {
		t.Errorf("the lesson 8 sentence a learner found broken passes the check")
	}
	if c := danglingClause("Process 1 read 98 [records 251 and 252]. The read missed an add: it was lost; nothing else."); c != "" {
		t.Errorf("a finished text flagged at %q", c)
	}
}

// headlineTrue holds the text's headline to the history: the prefix it
// says linearizes ends just before the tip, the tip is the record at that
// position, and the failing operation's invocation lies inside the prefix,
// its completion (when it is the tip) at the tip.
func headlineTrue(h history.History, res checker.Result) error {
	if res.Tip == nil {
		return nil
	}
	if res.Prefix < 1 || res.Prefix >= len(h) || h[res.Prefix].Index != res.Tip.Index {
		return fmt.Errorf("prefix %d records, tip record %d: the tip is not the record after the prefix", res.Prefix, res.Tip.Index)
	}
	text := strings.Join(strings.Fields(checker.FormatText(res)), " ")
	if want := fmt.Sprintf("ecords 0 to %d linearize; record %d, where", res.Prefix-1, res.Tip.Index); !strings.Contains(text, want) {
		return fmt.Errorf("the headline lacks %q:\n%s", want, text)
	}
	if f := res.Failing; f != nil {
		if f.Index >= res.Tip.Index {
			return fmt.Errorf("the failing operation, invoked at record %d, is not inside the prefix of %d records", f.Index, res.Prefix)
		}
		if f.Process == res.Tip.Process && !strings.Contains(text, fmt.Sprintf("(invoked at record %d) returns", f.Index)) {
			return fmt.Errorf("the headline does not name the failing invocation, record %d:\n%s", f.Index, text)
		}
	}
	return nil
}
