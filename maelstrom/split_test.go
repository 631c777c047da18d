package maelstrom

import (
	"reflect"
	"strings"
	"testing"
)

func TestSplitCommandAsAShellWould(t *testing.T) {
	cases := map[string][]string{
		`python3 raft.py`:            {"python3", "raft.py"},
		`  ./node   --peers 3 `:      {"./node", "--peers", "3"},
		`java -jar "my node.jar"`:    {"java", "-jar", "my node.jar"},
		`sh -c 'echo $HOME; exit 1'`: {"sh", "-c", "echo $HOME; exit 1"},
		`a\ b c`:                     {"a b", "c"},
		`"a\"b" 'c\d'`:               {`a"b`, `c\d`},
		`"x\ny"`:                     {`x\ny`},
		`''`:                         {""},
		`pre"mid"'post'`:             {"premidpost"},
		`ruby\` + "\n" + `node.rb`:   {"rubynode.rb"},
		`node *.json ~ $X`:           {"node", "*.json", "~", "$X"},
		"tab\tseparated\nlines":      {"tab", "separated", "lines"},
		`"$PATH is \$kept"`:          {"$PATH is $kept"},
		`echo "a 'b' c"`:             {"echo", "a 'b' c"},
	}
	for in, want := range cases {
		got, err := SplitCommand(in)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("SplitCommand(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestSplitCommandRefusesWhatAShellWould(t *testing.T) {
	for in, want := range map[string]string{
		`python3 'raft.py`: "unterminated single quote at character 9",
		`a "b`:             "unterminated double quote",
		`a\`:               "lone backslash",
		``:                 "empty",
		"   \t ":           "empty",
	} {
		_, err := SplitCommand(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("SplitCommand(%q) = %v, want an error saying %q", in, err, want)
		}
	}
}

func FuzzSplitCommand(f *testing.F) {
	for _, s := range []string{`python3 raft.py`, `a "b c" 'd'`, `x\ y`, `"\\"`, `'`, "a\tb"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		words, err := SplitCommand(s)
		if err != nil {
			return
		}
		again, err := SplitCommand(QuoteCommand(words))
		if err != nil || !reflect.DeepEqual(again, words) {
			t.Fatalf("%q split to %q, quoted to %q, split again to %q (%v)", s, words, QuoteCommand(words), again, err)
		}
	})
}
