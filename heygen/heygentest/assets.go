package heygentest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
)

func (s *Server) assetRoutes() []route {
	return []route{
		checkedRoute("GET", "/v3/assets", s.listAssets),
		checkedRoute("POST", "/v3/assets", s.uploadAsset),
		checkedRoute("GET", "/v3/assets/{asset_id}", s.getAsset),
		checkedRoute("DELETE", "/v3/assets/{asset_id}", s.deleteAsset),
		checkedRoute("POST", "/v3/assets/direct-uploads", s.createDirectUpload),
		checkedRoute("POST", "/v3/assets/{asset_id}/complete", s.completeDirectUpload),
		checkedRoute("POST", "/v3/assets/direct-uploads/batches", s.createUploadBatch),
		checkedRoute("POST", "/v3/assets/complete/batches", s.completeUploadBatch),
		checkedRoute("GET", "/v3/assets/batches/{batch_id}", s.getUploadBatch),
		checkedRoute("GET", "/v3/assets/statuses", s.assetStatuses),
		checkedRoute("GET", "/v3/assets/search", s.searchAssets),
	}
}

// AssetMIMETypes are the file types HeyGen takes as assets, by MIME type,
// with the extension the sandbox gives their files.
var AssetMIMETypes = map[string]string{
	"image/png":            ".png",
	"image/jpeg":           ".jpg",
	"video/mp4":            ".mp4",
	"video/webm":           ".webm",
	"audio/mpeg":           ".mp3",
	"audio/wav":            ".wav",
	"application/pdf":      ".pdf",
	"application/x-subrip": ".srt",
}

// MaxAssetBytes is the largest file POST /v3/assets takes.
const MaxAssetBytes = maxUploadBytes

const kindAsset = "asset"

// assetType is the coarse type an asset is listed with.
func assetType(mimeType string) string {
	switch {
	case strings.HasPrefix(mimeType, "image/"):
		return "image"
	case strings.HasPrefix(mimeType, "video/"):
		return "video"
	case strings.HasPrefix(mimeType, "audio/"):
		return "audio"
	}
	return "document"
}

func checkMIME(param, ct string) (string, *apiError) {
	base, _, err := mime.ParseMediaType(ct)
	if err != nil {
		base = strings.ToLower(strings.TrimSpace(ct))
	}
	if base == "audio/x-wav" || base == "audio/wave" {
		base = "audio/wav"
	}
	if _, allowed := AssetMIMETypes[base]; !allowed {
		return "", &apiError{status: http.StatusUnsupportedMediaType, code: "unsupported_media_type", param: param,
			message: fmt.Sprintf("Files of type %q cannot be uploaded; use png, jpeg, mp4, webm, mp3, wav, pdf or srt.", ct)}
	}
	return base, nil
}

func assetURL(r *record) string {
	return mediaHost + "/assets/" + r.id + "/" + url.PathEscape(getString(r.data, "name"))
}

func (s *Server) assetView(c *call) func(r *record) any {
	return func(r *record) any {
		return obj{
			"id":          r.id,
			"name":        r.data["name"],
			"owner":       "sandbox-" + c.t.id[:8],
			"space_id":    "space-" + c.t.id[:8],
			"type":        assetType(getString(r.data, "mime_type")),
			"uploaded_at": r.created.Unix(),
			"url":         assetURL(r),
			"folder_id":   r.data["folder_id"],
		}
	}
}

// completedAssets are the assets that can be listed and used. Caller
// holds t.mu.
func completedAssets(t *tenant) []*record {
	var out []*record
	for _, r := range t.all(kindAsset) {
		if r.data["status"] == "completed" {
			out = append(out, r)
		}
	}
	return out
}

// GET /v3/assets
func (s *Server) listAssets(c *call) reply {
	folder := c.query.Get("folder_id")
	c.t.mu.Lock()
	defer c.t.mu.Unlock()
	var match []*record
	for _, r := range completedAssets(c.t) {
		if folder == "" || getString(r.data, "folder_id") == folder {
			match = append(match, r)
		}
	}
	return listRecords(c, "assets", match, s.assetView(c), "username="+c.query.Get("username"), "folder_id="+folder)
}

func assetNotFound(id string) *apiError {
	return notFound("asset_not_found", "asset_id", "No asset with id %q exists.", id)
}

// GET /v3/assets/{asset_id}
func (s *Server) getAsset(c *call) reply {
	c.t.mu.Lock()
	defer c.t.mu.Unlock()
	r := c.t.get(kindAsset, c.params["asset_id"])
	if r == nil || r.data["status"] != "completed" {
		return assetNotFound(c.params["asset_id"]).reply()
	}
	return ok(single{Data: s.assetView(c)(r)})
}

// DELETE /v3/assets/{asset_id}
func (s *Server) deleteAsset(c *call) reply {
	id := c.params["asset_id"]
	c.t.mu.Lock()
	defer c.t.mu.Unlock()
	if !c.t.drop(kindAsset, id) {
		return assetNotFound(id).reply()
	}
	s.mu.Lock()
	delete(s.blobs, id)
	delete(s.uploads, id)
	s.mu.Unlock()
	return ok(single{Data: obj{"id": id}})
}

// POST /v3/assets: one multipart part named file, at most 32 MiB, of an
// accepted type (from the part's Content-Type, else its file name).
func (s *Server) uploadAsset(c *call) reply {
	mt, params, err := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return invalidParam("file", "The request must be multipart/form-data with one part named file.").reply()
	}
	mr := multipart.NewReader(bytes.NewReader(c.body), params["boundary"])
	var data []byte
	var name, ct string
	for {
		part, perr := mr.NextPart()
		if perr == io.EOF {
			break
		}
		if perr != nil {
			return invalidParam("file", "The multipart body is malformed: %v.", perr).reply()
		}
		if part.FormName() != "file" {
			continue
		}
		data, _ = io.ReadAll(io.LimitReader(part, maxUploadBytes+1))
		name, ct = part.FileName(), part.Header.Get("Content-Type")
		break
	}
	if data == nil {
		return invalidParam("file", "The multipart body has no part named file.").reply()
	}
	if len(data) > maxUploadBytes {
		return (&apiError{status: http.StatusRequestEntityTooLarge, code: "payload_too_large", param: "file",
			message: fmt.Sprintf("The file is larger than %d bytes; use a direct upload.", maxUploadBytes)}).reply()
	}
	if len(data) == 0 {
		return invalidParam("file", "The file is empty.").reply()
	}
	if ct == "" || ct == "application/octet-stream" {
		ct = mimeForName(name)
	}
	base, aerr := checkMIME("file", ct)
	if aerr != nil {
		return aerr.reply()
	}
	if name == "" {
		name = "upload" + AssetMIMETypes[base]
	}
	t := c.t
	t.mu.Lock()
	defer t.mu.Unlock()
	r := t.put(&record{id: t.newID(kindAsset), kind: kindAsset, created: c.now,
		data: obj{"name": path.Base(name), "mime_type": base, "size": len(data), "status": "completed"}})
	s.mu.Lock()
	s.blobs[r.id] = data
	s.mu.Unlock()
	return ok(single{Data: obj{"asset_id": r.id, "url": assetURL(r), "mime_type": base, "size_bytes": len(data)}})
}

// newSlot records a pending direct upload. Caller holds t.mu.
func (s *Server) newSlot(c *call, f map[string]any, param string) (obj, *apiError) {
	name := path.Base(strings.TrimSpace(getString(f, "filename")))
	if name == "" || name == "." || name == "/" {
		return nil, invalidParam(joinPath(param, "filename"), "filename must name the file.")
	}
	base, err := checkMIME(joinPath(param, "content_type"), getString(f, "content_type"))
	if err != nil {
		return nil, err
	}
	size, _ := getNumber(f, "size_bytes")
	if size < 1 || size > maxSlotBytes {
		return nil, invalidParam(joinPath(param, "size_bytes"), "size_bytes must be between 1 and %d in the sandbox, got %v.", maxSlotBytes, size)
	}
	t := c.t
	r := t.put(&record{id: t.newID(kindAsset), kind: kindAsset, created: c.now,
		data: obj{"name": name, "mime_type": base, "size": int(size), "status": "pending", "checksum": getString(f, "checksum_sha256")}})
	s.mu.Lock()
	s.uploads[r.id] = &uploadSlot{assetID: r.id, contentType: base, maxBytes: int(size)}
	s.mu.Unlock()
	ttl := s.urlTTL()
	return obj{
		"asset_id":           r.id,
		"upload_url":         mediaHost + "/uploads/" + r.id,
		"upload_headers":     obj{"Content-Type": base},
		"expires_in_seconds": int(ttl.Seconds()),
		"max_bytes":          int(size),
		"status":             "pending",
	}, nil
}

// POST /v3/assets/direct-uploads
func (s *Server) createDirectUpload(c *call) reply {
	c.t.mu.Lock()
	defer c.t.mu.Unlock()
	slot, err := s.newSlot(c, c.json, "")
	if err != nil {
		return err.reply()
	}
	return ok(single{Data: slot})
}

// finish completes a direct upload whose bytes arrived. Caller holds t.mu.
func (s *Server) finish(r *record, checksum string) *apiError {
	if r.data["status"] == "completed" {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	slot := s.uploads[r.id]
	if slot == nil || !slot.received {
		return &apiError{status: http.StatusConflict, code: "upload_incomplete", param: "asset_id",
			message: "Nothing was uploaded for asset " + r.id + " yet; PUT the file to its upload_url first."}
	}
	if len(slot.data) != r.data["size"].(int) {
		return invalidParam("size_bytes", "The upload has %d bytes but %d were announced.", len(slot.data), r.data["size"])
	}
	if checksum == "" {
		checksum = getString(r.data, "checksum")
	}
	sum := sha256.Sum256(slot.data)
	if checksum != "" && !strings.EqualFold(checksum, hex.EncodeToString(sum[:])) {
		return invalidParam("checksum_sha256", "The uploaded bytes do not match checksum_sha256.")
	}
	s.blobs[r.id] = slot.data
	delete(s.uploads, r.id)
	r.data["status"] = "completed"
	return nil
}

// POST /v3/assets/{asset_id}/complete
func (s *Server) completeDirectUpload(c *call) reply {
	id := c.params["asset_id"]
	c.t.mu.Lock()
	defer c.t.mu.Unlock()
	r := c.t.get(kindAsset, id)
	if r == nil {
		return assetNotFound(id).reply()
	}
	if err := s.finish(r, getString(c.json, "checksum_sha256")); err != nil {
		return err.reply()
	}
	return ok(single{Data: obj{"asset_id": r.id, "url": assetURL(r), "mime_type": r.data["mime_type"],
		"size_bytes": r.data["size"], "status": "completed"}})
}

// POST /v3/assets/direct-uploads/batches: one slot per file.
func (s *Server) createUploadBatch(c *call) reply {
	files, _ := c.json["files"].([]any)
	if len(files) == 0 || len(files) > 100 {
		return invalidParam("files", "files must hold between 1 and 100 files.").reply()
	}
	t := c.t
	t.mu.Lock()
	defer t.mu.Unlock()
	items := make([]obj, len(files))
	ids := make([]string, len(files))
	for i, f := range files {
		slot, err := s.newSlot(c, f.(map[string]any), "files["+strconv.Itoa(i)+"]")
		if err != nil {
			for _, id := range ids[:i] {
				t.drop(kindAsset, id)
			}
			return err.reply()
		}
		items[i], ids[i] = slot, slot["asset_id"].(string)
	}
	b := t.newBatch(c, "assets", getString(c.json, "title"), ids)
	return ok(single{Data: obj{"batch_id": b.id, "items": items}})
}

func (s *Server) assetItemState(c *call) itemState {
	return func(id string) (string, obj, bool) {
		r := c.t.get(kindAsset, id)
		if r == nil {
			return "", nil, false
		}
		if r.data["status"] == "completed" {
			return "completed", nil, true
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if slot := s.uploads[id]; slot != nil && slot.received {
			return "processing", nil, true
		}
		return "queued", nil, true
	}
}

// POST /v3/assets/complete/batches: completes every file of the batch that
// was uploaded; the answer is the batch.
func (s *Server) completeUploadBatch(c *call) reply {
	t := c.t
	t.mu.Lock()
	defer t.mu.Unlock()
	bid := getString(c.json, "batch_id")
	b := t.get("batch:assets", bid)
	if b == nil {
		return notFound("batch_not_found", "batch_id", "No batch with id %q exists.", bid).reply()
	}
	for _, id := range b.items {
		if r := t.get(kindAsset, id); r != nil {
			if err := s.finish(r, ""); err != nil && err.code != "upload_incomplete" {
				return err.reply()
			}
		}
	}
	view, err := batchView(c, b, s.assetItemState(c))
	if err != nil {
		return err.reply()
	}
	return ok(single{Data: view})
}

// GET /v3/assets/batches/{batch_id}
func (s *Server) getUploadBatch(c *call) reply { return getBatch(c, "assets", s.assetItemState(c)) }

// GET /v3/assets/statuses
func (s *Server) assetStatuses(c *call) reply {
	return bulkStatuses(c, "assets", "asset_ids", s.assetItemState(c))
}

// GET /v3/assets/search: 40 stock images or icons per query, made up
// deterministically from it.
func (s *Server) searchAssets(c *call) reply {
	q := strings.ToLower(strings.TrimSpace(c.query.Get("query")))
	typ := c.query.Get("type")
	scope := c.query.Get("scope")
	if scope == "" {
		scope = "public"
	}
	def, max := c.facts.pageBounds()
	p, err := parsePage(c, "asset_search", def, max, "query="+q, "type="+typ, "scope="+scope)
	if err != nil {
		return err.reply()
	}
	n := 40
	if scope == "personal" {
		n = 0
	}
	h := fnv.New32a()
	_, _ = h.Write([]byte(q))
	seed := int(h.Sum32() % 1000)
	items := make([]int, n)
	for i := range items {
		items[i] = i
	}
	page := paginate(items, func(i int) int64 { return int64(i) }, p)
	return ok(mapItems(page, func(i int) obj {
		id := fmt.Sprintf("%s-%03d-%02d", typ, seed, i)
		w, hgt, orient := 1920, 1080, "landscape"
		if i%3 == 1 {
			w, hgt, orient = 1080, 1920, "portrait"
		}
		if typ == "icon" {
			w, hgt, orient = 512, 512, "square"
		}
		ext := ".jpg"
		if typ == "icon" {
			ext = ".png"
		}
		return obj{"id": id, "type": typ, "url": mediaHost + "/stock/" + id + ext,
			"width": w, "height": hgt, "orientation": orient, "is_transparent": typ == "icon"}
	}))
}
