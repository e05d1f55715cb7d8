package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"syscall"
	"time"
)

// sample is one timed run of a process.
type sample struct {
	wall   time.Duration
	maxRSS int64 // bytes
	stdout []byte
}

// proc describes a command to time: argv, extra environment, and the
// standard input it reads.
type proc struct {
	argv  []string
	env   []string
	stdin []byte
	dir   string
}

// run starts the process once and measures its wall time and peak RSS.
// A non-zero exit is an error: a benchmark of a failing command is
// meaningless.
func (p proc) run(ctx context.Context) (sample, error) {
	cmd := exec.CommandContext(ctx, p.argv[0], p.argv[1:]...)
	cmd.Env = append(os.Environ(), p.env...)
	cmd.Dir = p.dir
	if p.stdin != nil {
		cmd.Stdin = bytes.NewReader(p.stdin)
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		return sample{}, fmt.Errorf("%s: %v: %s", p.argv[0], err, tail(errb.Bytes()))
	}
	s := sample{wall: wall, stdout: out.Bytes()}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		s.maxRSS = ru.Maxrss * 1024 // Linux reports kilobytes
	}
	return s, nil
}

func tail(b []byte) string {
	if len(b) > 400 {
		b = b[len(b)-400:]
	}
	return string(bytes.TrimSpace(b))
}

// interleave runs each named measurement reps times, alternating between
// them so that drift on a busy machine affects all of them alike. It
// returns the samples of each, in the order of names.
func interleave(ctx context.Context, reps int, fns []func(context.Context) (float64, error)) ([][]float64, error) {
	out := make([][]float64, len(fns))
	for i := 0; i < reps; i++ {
		for j, fn := range fns {
			v, err := fn(ctx)
			if err != nil {
				return nil, err
			}
			out[j] = append(out[j], v)
		}
	}
	return out, nil
}

// median of xs (xs is not modified).
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// percentile of xs, p in [0,100], nearest rank.
func percentile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	rank := int(p/100*float64(len(s)) + 0.5)
	if rank < 1 {
		rank = 1
	}
	if rank > len(s) {
		rank = len(s)
	}
	return s[rank-1]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

var epoch = time.Now()

func nowMs() float64 { return ms(time.Since(epoch)) }
