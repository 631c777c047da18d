package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/faultline-lab/faultline/lessons"
	"github.com/faultline-lab/faultline/toydb"
)

type lessonJSON struct {
	Number  int    `json:"number"`
	ID      string `json:"id"`
	Title   string `json:"title"`
	Summary string `json:"summary"`
	Toy     string `json:"toy_database"`
	Model   string `json:"model"`
	// Consistency is a transactional lesson's consistency model.
	Consistency string          `json:"consistency,omitempty"`
	Default     string          `json:"default_variant"`
	Variants    []toydb.Variant `json:"variants"`
}

var lessonsCmd = &command{
	name:    "lessons",
	summary: "list the lessons: id, title, toy database, model, variants",
	define: func(fs *flagSet) action {
		var asJSON bool
		fs.jsonFlag(&asJSON)
		return func(ctx context.Context, pos []string, stdout io.Writer) (int, error) {
			if err := noPositional(fs.cmd, pos); err != nil {
				return exitUsage, err
			}
			var out []lessonJSON
			for _, l := range lessons.All() {
				out = append(out, lessonJSON{Number: l.Number, ID: l.ID, Title: l.Title, Summary: l.Summary,
					Toy: l.Design.Name, Model: string(l.Model), Consistency: l.Consistency, Default: l.DefaultVariant(), Variants: l.Variants()})
			}
			if asJSON {
				return exitOK, printJSON(stdout, out)
			}
			tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "#\tID\tTITLE\tTOY DATABASE\tMODEL\tVARIANTS")
			for _, l := range out {
				names := make([]string, len(l.Variants))
				for i, v := range l.Variants {
					names[i] = v.Name
				}
				model := l.Model
				if l.Consistency != "" {
					model += " (" + l.Consistency + ")"
				}
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", l.Number, l.ID, l.Title, l.Toy, model, strings.Join(names, ", "))
			}
			return exitOK, tw.Flush()
		}
	},
}

func noPositional(c *command, pos []string) error {
	if len(pos) > 0 {
		return usagef("%sunexpected argument %s%s", c.prefix(), clipArg(pos[0]), c.seeHelp())
	}
	return nil
}
