package main

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/faultline-lab/faultline/lessons"
	"github.com/faultline-lab/faultline/toydb"
)

type lessonJSON struct {
	Number   int             `json:"number"`
	ID       string          `json:"id"`
	Title    string          `json:"title"`
	Summary  string          `json:"summary"`
	Toy      string          `json:"toy_database"`
	Model    string          `json:"model"`
	Default  string          `json:"default_variant"`
	Variants []toydb.Variant `json:"variants"`
}

func cmdLessons(args []string, stdout io.Writer) (int, error) {
	fs := newFlags("lessons")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return exitUsage, err
	}
	if err := noPositional("lessons", pos); err != nil {
		return exitUsage, err
	}
	var out []lessonJSON
	for _, l := range lessons.All() {
		out = append(out, lessonJSON{Number: l.Number, ID: l.ID, Title: l.Title, Summary: l.Summary,
			Toy: l.Design.Name, Model: string(l.Model), Default: l.DefaultVariant(), Variants: l.Variants()})
	}
	if *asJSON {
		return exitOK, printJSON(stdout, out)
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "#\tID\tTITLE\tTOY DATABASE\tMODEL\tVARIANTS")
	for _, l := range out {
		names := ""
		for i, v := range l.Variants {
			if i > 0 {
				names += ", "
			}
			names += v.Name
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", l.Number, l.ID, l.Title, l.Toy, l.Model, names)
	}
	return exitOK, tw.Flush()
}
