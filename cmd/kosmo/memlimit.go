package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// memoryUnits are the suffixes --memory-limit accepts. Units are binary,
// as kosmo's megabytes always were: 1 MB = 1 MiB = 1,048,576 bytes.
var memoryUnits = map[string]float64{
	"b": 1,
	"k": 1 << 10, "kb": 1 << 10, "kib": 1 << 10,
	"m": 1 << 20, "mb": 1 << 20, "mib": 1 << 20,
	"g": 1 << 30, "gb": 1 << 30, "gib": 1 << 30,
}

// maxMemoryLimit keeps the limit far from overflowing the heap arithmetic.
const maxMemoryLimit = 1 << 40

// parseMemoryLimit reads --memory-limit: a size with a unit ("64MB",
// "64MiB", "512KB", "1g"), or a bare number, read as bytes when it is at
// least 1 MiB (KosmoKrator's --memory-limit=67108864) and as megabytes
// below that (kosmo's --memory-limit 64).
func parseMemoryLimit(s string) (int64, error) {
	text := strings.TrimSpace(s)
	i := strings.IndexFunc(text, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	num, unit := text, ""
	if i >= 0 {
		num, unit = text[:i], strings.ToLower(strings.TrimSpace(text[i:]))
	}
	n, err := strconv.ParseFloat(num, 64)
	scale, known := memoryUnits[unit]
	if unit == "" {
		known, scale = true, 1
		if n < 1<<20 {
			scale = 1 << 20
		}
	}
	if err != nil || !known || n <= 0 || math.IsInf(n, 0) {
		return 0, fmt.Errorf("want bytes (67108864), a size with a unit (64MB, 64MiB, 512KB, 1GB) or a number of megabytes below 1 MiB (64)")
	}
	bytes := n * scale
	if bytes < 1<<10 || bytes > maxMemoryLimit {
		return 0, fmt.Errorf("%s is out of range: the limit must be between 1 KB and 1 TB", humanSize(bytes))
	}
	return int64(bytes), nil
}

func humanSize(b float64) string {
	switch {
	case b >= 1<<30:
		return strconv.FormatFloat(b/(1<<30), 'f', -1, 64) + " GB"
	case b >= 1<<20:
		return strconv.FormatFloat(b/(1<<20), 'f', -1, 64) + " MB"
	}
	return strconv.FormatFloat(b, 'f', -1, 64) + " bytes"
}
