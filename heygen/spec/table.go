// Package spec turns HeyGen's v3 endpoint list (../shared/heygen-api/
// v3-endpoints.json beside the repository) and the hand-written table in
// functions.txt into committed Go code: one heygen.Endpoint and one client
// method per endpoint (heygen/endpoints_gen.go), and one registry function
// per endpoint that no hand-written function covers
// (heygen/integration/functions_gen.go).
//
// Only facts cross over from the spec: names, types, required fields,
// enums, ranges, defaults and paths. Descriptions, summaries and examples
// are dropped; every description the generated code carries comes from
// functions.txt and is written in our own words.
//
// Run it with `go generate ./heygen/spec`. TestGeneratedFilesUpToDate fails
// when the committed files differ from what the generator writes.
package spec

//go:generate go run ./gen

import (
	"bufio"
	"bytes"
	"fmt"
	"regexp"
	"strings"
)

// Entry is one line of functions.txt.
type Entry struct {
	Method, Path string
	Name         string // snake_case verb_object name
	Area         string // videos, avatars, ...
	CoveredBy    string // hand-written function serving the endpoint, "" = generated
	Description  string
}

// Request is "METHOD /path".
func (e Entry) Request() string { return e.Method + " " + e.Path }

var nameRE = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)+$`)

// Reserved names belong to hand-written functions that are not a single
// endpoint; no table line may generate them.
var Reserved = []string{"upload_asset", "download"}

// ParseTable reads functions.txt: "METHOD /path | name | area | covered by
// | description" per line; blank lines and # comments are skipped.
func ParseTable(data []byte) ([]Entry, error) {
	var out []Entry
	seenReq := map[string]bool{}
	seenName := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "|")
		if len(cols) != 5 {
			return nil, fmt.Errorf("functions.txt:%d: want 5 columns separated by |, got %d", n, len(cols))
		}
		for i := range cols {
			cols[i] = strings.TrimSpace(cols[i])
		}
		mp := strings.Fields(cols[0])
		if len(mp) != 2 {
			return nil, fmt.Errorf("functions.txt:%d: first column must be METHOD /path", n)
		}
		e := Entry{Method: mp[0], Path: mp[1], Name: cols[1], Area: cols[2], Description: cols[4]}
		if cols[3] != "-" {
			e.CoveredBy = cols[3]
		}
		switch {
		case !nameRE.MatchString(e.Name):
			return nil, fmt.Errorf("functions.txt:%d: name %q is not snake_case verb_object", n, e.Name)
		case e.Area == "" || e.Description == "":
			return nil, fmt.Errorf("functions.txt:%d: area and description are required", n)
		case seenReq[e.Request()]:
			return nil, fmt.Errorf("functions.txt:%d: %s listed twice", n, e.Request())
		case seenName[e.Name]:
			return nil, fmt.Errorf("functions.txt:%d: name %s used twice", n, e.Name)
		}
		for _, r := range Reserved {
			if e.Name == r && e.CoveredBy == "" {
				return nil, fmt.Errorf("functions.txt:%d: %s is reserved for a hand-written function", n, r)
			}
		}
		seenReq[e.Request()] = true
		seenName[e.Name] = true
		out = append(out, e)
	}
	return out, sc.Err()
}
