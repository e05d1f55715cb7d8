package luaconv

import (
	"strconv"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// buildGraph interprets prog as instructions that build a graph of tables
// with shared subtables, cycles, odd keys and markers, and returns its root.
func buildGraph(L *lua.LState, prog []byte) *lua.LTable {
	ts := []*lua.LTable{L.NewTable()}
	pick := func(b byte) *lua.LTable { return ts[int(b)%len(ts)] }
	for i := 0; i+2 < len(prog) && len(ts) < 64; i += 3 {
		op, a, b := prog[i], prog[i+1], prog[i+2]
		t := pick(a)
		switch op % 8 {
		case 0:
			n := L.NewTable()
			ts = append(ts, n)
			t.RawSetInt(t.Len()+1, n)
		case 1:
			t.RawSetInt(t.Len()+1, pick(b))
		case 2:
			t.RawSetString("k"+strconv.Itoa(int(b)), pick(b))
		case 3:
			t.RawSetString("s"+strconv.Itoa(int(b%4)), lua.LString(string(prog[i:])))
		case 4:
			t.RawSetInt(int(b)-8, lua.LNumber(float64(b)/3))
		case 5:
			t.RawSet(lua.LBool(b%2 == 0), pick(b))
		case 6:
			if b%2 == 0 {
				MarkArray(L, t)
			} else {
				MarkObject(L, t)
			}
		case 7:
			t.RawSetInt(int(b), Null(L))
		}
	}
	return ts[0]
}

// FuzzConvertAndDump builds table graphs (shared subtables, cycles, mixed
// and odd keys) and converts and dumps them under small budgets: nothing
// may panic, and no output may pass its budget.
func FuzzConvertAndDump(f *testing.F) {
	f.Add([]byte{0, 0, 0, 1, 1, 1, 1, 1, 1})
	f.Add([]byte{0, 0, 0, 0, 1, 0, 1, 1, 1, 1, 2, 2, 1, 2, 2})
	f.Add([]byte{2, 0, 0, 3, 0, 7, 4, 0, 9, 5, 0, 1, 6, 0, 2})
	f.Add([]byte("\x00\x00\x00\x00\x01\x00\x01\x02\x01\x01\x02\x01\x07\x00\x03"))
	L := lua.NewState()
	defer L.Close()
	const budget = 1 << 14
	f.Fuzz(func(t *testing.T, prog []byte) {
		root := buildGraph(L, prog)
		for _, strict := range []bool{false, true} {
			_, _ = ToGo(L, root, ToGoOptions{Strict: strict, MaxBytes: budget})
		}
		s, _ := DumpWith(L, root, DumpOptions{MaxBytes: budget})
		if len(s) > budget {
			t.Fatalf("dump of %d bytes passed its budget of %d", len(s), budget)
		}
		_ = Dump(L, root)
	})
}
