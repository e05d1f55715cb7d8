// Package registry declares integrations and their functions as plain Go
// data. One declaration per function drives everything derived from it:
// argument validation and defaults, the docs pages, JSON Schemas for MCP
// tools, and the read/write permission class.
//
// The package has no Lua import: integrations written against it receive
// validated Go values (map[string]any, []any, string, int64, float64, bool)
// and return Go values, so they can be tested and reused without a VM.
package registry

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"

	"github.com/kosmo-dev/kosmo/luahost/fsroot"
)

// Op is a function's permission class.
type Op string

const (
	// Read functions only look at data.
	Read Op = "read"
	// Write functions create, change, delete or spend something.
	Write Op = "write"
)

// Type is a parameter's JSON type.
type Type string

const (
	Integer Type = "integer"
	Number  Type = "number"
	String  Type = "string"
	Boolean Type = "boolean"
	Array   Type = "array"
	Object  Type = "object"
)

// Param declares one named parameter, or (as Items/Fields) the shape of a
// nested value.
type Param struct {
	Name        string
	Type        Type
	Required    bool
	Default     any      // applied when the caller leaves the parameter out
	Min, Max    *float64 // numeric range (integer, number)
	MinLen      int      // strings: minimum length; arrays: minimum items
	MaxLen      int      // strings: maximum length; arrays: maximum items (0 = none)
	Enum        []string // allowed values of a string
	Description string
	Items       *Param  // arrays: the shape of each element (nil = any)
	Fields      []Param // objects: the known fields
	// Open objects also accept fields beyond Fields, with any value. Closed
	// objects reject unknown fields, so nothing a caller sends is dropped
	// silently.
	Open bool
	// Discriminator and Variants declare a union of objects (JSON Schema
	// oneOf): the string field named by Discriminator picks the variant
	// whose Value it holds, and that variant's Fields are accepted next
	// to the object's own Fields.
	Discriminator string
	Variants      []Variant
	// Exclusive lists groups of field names of which at most one may be
	// given in the same object.
	Exclusive [][]string
	// ServerDefault is the value the remote service assumes when the
	// parameter is left out. Docs and schemas show it; it is never sent.
	ServerDefault any
}

// Variant is one member of a discriminated union: the objects whose
// discriminator field holds Value take Fields.
type Variant struct {
	Value  string
	Fields []Param
	// Exclusive adds the variant's own groups of mutually exclusive fields.
	Exclusive [][]string
}

// Example is one Lua snippet in a function's docs. Title becomes the
// snippet's leading "-- comment" line.
type Example struct {
	Title string
	Code  string
}

// Section is an extra markdown section of a function's docs page.
type Section struct {
	Title string
	Body  string // markdown
}

// Handler runs one call. ctx ends when the run's deadline or limits end it.
type Handler func(ctx context.Context, call *Call) (any, error)

// Function declares one integration function.
type Function struct {
	Name        string // Lua name: list_videos
	FullName    string // stable tool id: heygen.heygen_list_videos
	Op          Op
	Summary     string // one sentence, the docs page lead
	Description string // fuller text for listings and MCP tool descriptions
	Params      []Param
	Returns     string // markdown: what the result holds
	Sections    []Section
	Examples    []Example
	// Flat functions follow the "never raise" result model: when the
	// remote service fails (HTTP error, rate limit, network, request
	// timeout) the host returns {success = false, error = "..."} instead
	// of raising. Bad arguments, permission and credential problems and
	// run limits still raise.
	Flat    bool
	Handler Handler
	// Area groups functions in listings and docs ("videos", "assets").
	Area string
	// Request names the HTTP request the function sends ("POST /v3/videos"),
	// so a user can match it to the service's own API reference.
	Request string
	// Discriminator, Variants and Exclusive apply to the argument table
	// itself, as Param's fields of the same name apply to an object.
	Discriminator string
	Variants      []Variant
	Exclusive     [][]string
}

// ToolName is the function's MCP tool name: the part of FullName after the
// integration prefix (heygen_list_videos).
func (f *Function) ToolName() string {
	if i := strings.LastIndexByte(f.FullName, '.'); i >= 0 {
		return f.FullName[i+1:]
	}
	return f.FullName
}

// Credential describes how an integration authenticates, so that the host
// and the CLI can tell users exactly what to set.
type Credential struct {
	Label      string // "API key"
	EnvVar     string // HEYGEN_API_KEY; HEYGEN_API_KEY_<NAME> adds accounts
	BaseURLEnv string // HEYGEN_API_BASE overrides the service URL
	// AllowHTTPEnv names the variable that permits a plain-http base URL
	// outside loopback (HEYGEN_ALLOW_HTTP); "" = never.
	AllowHTTPEnv string
}

// Integration is one service exposed at app.integrations.<Name>.
type Integration struct {
	Name       string // heygen
	Title      string // HeyGen
	Summary    string
	Credential Credential
	Functions  []*Function
	// Connect builds the per-run state for one account (an API client, a
	// pagination cache). The host calls it lazily, once per account per
	// run, and passes the result to handlers as Call.Session.
	Connect func(ctx context.Context, acct Account, env Env) (any, error)
	// ErrorDetails names the integration's own error-detail fields (beyond
	// status, request_id, param, function and retry_after) that the host
	// copies onto the error value a script sees, e.g. "heygen_code".
	ErrorDetails []string
}

// Function returns the function with the given Lua name.
func (ig *Integration) Function(name string) (*Function, bool) {
	for _, f := range ig.Functions {
		if f.Name == name {
			return f, true
		}
	}
	return nil, false
}

// FunctionNames returns the Lua names of all functions, sorted.
func (ig *Integration) FunctionNames() []string {
	names := make([]string, len(ig.Functions))
	for i, f := range ig.Functions {
		names[i] = f.Name
	}
	sort.Strings(names)
	return names
}

// Check reports declaration mistakes (duplicate names, defaults that do not
// satisfy their own schema, missing handlers). Tests call it for every
// integration so a bad declaration fails CI rather than a user's run.
func (ig *Integration) Check() error {
	seen := map[string]bool{}
	var problems []string
	for _, f := range ig.Functions {
		if seen[f.Name] {
			problems = append(problems, "duplicate function "+f.Name)
		}
		seen[f.Name] = true
		if f.Handler == nil {
			problems = append(problems, f.Name+": no handler")
		}
		if f.Op != Read && f.Op != Write {
			problems = append(problems, f.Name+": op must be read or write")
		}
		if f.Summary == "" || f.Description == "" {
			problems = append(problems, f.Name+": summary and description are required")
		}
		problems = append(problems, shapeProblems(f.Name, f.Params, f.Discriminator, f.Variants, f.Exclusive)...)
		for _, p := range f.Params {
			if p.Default != nil {
				if _, err := validateValue(f, p.Name, &p, p.Default); err != nil {
					problems = append(problems, fmt.Sprintf("%s.%s: default does not validate: %v", f.Name, p.Name, err))
				}
			}
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("integration %s: %s", ig.Name, strings.Join(problems, "; "))
	}
	return nil
}

// Account is one set of credentials for an integration.
type Account struct {
	Name    string // "default", "work", ...
	Secret  string // the API key; never printed
	BaseURL string // "" = the integration's default
	Source  string // where it came from, for listings: "env HEYGEN_API_KEY", "config"
}

// Env is what the host tells an integration about the run.
type Env struct {
	Sandbox   bool              // talking to the simulated service
	Transport http.RoundTripper // nil = http.DefaultTransport
	Version   string            // kosmo's version, for User-Agent
	Progress  io.Writer         // diagnostics (stderr); never stdout
	// Files is the only file access a run has: reads under the
	// --allow-read directories, writes under --output-dir. nil refuses
	// both.
	Files *fsroot.Roots
}

// Call is one invocation handed to a Handler.
type Call struct {
	Function *Function
	Account  string
	Session  any            // from Integration.Connect
	Args     map[string]any // validated, defaults applied
	Env      Env
}
