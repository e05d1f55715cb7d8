package luahost

import (
	"fmt"

	"github.com/yuin/gopher-lua/ast"

	"github.com/kosmo-dev/kosmo/luahost/errcode"
)

// Nesting limits of the compiler path.
//
// gopher-lua's compiler (and kosmo's `..` rewrite) walk the syntax tree
// recursively, and a Go stack overflow ends the whole process, so depth is
// measured before anything recursive runs, in two steps:
//
//  1. scanNesting, before parsing, reads the source once and counts open
//     brackets and blocks (function, do, if, repeat). Past maxNesting it
//     refuses at once, without building a parse stack for it.
//  2. checkDepth, after parsing, walks the tree with a depth counter that
//     stops at maxExprDepth, which catches deep trees without brackets:
//     long chains of operators (1+1+1...), unary operators, calls and field
//     accesses, elseif chains. A right-nested chain of `..` counts once,
//     since the rewrite flattens it.
const (
	maxNesting   = 200
	maxExprDepth = 1000
)

// nestingError is the lua_syntax_error for source nested too deeply.
func nestingError(name string, line, limit int, what string) *errcode.Error {
	e := errcode.New(errcode.LuaSyntaxError, "%s:%d: %s nested more than %d levels deep", name, line, what, limit)
	e.Line = line
	return e.WithDetail("limit", "nesting").WithDetail("max_depth", limit).
		WithHint("split the code into smaller functions, expressions or tables; kosmo bounds nesting to protect the host")
}

// scanNesting returns the line where brackets and blocks first open more
// than maxNesting levels, or 0. It understands strings, long strings and
// comments well enough not to count brackets inside them; it does not
// validate anything (the parser does).
func scanNesting(code string) int {
	depth, line := 0, 1
	n := len(code)
	for i := 0; i < n; {
		c := code[i]
		switch {
		case c == '\n':
			line++
			i++
		case c == '-' && i+1 < n && code[i+1] == '-':
			i += 2
			if lvl, ok := longBracket(code, i); ok {
				i = skipLong(code, i+lvl+2, lvl, &line)
				continue
			}
			for i < n && code[i] != '\n' {
				i++
			}
		case c == '"' || c == '\'':
			i++
			for i < n && code[i] != c && code[i] != '\n' {
				if code[i] == '\\' && i+1 < n {
					if code[i+1] == '\n' {
						line++
					}
					i++
				}
				i++
			}
			i++
		case c == '[':
			if lvl, ok := longBracket(code, i); ok {
				i = skipLong(code, i+lvl+2, lvl, &line)
				continue
			}
			depth++
			i++
		case c == '(' || c == '{':
			depth++
			i++
		case c == ')' || c == ']' || c == '}':
			depth--
			i++
		case isAlpha(c) || c == '_':
			j := i
			for j < n && (isAlnum(code[j]) || code[j] == '_') {
				j++
			}
			switch code[i:j] {
			case "function", "do", "if", "repeat":
				depth++
			case "end", "until":
				depth--
			}
			i = j
		default:
			i++
		}
		if depth > maxNesting {
			return line
		}
	}
	return 0
}

// longBracket reports whether code[i:] opens a long bracket [[ or [==[,
// and its level.
func longBracket(code string, i int) (int, bool) {
	if i >= len(code) || code[i] != '[' {
		return 0, false
	}
	j := i + 1
	for j < len(code) && code[j] == '=' {
		j++
	}
	if j < len(code) && code[j] == '[' {
		return j - i - 1, true
	}
	return 0, false
}

// skipLong skips to just past the closing bracket of the given level.
func skipLong(code string, i, lvl int, line *int) int {
	for ; i < len(code); i++ {
		switch code[i] {
		case '\n':
			*line++
		case ']':
			j := i + 1
			for j < len(code) && code[j] == '=' {
				j++
			}
			if j-i-1 == lvl && j < len(code) && code[j] == ']' {
				return j + 1
			}
		}
	}
	return len(code)
}

// depthError carries the line where the tree got too deep.
type depthError struct{ line int }

func (e depthError) Error() string { return fmt.Sprintf("too deep at line %d", e.line) }

// checkDepth walks the chunk's tree and reports the first node deeper
// than maxExprDepth. Its own recursion stops there.
func checkDepth(chunk []ast.Stmt) error {
	return depthStmts(chunk, 0)
}

func depthStmts(stmts []ast.Stmt, d int) error {
	for _, s := range stmts {
		if err := depthStmt(s, d); err != nil {
			return err
		}
	}
	return nil
}

func depthStmt(s ast.Stmt, d int) error {
	d++
	if d > maxExprDepth {
		return depthError{s.Line()}
	}
	switch st := s.(type) {
	case *ast.AssignStmt:
		return depthExprs(d, append(append([]ast.Expr{}, st.Lhs...), st.Rhs...)...)
	case *ast.LocalAssignStmt:
		return depthExprs(d, st.Exprs...)
	case *ast.FuncCallStmt:
		return depthExprs(d, st.Expr)
	case *ast.DoBlockStmt:
		return depthStmts(st.Stmts, d)
	case *ast.WhileStmt:
		if err := depthExprs(d, st.Condition); err != nil {
			return err
		}
		return depthStmts(st.Stmts, d)
	case *ast.RepeatStmt:
		if err := depthExprs(d, st.Condition); err != nil {
			return err
		}
		return depthStmts(st.Stmts, d)
	case *ast.IfStmt:
		if err := depthExprs(d, st.Condition); err != nil {
			return err
		}
		if err := depthStmts(st.Then, d); err != nil {
			return err
		}
		return depthStmts(st.Else, d)
	case *ast.NumberForStmt:
		if err := depthExprs(d, st.Init, st.Limit, st.Step); err != nil {
			return err
		}
		return depthStmts(st.Stmts, d)
	case *ast.GenericForStmt:
		if err := depthExprs(d, st.Exprs...); err != nil {
			return err
		}
		return depthStmts(st.Stmts, d)
	case *ast.FuncDefStmt:
		if st.Name != nil {
			if err := depthExprs(d, st.Name.Func, st.Name.Receiver); err != nil {
				return err
			}
		}
		if st.Func != nil {
			return depthStmts(st.Func.Stmts, d)
		}
	case *ast.ReturnStmt:
		return depthExprs(d, st.Exprs...)
	}
	return nil
}

func depthExprs(d int, es ...ast.Expr) error {
	for _, e := range es {
		if err := depthExpr(e, d); err != nil {
			return err
		}
	}
	return nil
}

func depthExpr(e ast.Expr, d int) error {
	if e == nil {
		return nil
	}
	d++
	if d > maxExprDepth {
		return depthError{e.Line()}
	}
	switch ex := e.(type) {
	case *ast.StringConcatOpExpr:
		// a .. b .. c nests to the right and is flattened by the rewrite
		var cur ast.Expr = ex
		for {
			c, ok := cur.(*ast.StringConcatOpExpr)
			if !ok {
				return depthExpr(cur, d)
			}
			if err := depthExpr(c.Lhs, d); err != nil {
				return err
			}
			cur = c.Rhs
		}
	case *ast.AttrGetExpr:
		return depthExprs(d, ex.Object, ex.Key)
	case *ast.TableExpr:
		for _, f := range ex.Fields {
			if err := depthExprs(d, f.Key, f.Value); err != nil {
				return err
			}
		}
	case *ast.FuncCallExpr:
		if err := depthExprs(d, ex.Func, ex.Receiver); err != nil {
			return err
		}
		return depthExprs(d, ex.Args...)
	case *ast.LogicalOpExpr:
		return depthExprs(d, ex.Lhs, ex.Rhs)
	case *ast.RelationalOpExpr:
		return depthExprs(d, ex.Lhs, ex.Rhs)
	case *ast.ArithmeticOpExpr:
		return depthExprs(d, ex.Lhs, ex.Rhs)
	case *ast.UnaryMinusOpExpr:
		return depthExprs(d, ex.Expr)
	case *ast.UnaryNotOpExpr:
		return depthExprs(d, ex.Expr)
	case *ast.UnaryLenOpExpr:
		return depthExprs(d, ex.Expr)
	case *ast.FunctionExpr:
		return depthStmts(ex.Stmts, d)
	}
	return nil
}
