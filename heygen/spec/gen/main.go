// Command gen writes the Go code generated from HeyGen's v3 endpoint list
// and heygen/spec/functions.txt. `go generate ./heygen/spec` runs it from
// heygen/spec; -root names the repository root when run from elsewhere.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/kosmo-dev/kosmo/heygen/spec"
)

func main() {
	root := flag.String("root", "../..", "repository root")
	flag.Parse()
	if err := run(*root); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(root string) error {
	specJSON, err := os.ReadFile(filepath.Join(root, spec.SpecPath))
	if err != nil {
		return err
	}
	table, err := os.ReadFile(filepath.Join(root, spec.TablePath))
	if err != nil {
		return err
	}
	rules, err := os.ReadFile(filepath.Join(root, spec.RulesPath))
	if err != nil {
		return err
	}
	files, err := spec.Generate(specJSON, table, rules)
	if err != nil {
		return err
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := os.WriteFile(filepath.Join(root, name), files[name], 0o644); err != nil {
			return err
		}
	}
	return nil
}
