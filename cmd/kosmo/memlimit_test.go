package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseMemoryLimit(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
	}{
		{"67108864", 64 << 20}, // KosmoKrator's bytes
		{"1048576", 1 << 20},   // 1 MiB exactly: bytes
		{"64", 64 << 20},       // below 1 MiB: megabytes, as kosmo always read it
		{"0.5", 512 << 10},
		{"1048575", 1048575 << 20},
		{"64MB", 64 << 20},
		{"64MiB", 64 << 20},
		{"64mb", 64 << 20},
		{"64 MB", 64 << 20},
		{"512KB", 512 << 10},
		{"512KiB", 512 << 10},
		{"512k", 512 << 10},
		{"1GB", 1 << 30},
		{"1.5g", 3 << 29},
		{"2097152B", 2 << 20},
	} {
		got, err := parseMemoryLimit(c.in)
		require.NoError(t, err, c.in)
		assert.Equal(t, c.want, got, c.in)
	}
	for _, in := range []string{"", "abc", "64XB", "-5", "0", "0MB", "MB", "12B", "2000GB", "1e9", "64 M B"} {
		_, err := parseMemoryLimit(in)
		assert.Error(t, err, in)
	}
}
