package heygen_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-dev/kosmo/heygen"
)

// An integer written as 1080.0 is still an integer, and a field of the
// wrong type leaves only that field empty: the rest of the object and
// Raw are intact.
func TestDecodeIsTolerant(t *testing.T) {
	c, _ := newFake(t, always(200, `{"data":{"id":"v","status":"completed","created_at":1735689600.0,"completed_at":"yesterday","duration":12.5}}`))
	v, err := c.Videos.Get(context.Background(), "v")
	require.NoError(t, err)
	require.NotNil(t, v.CreatedAt)
	assert.Equal(t, int64(1735689600), *v.CreatedAt)
	assert.Nil(t, v.CompletedAt)
	assert.Equal(t, 12.5, *v.Duration)
	assert.Equal(t, "completed", v.Status)
	assert.Equal(t, "yesterday", v.Raw["completed_at"], "Raw keeps what HeyGen sent")
}

// One odd item does not fail a whole listing.
func TestOneOddItemDoesNotFailAListing(t *testing.T) {
	c, _ := newFake(t, always(200, `{"data":[
		{"id":"a","status":"completed"},
		{"id":5,"status":"completed","created_at":1.0e9},
		"not an object",
		{"id":"c","status":"failed","duration":"long"}
	],"has_more":false}`))
	page, err := c.Videos.List(context.Background(), heygen.VideoListParams{})
	require.NoError(t, err)
	require.Len(t, page.Data, 3, "only the item that is not an object is skipped")
	assert.Equal(t, "a", page.Data[0].ID)
	assert.Equal(t, int64(1000000000), *page.Data[1].CreatedAt)
	assert.Equal(t, "5", fmt.Sprint(page.Data[1].Raw["id"]), "Raw keeps the odd id")
	assert.Equal(t, "c", page.Data[2].ID)
	assert.Nil(t, page.Data[2].Duration)
}
