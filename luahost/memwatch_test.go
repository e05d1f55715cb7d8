package luahost

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/kosmo-dev/kosmo/luahost/errcode"
)

// The watchdog stops the run with the most data, never a bystander, and
// skips runs that already ended.
func TestWatchdogStopsTheResponsibleRun(t *testing.T) {
	small, big, ended := &run{}, &run{}, &run{}
	small.used.Store(1 << 20)
	big.used.Store(30 << 20)
	ended.used.Store(60 << 20)
	ended.stopErr = errcode.New(errcode.CPULimit, "done")
	assert.Same(t, big, responsible([]*run{small, ended, big}))
	assert.Nil(t, responsible(nil))
}
