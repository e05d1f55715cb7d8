package luaconv

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	lua "github.com/yuin/gopher-lua"
)

// dag is a table of n levels where each level holds the next one twice.
func dag(L *lua.LState, n int) *lua.LTable {
	t := L.NewTable()
	t.RawSetInt(1, lua.LString("leaf"))
	for i := 0; i < n; i++ {
		next := L.NewTable()
		next.RawSetInt(1, t)
		next.RawSetInt(2, t)
		t = next
	}
	return t
}

func TestToGoChargesEveryPath(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	_, err := ToGo(L, dag(L, 40), ToGoOptions{MaxBytes: 1 << 20})
	var be *BudgetError
	require.True(t, errors.As(err, &be), "%v", err)
	assert.Equal(t, int64(1<<20), be.Limit)

	v, err := ToGo(L, dag(L, 3), ToGoOptions{MaxBytes: 1 << 20})
	require.NoError(t, err)
	assert.Len(t, v, 2)
}

func TestDumpStopsAtItsBudget(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	s, err := DumpWith(L, dag(L, 40), DumpOptions{MaxBytes: 4096})
	var be *BudgetError
	require.True(t, errors.As(err, &be), "%v", err)
	assert.LessOrEqual(t, len(s), 4096)
	// Dump keeps its signature: it stops too, and says so
	out := Dump(L, dag(L, 40))
	assert.LessOrEqual(t, len(out), DefaultMaxBytes+200)
	assert.Contains(t, out, "<dump stopped:")
}

func TestConversionsStopWhenCancelled(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := ToGo(L, dag(L, 40), ToGoOptions{MaxBytes: 1 << 40, Context: ctx})
	assert.ErrorIs(t, err, context.Canceled)
	_, err = DumpWith(L, dag(L, 40), DumpOptions{MaxBytes: 1 << 40, Context: ctx})
	assert.ErrorIs(t, err, context.Canceled)
}
