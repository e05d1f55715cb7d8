package docs_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/kosmo-dev/kosmo/docs"
)

func TestGuides(t *testing.T) {
	pages := docs.Guides()
	names := make([]string, len(pages))
	for i, p := range pages {
		names[i] = p.Name
		assert.True(t, strings.HasPrefix(p.Body, "# "+p.Title+"\n"), p.Name)
		assert.NotEmpty(t, p.Summary, p.Name)
		assert.NotContains(t, p.Summary, "\n", p.Name)
	}
	assert.Equal(t, docs.GuideNames, names)
}
