// Command kosmo-bench measures kosmo side by side with its references
// (a Go hello-world, Debian's lua5.1 and lua-cjson, gopher-lua alone,
// Go's encoding/json, HeyGen's own CLI when installed) and prints a table
// of medians, ratios and targets. With -write it replaces the generated
// section of docs/performance.md.
//
//	go run ./cmd/kosmo-bench              # full run, a few minutes
//	go run ./cmd/kosmo-bench -quick       # every row once (CI)
//	go run ./cmd/kosmo-bench -write docs/performance.md
//
// Run it from the repository root. Every load it generates goes to
// loopback only and is bounded in count and time.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"testing"
	"time"
)

// row is one line of the table: what is measured, the target, and the
// function that measures it.
type row struct {
	id     string
	what   string
	target string
	run    func(ctx context.Context, b *bench) result
}

// result is what a row measured. kosmo and refs are already formatted;
// met is nil when the target could not be judged (a reference missing).
type result struct {
	kosmo string
	refs  []string
	ratio string
	met   *bool
	note  string
	err   error
}

// bench carries what every row needs.
type bench struct {
	t     *tools
	quick bool
	reps  int
}

// repsOr picks the repetition count: 1 in quick mode, else n.
func (b *bench) repsOr(n int) int {
	if b.quick {
		return 1
	}
	if b.reps > 0 {
		return b.reps
	}
	return n
}

func verdict(ok bool) *bool { return &ok }

func main() {
	testing.Init() // benchmarks run through testing.Benchmark, which reads -test.benchtime
	quick := flag.Bool("quick", false, "run every benchmark once (smoke test; figures are not meaningful)")
	reps := flag.Int("reps", 0, "repetitions per measurement (default: per row)")
	only := flag.String("only", "", "comma-separated row ids to run (default: all)")
	write := flag.String("write", "", "replace the generated section of this markdown `file` with the table")
	flag.Parse()
	if *quick {
		_ = flag.Set("test.benchtime", "1x")
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if _, err := os.Stat("go.mod"); err != nil {
		fmt.Fprintln(os.Stderr, "kosmo-bench: run it from the repository root (go run ./cmd/kosmo-bench)")
		os.Exit(2)
	}
	fmt.Fprintln(os.Stderr, "kosmo-bench: building kosmo and the references ...")
	t, err := buildTools(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, "kosmo-bench:", err)
		os.Exit(1)
	}
	defer t.close()
	for name, why := range t.missing {
		fmt.Fprintf(os.Stderr, "kosmo-bench: reference %s skipped: %s\n", name, why)
	}

	b := &bench{t: t, quick: *quick, reps: *reps}
	want := map[string]bool{}
	for _, id := range strings.Split(*only, ",") {
		if id = strings.TrimSpace(id); id != "" {
			want[id] = true
		}
	}
	var lines []string
	failed := false
	for _, r := range rows() {
		if len(want) > 0 && !want[r.id] {
			continue
		}
		fmt.Fprintf(os.Stderr, "kosmo-bench: %s ...\n", r.what)
		started := time.Now()
		res := r.run(ctx, b)
		if res.err != nil {
			failed = true
			res.note = "error: " + res.err.Error()
			fmt.Fprintf(os.Stderr, "kosmo-bench: %s failed: %v\n", r.id, res.err)
		}
		fmt.Fprintf(os.Stderr, "kosmo-bench: %s done in %s\n", r.id, time.Since(started).Round(time.Millisecond))
		if b.quick {
			res.met = nil // one sample judges nothing
		}
		lines = append(lines, tableLine(r, res))
	}
	table := renderTable(lines, *quick)
	fmt.Println(table)
	if *write != "" {
		if err := writeSection(*write, table); err != nil {
			fmt.Fprintln(os.Stderr, "kosmo-bench:", err)
			os.Exit(1)
		}
	}
	if failed {
		os.Exit(1)
	}
}

func tableLine(r row, res result) string {
	met := "–"
	if res.met != nil {
		met = "no"
		if *res.met {
			met = "yes"
		}
	}
	refs := strings.Join(res.refs, "; ")
	if refs == "" {
		refs = "–"
	}
	cell := func(s string) string {
		if s == "" {
			return "–"
		}
		return strings.ReplaceAll(s, "|", "\\|")
	}
	return fmt.Sprintf("| %s | %s | %s | %s | %s | %s | %s |", r.what, cell(res.kosmo), cell(refs),
		cell(res.ratio), r.target, met, cell(res.note))
}

func renderTable(lines []string, quick bool) string {
	var sb strings.Builder
	host, _ := os.Hostname()
	fmt.Fprintf(&sb, "Measured %s on %s (%s), commit %s, %s.",
		time.Now().UTC().Format("2006-01-02"), machine(), host, commit(), goVersion())
	if quick {
		sb.WriteString(" QUICK MODE: every measurement ran once; the figures are not meaningful.")
	}
	sb.WriteString("\n\n| what | kosmo | references (same run) | ratio | target | met | notes |\n|---|---|---|---|---|---|---|\n")
	for _, l := range lines {
		sb.WriteString(l + "\n")
	}
	return sb.String()
}

const (
	sectionStart = "<!-- kosmo-bench:start -->"
	sectionEnd   = "<!-- kosmo-bench:end -->"
)

// writeSection replaces the text between the section markers of path,
// appending the markers when the file has none.
func writeSection(path, table string) error {
	old, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	body := sectionStart + "\n\n    go run ./cmd/kosmo-bench -write " + path + "\n\n" + table + "\n" + sectionEnd
	s := string(old)
	i, j := strings.Index(s, sectionStart), strings.Index(s, sectionEnd)
	if i >= 0 && j > i {
		s = s[:i] + body + s[j+len(sectionEnd):]
	} else {
		s = strings.TrimRight(s, "\n") + "\n\n" + body + "\n"
	}
	return os.WriteFile(path, []byte(s), 0o644)
}
