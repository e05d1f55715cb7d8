package registry

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestReportCreated(t *testing.T) {
	var c Created
	ctx := WithCreated(context.Background(), &c)
	assert.Nil(t, c.IDs())
	ReportCreated(ctx, "video_id", "")
	assert.Nil(t, c.IDs(), "empty ids are not reported")
	ReportCreated(ctx, "video_id", "v1")
	assert.Equal(t, map[string]any{"video_id": "v1"}, c.IDs())
	ReportCreated(context.Background(), "video_id", "v2") // no collector: nothing happens
	assert.Equal(t, map[string]any{"video_id": "v1"}, c.IDs())
	var none *Created
	assert.Nil(t, none.IDs())
}
