package luahost

import (
	"errors"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/parse"

	"github.com/kosmo-dev/kosmo/luahost/errcode"
)

// Compile parses and compiles a chunk once. The result can run in any
// state, any number of times. Syntax errors come back as lua_syntax_error
// with the line, e.g. "workflow.lua:3: unexpected symbol near 'end'".
func Compile(name, code string) (*lua.FunctionProto, error) {
	code = strings.TrimPrefix(code, "\ufeff")
	if strings.HasPrefix(code, "#!") {
		// Keep line numbers: blank out the shebang line rather than drop it.
		if i := strings.IndexByte(code, '\n'); i >= 0 {
			code = code[i:]
		} else {
			code = ""
		}
	}
	if line := scanNesting(code); line > 0 {
		return nil, nestingError(name, line, maxNesting, "brackets, blocks and functions are")
	}
	chunk, err := parse.Parse(strings.NewReader(code), name)
	if err != nil {
		return nil, syntaxError(name, err, lastLineOf(code))
	}
	var deep depthError
	if err := checkDepth(chunk); errors.As(err, &deep) {
		return nil, nestingError(name, deep.line, maxExprDepth, "expressions and statements are")
	}
	chunk = guardChunk(chunk)
	proto, err := lua.Compile(chunk, name)
	if err != nil {
		return nil, syntaxError(name, err, lastLineOf(code))
	}
	return proto, nil
}

func syntaxError(name string, err error, lastLine int) *errcode.Error {
	var pe *parse.Error
	if errors.As(err, &pe) {
		line := pe.Pos.Line
		var msg string
		if line == parse.EOF {
			msg = name + ":" + strconv.Itoa(lastLine) + ": " + pe.Message + " at end of input (a block, table, call or string is not closed)"
			line = lastLine
		} else {
			msg = name + ":" + strconv.Itoa(line) + ": " + pe.Message
			if pe.Token != "" {
				msg += " near '" + pe.Token + "'"
			}
		}
		e := errcode.New(errcode.LuaSyntaxError, "%s", msg)
		e.Line = line
		e.Err = err
		if pe.Pos.Column > 0 {
			e.WithDetail("column", pe.Pos.Column)
		}
		return e.WithHint("fix the script's syntax; the line number points at where the parser gave up")
	}
	return errcode.Wrap(errcode.LuaSyntaxError, err, name+": "+strings.TrimSpace(err.Error()))
}

// IsIncomplete reports whether err is a syntax error caused by the chunk
// ending too early (an open block, table, call or long string), so that an
// interactive prompt can ask for more lines instead of failing.
func IsIncomplete(err error) bool {
	var pe *parse.Error
	if !errors.As(err, &pe) {
		return false
	}
	if pe.Pos.Line == parse.EOF {
		return true
	}
	msg := strings.ToLower(pe.Message)
	return strings.Contains(msg, "unterminated") || strings.Contains(msg, "unfinished")
}

// lastLineOf is the number of the last non-empty line of code.
func lastLineOf(code string) int {
	return strings.Count(strings.TrimRight(code, "\n\r\t "), "\n") + 1
}
