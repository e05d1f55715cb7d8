package luahost

import (
	"strconv"
	"unsafe"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/ast"
)

// concatGlobal is the built-in that every `..` chain compiles to.
//
// gopher-lua concatenates strings inside the VM with no allocation hook,
// so `s = s .. s` in a loop can allocate gigabytes between two watchdog
// samples. Compile rewrites each concatenation chain into a call of this
// built-in, which reserves the result's size against the memory budget
// before building it. The rewrite keeps Lua's semantics: numbers convert,
// __concat metamethods run right to left, and errors name the bad operand.
const concatGlobal = "__kosmo_concat"

// guardChunk rewrites a whole chunk. When it has a concatenation, the
// built-in is first copied into a local of the chunk, so that every `..`
// reaches it as a register or an upvalue instead of looking it up among
// the globals each time. The local's name is not a Lua identifier, so no
// script can read or assign it, and `..` keeps working whatever the script
// does to the global.
func guardChunk(chunk []ast.Stmt) []ast.Stmt {
	g := concatGuard{fn: concatLocal}
	if topLevelLocals(chunk) > maxLocalsForGuard {
		g.fn = concatGlobal
	}
	g.stmts(chunk)
	if !g.used || g.fn == concatGlobal {
		return chunk
	}
	global := &ast.IdentExpr{Value: concatGlobal}
	global.SetLine(1)
	global.SetLastLine(1)
	local := &ast.LocalAssignStmt{Names: []string{concatLocal}, Exprs: []ast.Expr{global}}
	local.SetLine(1)
	local.SetLastLine(1)
	return append([]ast.Stmt{local}, chunk...)
}

// concatLocal names the chunk's local holding the built-in.
const concatLocal = "(concat)"

// maxLocalsForGuard keeps the extra local out of chunks that come near
// Lua's limit of 200 registers: there the built-in is looked up as a
// global, as before, so such a chunk compiles exactly as it would have.
const maxLocalsForGuard = 150

// topLevelLocals counts the locals a chunk declares outside any block.
func topLevelLocals(chunk []ast.Stmt) int {
	n := 0
	for _, s := range chunk {
		if st, ok := s.(*ast.LocalAssignStmt); ok { // `local function` too
			n += len(st.Names)
		}
	}
	return n
}

// concatGuard rewrites statements and expressions in place, noting
// whether it met any concatenation.
type concatGuard struct {
	fn   string // the name calls use: concatLocal or concatGlobal
	used bool
}

func (g *concatGuard) stmts(stmts []ast.Stmt) {
	for _, s := range stmts {
		g.stmt(s)
	}
}

func (g *concatGuard) stmt(s ast.Stmt) {
	switch st := s.(type) {
	case *ast.AssignStmt:
		g.exprs(st.Lhs)
		g.exprs(st.Rhs)
	case *ast.LocalAssignStmt:
		g.exprs(st.Exprs)
	case *ast.FuncCallStmt:
		st.Expr = g.expr(st.Expr)
	case *ast.DoBlockStmt:
		g.stmts(st.Stmts)
	case *ast.WhileStmt:
		st.Condition = g.expr(st.Condition)
		g.stmts(st.Stmts)
	case *ast.RepeatStmt:
		st.Condition = g.expr(st.Condition)
		g.stmts(st.Stmts)
	case *ast.IfStmt:
		st.Condition = g.expr(st.Condition)
		g.stmts(st.Then)
		g.stmts(st.Else)
	case *ast.NumberForStmt:
		st.Init = g.expr(st.Init)
		st.Limit = g.expr(st.Limit)
		st.Step = g.expr(st.Step)
		g.stmts(st.Stmts)
	case *ast.GenericForStmt:
		g.exprs(st.Exprs)
		g.stmts(st.Stmts)
	case *ast.FuncDefStmt:
		if st.Name != nil {
			st.Name.Func = g.expr(st.Name.Func)
			st.Name.Receiver = g.expr(st.Name.Receiver)
		}
		g.stmts(st.Func.Stmts)
	case *ast.ReturnStmt:
		g.exprs(st.Exprs)
	}
}

func (g *concatGuard) exprs(es []ast.Expr) {
	for i := range es {
		es[i] = g.expr(es[i])
	}
}

func (g *concatGuard) expr(e ast.Expr) ast.Expr {
	switch ex := e.(type) {
	case nil:
		return nil
	case *ast.StringConcatOpExpr:
		// a .. b .. c parses as a .. (b .. c): flatten along the right
		var operands []ast.Expr
		var cur ast.Expr = ex
		for {
			c, ok := cur.(*ast.StringConcatOpExpr)
			if !ok {
				operands = append(operands, g.expr(cur))
				break
			}
			operands = append(operands, g.expr(c.Lhs))
			cur = c.Rhs
		}
		g.used = true
		return concatCall(g.fn, ex, operands)
	case *ast.AttrGetExpr:
		ex.Object = g.expr(ex.Object)
		ex.Key = g.expr(ex.Key)
	case *ast.TableExpr:
		for _, f := range ex.Fields {
			f.Key = g.expr(f.Key)
			f.Value = g.expr(f.Value)
		}
	case *ast.FuncCallExpr:
		ex.Func = g.expr(ex.Func)
		ex.Receiver = g.expr(ex.Receiver)
		g.exprs(ex.Args)
	case *ast.LogicalOpExpr:
		ex.Lhs = g.expr(ex.Lhs)
		ex.Rhs = g.expr(ex.Rhs)
	case *ast.RelationalOpExpr:
		ex.Lhs = g.expr(ex.Lhs)
		ex.Rhs = g.expr(ex.Rhs)
	case *ast.ArithmeticOpExpr:
		ex.Lhs = g.expr(ex.Lhs)
		ex.Rhs = g.expr(ex.Rhs)
	case *ast.UnaryMinusOpExpr:
		ex.Expr = g.expr(ex.Expr)
	case *ast.UnaryNotOpExpr:
		ex.Expr = g.expr(ex.Expr)
	case *ast.UnaryLenOpExpr:
		ex.Expr = g.expr(ex.Expr)
	case *ast.FunctionExpr:
		g.stmts(ex.Stmts)
	}
	return e
}

// maxConcatArgs keeps each call well under the VM's register limit.
const maxConcatArgs = 32

// concatCall builds the call for a chain's operands. Very long chains are
// split into calls of at most maxConcatArgs operands whose results are
// joined by an outer call (strings and numbers concatenate the same way
// however they are grouped), so the tree stays shallow.
func concatCall(fnName string, at ast.Expr, operands []ast.Expr) ast.Expr {
	for len(operands) > maxConcatArgs {
		var groups []ast.Expr
		for i := 0; i < len(operands); i += maxConcatArgs {
			end := min(i+maxConcatArgs, len(operands))
			groups = append(groups, concatCall(fnName, at, operands[i:end]))
		}
		operands = groups
	}
	fn := &ast.IdentExpr{Value: fnName}
	fn.SetLine(at.Line())
	fn.SetLastLine(at.LastLine())
	call := &ast.FuncCallExpr{Func: fn, Args: operands, AdjustRet: true}
	call.SetLine(at.Line())
	call.SetLastLine(at.LastLine())
	return call
}

func concatable(v lua.LValue) bool {
	switch v.(type) {
	case lua.LString, lua.LNumber:
		return true
	}
	return false
}

// builtinConcat concatenates its arguments like Lua's `..` operator,
// right to left, reserving memory for every string it builds.
func builtinConcat(L *lua.LState) int {
	n := L.GetTop()
	if n == 0 {
		L.Push(lua.LString(""))
		return 1
	}
	r := runOf(L)
	rhs := L.Get(n)
	for i := n - 1; i >= 1; {
		lhs := L.Get(i)
		if concatable(lhs) && concatable(rhs) {
			// the run of plain operands ending at rhs becomes one string
			j := i
			for j > 1 && concatable(L.Get(j-1)) {
				j--
			}
			rhs = joinPlain(L, r, j, i, rhs)
			i = j - 1
			continue
		}
		mm := L.GetMetaField(lhs, "__concat")
		if _, ok := mm.(*lua.LFunction); !ok {
			mm = L.GetMetaField(rhs, "__concat")
		}
		if _, ok := mm.(*lua.LFunction); !ok {
			bad := lhs
			if concatable(lhs) {
				bad = rhs
			}
			L.RaiseError("attempt to concatenate a %s value", bad.Type().String())
		}
		L.Push(mm)
		L.Push(lhs)
		L.Push(rhs)
		L.Call(2, 1)
		rhs = L.Get(-1)
		L.Pop(1)
		i--
	}
	L.Push(rhs)
	return 1
}

// joinPlain concatenates the strings and numbers in stack slots from..to
// followed by last, with one allocation whose size is reserved first.
// Numbers are written the way gopher-lua's tostring writes them.
func joinPlain(L *lua.LState, r *run, from, to int, last lua.LValue) lua.LValue {
	var digits [24]byte
	total := plainLen(last, &digits)
	for k := from; k <= to; k++ {
		total += plainLen(L.Get(k), &digits)
	}
	r.reserve(L, int64(total))
	if total == 0 {
		return lua.LString("")
	}
	buf := make([]byte, 0, total)
	for k := from; k <= to; k++ {
		buf = appendPlain(buf, L.Get(k))
	}
	buf = appendPlain(buf, last)
	return lua.LString(unsafe.String(&buf[0], len(buf)))
}

// integral is gopher-lua's own test for printing a number without a
// fraction (a conversion round trip, so the huge and the odd agree).
func integral(n lua.LNumber) bool { return float64(n) == float64(int64(n)) }

func plainLen(v lua.LValue, digits *[24]byte) int {
	switch x := v.(type) {
	case lua.LString:
		return len(x)
	case lua.LNumber:
		if integral(x) {
			return len(strconv.AppendInt(digits[:0], int64(x), 10))
		}
		return len(x.String())
	}
	return 0
}

func appendPlain(buf []byte, v lua.LValue) []byte {
	switch x := v.(type) {
	case lua.LString:
		return append(buf, x...)
	case lua.LNumber:
		if integral(x) {
			return strconv.AppendInt(buf, int64(x), 10)
		}
		return append(buf, x.String()...)
	}
	return buf
}
