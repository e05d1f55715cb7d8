package heygen_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-dev/kosmo/heygen"
)

// pagedVideos serves three pages keyed by token: "" -> t2 -> t3 -> end.
func pagedVideos(w http.ResponseWriter, r *http.Request, _ int) {
	switch r.URL.Query().Get("token") {
	case "":
		reply(w, 200, `{"data":[{"id":"v1","status":"completed"},{"id":"v2","status":"completed"}],"has_more":true,"next_token":"t2"}`)
	case "t2":
		reply(w, 200, `{"data":[{"id":"v3","status":"completed"}],"has_more":true,"next_token":"t3"}`)
	case "t3":
		reply(w, 200, `{"data":[{"id":"v4","status":"pending"}],"has_more":false,"next_token":null}`)
	default:
		reply(w, 400, `{"error":{"code":"invalid_token","message":"bad token"}}`)
	}
}

func TestAllWalksEveryPage(t *testing.T) {
	c, f := newFake(t, pagedVideos)
	var ids []string
	for v, err := range c.Videos.All(context.Background(), heygen.VideoListParams{Limit: 2, FolderID: "f"}) {
		require.NoError(t, err)
		ids = append(ids, v.ID)
	}
	assert.Equal(t, []string{"v1", "v2", "v3", "v4"}, ids)

	reqs := f.requests()
	require.Len(t, reqs, 3)
	for i, wantToken := range []string{"", "t2", "t3"} {
		assert.Equal(t, wantToken, reqs[i].Query.Get("token"), "page %d", i)
		assert.Equal(t, "2", reqs[i].Query.Get("limit"), "page %d keeps the filters", i)
		assert.Equal(t, "f", reqs[i].Query.Get("folder_id"), "page %d keeps the filters", i)
	}
}

func TestAllStartsFromGivenToken(t *testing.T) {
	c, _ := newFake(t, pagedVideos)
	var ids []string
	for v, err := range c.Videos.All(context.Background(), heygen.VideoListParams{Token: "t3"}) {
		require.NoError(t, err)
		ids = append(ids, v.ID)
	}
	assert.Equal(t, []string{"v4"}, ids)
}

func TestAllStopsOnError(t *testing.T) {
	c, f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		if r.URL.Query().Get("token") == "t2" {
			reply(w, 403, `{"error":{"code":"resource_access_denied","message":"no"}}`)
			return
		}
		pagedVideos(w, r, 0)
	})
	var ids []string
	var errs []error
	for v, err := range c.Videos.All(context.Background(), heygen.VideoListParams{}) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ids = append(ids, v.ID)
	}
	assert.Equal(t, []string{"v1", "v2"}, ids)
	require.Len(t, errs, 1, "the error is yielded once and iteration ends")
	var apiErr *heygen.APIError
	require.ErrorAs(t, errs[0], &apiErr)
	assert.Equal(t, "resource_access_denied", apiErr.Code)
	assert.Len(t, f.requests(), 2)
}

func TestAllEarlyBreakFetchesNoMore(t *testing.T) {
	c, f := newFake(t, pagedVideos)
	for v, err := range c.Videos.All(context.Background(), heygen.VideoListParams{}) {
		require.NoError(t, err)
		if v.ID == "v1" {
			break
		}
	}
	assert.Len(t, f.requests(), 1)
}

func TestAllStopsWhenTokenMissingOrNoMore(t *testing.T) {
	for name, body := range map[string]string{
		"has_more without token": `{"data":[{"id":"a","status":"completed"}],"has_more":true,"next_token":null}`,
		"token without has_more": `{"data":[{"id":"a","status":"completed"}],"has_more":false,"next_token":"x"}`,
	} {
		t.Run(name, func(t *testing.T) {
			c, f := newFake(t, always(200, body))
			n := 0
			for _, err := range c.Videos.All(context.Background(), heygen.VideoListParams{}) {
				require.NoError(t, err)
				n++
			}
			assert.Equal(t, 1, n)
			assert.Len(t, f.requests(), 1)
		})
	}
}

func TestAllDetectsStalledCursor(t *testing.T) {
	c, f := newFake(t, always(200, `{"data":[{"id":"a","status":"completed"}],"has_more":true,"next_token":"same"}`))
	var errs []error
	n := 0
	for _, err := range c.Videos.All(context.Background(), heygen.VideoListParams{}) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		n++
	}
	require.Len(t, errs, 1)
	assert.Contains(t, errs[0].Error(), "does not advance")
	assert.Equal(t, 2, n)
	assert.Len(t, f.requests(), 2)
}

func TestAllDetectsCursorCycle(t *testing.T) {
	// "" -> a -> b -> a: a token that comes back after another one.
	c, f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		next := map[string]string{"": "a", "a": "b", "b": "a"}[r.URL.Query().Get("token")]
		reply(w, 200, `{"data":[{"id":"v","status":"completed"}],"has_more":true,"next_token":"`+next+`"}`)
	})
	var last error
	for _, err := range c.Videos.All(context.Background(), heygen.VideoListParams{}) {
		last = err
	}
	var apiErr *heygen.APIError
	require.ErrorAs(t, last, &apiErr)
	assert.Equal(t, heygen.CodePaginationLoop, apiErr.Code)
	assert.Len(t, f.requests(), 3)
}

func TestAllDetectsPagesThatNeverAdvance(t *testing.T) {
	// Fresh tokens every time, but never an item.
	c, f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		reply(w, 200, fmt.Sprintf(`{"data":[],"has_more":true,"next_token":"t%d"}`, n))
	})
	var last error
	for _, err := range c.Videos.All(context.Background(), heygen.VideoListParams{}) {
		last = err
	}
	require.Error(t, last)
	assert.Contains(t, last.Error(), "had no items")
	assert.Len(t, f.requests(), 10)
}

func TestAllForEveryListEndpoint(t *testing.T) {
	// Each All method follows next_token on its own endpoint.
	handler := func(w http.ResponseWriter, r *http.Request, _ int) {
		item := map[string]string{
			"/v3/avatars/looks": `{"id":"%s","name":"n","avatar_type":"photo_avatar"}`,
			"/v3/avatars":       `{"id":"%s","name":"n","looks_count":1,"created_at":1}`,
			"/v3/voices":        `{"voice_id":"%s","name":"n","language":"English","gender":"male","type":"public","support_pause":true,"support_locale":false}`,
			"/v3/templates":     `{"id":"%s","name":"n"}`,
		}[r.URL.Path]
		if r.URL.Query().Get("token") == "" {
			reply(w, 200, `{"data":[`+fmt.Sprintf(item, "p1")+`],"has_more":true,"next_token":"n2"}`)
			return
		}
		reply(w, 200, `{"data":[`+fmt.Sprintf(item, "p2")+`],"has_more":false,"next_token":null}`)
	}
	c, f := newFake(t, handler)
	ctx := context.Background()

	collect := func(seq func(yield func(string, error) bool)) []string {
		var out []string
		for id, err := range seq {
			require.NoError(t, err)
			out = append(out, id)
		}
		return out
	}
	looks := collect(func(yield func(string, error) bool) {
		for l, err := range c.Avatars.AllLooks(ctx, heygen.LookListParams{AvatarType: heygen.AvatarTypePhoto}) {
			if !yield(l.ID, err) {
				return
			}
		}
	})
	groups := collect(func(yield func(string, error) bool) {
		for g, err := range c.Avatars.AllGroups(ctx, heygen.GroupListParams{Ownership: "private"}) {
			if !yield(g.ID, err) {
				return
			}
		}
	})
	voices := collect(func(yield func(string, error) bool) {
		for v, err := range c.Voices.All(ctx, heygen.VoiceListParams{Language: "English"}) {
			if !yield(v.VoiceID, err) {
				return
			}
		}
	})
	templates := collect(func(yield func(string, error) bool) {
		for tp, err := range c.Templates.All(ctx, heygen.TemplateListParams{Limit: 1}) {
			if !yield(tp.ID, err) {
				return
			}
		}
	})
	for _, got := range [][]string{looks, groups, voices, templates} {
		assert.Equal(t, []string{"p1", "p2"}, got)
	}
	reqs := f.requests()
	require.Len(t, reqs, 8)
	assert.Equal(t, "photo_avatar", reqs[1].Query.Get("avatar_type"))
	assert.Equal(t, "n2", reqs[1].Query.Get("token"))
	assert.Equal(t, "private", reqs[3].Query.Get("ownership"))
	assert.Equal(t, "English", reqs[5].Query.Get("language"))
	assert.Equal(t, "1", reqs[7].Query.Get("limit"))
}
