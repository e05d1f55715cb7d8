package heygentest

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// encodeBody is json.Marshal with a hand-written path for pages of videos,
// the body every listing benchmark and mcp:serve load test asks for most:
// reflection-driven encoding was half of the time such a request took.
// With pre nil the output is byte for byte what json.Marshal writes; with
// pre set, media placeholders are already signed, as pre.rewrite would
// sign them afterwards.
func encodeBody(body any, pre *presigner) ([]byte, error) {
	if lp, ok := body.(listPage); ok {
		if vs, ok := lp.Data.([]videoObject); ok {
			if b, ok := pre.appendVideoPage(make([]byte, 0, 64+len(vs)*400), vs, lp); ok {
				return b, nil
			}
		}
	}
	return json.Marshal(body)
}

// appendVideoPage writes {"data":[...],"has_more":...,"next_token":...};
// it reports false for a value json.Marshal refuses (a NaN duration).
func (pre *presigner) appendVideoPage(b []byte, vs []videoObject, lp listPage) ([]byte, bool) {
	b = append(b, `{"data":[`...)
	for i := range vs {
		if i > 0 {
			b = append(b, ',')
		}
		v := &vs[i]
		b = append(b, `{"id":`...)
		b = pre.appendString(b, v.ID)
		b = append(b, `,"status":`...)
		b = pre.appendString(b, v.Status)
		b = append(b, `,"title":`...)
		b = pre.appendStringPtr(b, v.Title)
		b = append(b, `,"created_at":`...)
		b = appendIntPtr(b, v.CreatedAt)
		b = append(b, `,"completed_at":`...)
		b = appendIntPtr(b, v.CompletedAt)
		b = append(b, `,"duration":`...)
		if v.Duration == nil {
			b = append(b, "null"...)
		} else {
			var ok bool
			if b, ok = appendFloat(b, *v.Duration); !ok {
				return nil, false
			}
		}
		b = append(b, `,"video_url":`...)
		b = pre.appendStringPtr(b, v.VideoURL)
		b = append(b, `,"captioned_video_url":`...)
		b = pre.appendStringPtr(b, v.CaptionedVideoURL)
		b = append(b, `,"subtitle_url":`...)
		b = pre.appendStringPtr(b, v.SubtitleURL)
		b = append(b, `,"thumbnail_url":`...)
		b = pre.appendStringPtr(b, v.ThumbnailURL)
		b = append(b, `,"gif_url":`...)
		b = pre.appendStringPtr(b, v.GifURL)
		b = append(b, `,"video_page_url":`...)
		b = pre.appendStringPtr(b, v.VideoPageURL)
		b = append(b, `,"folder_id":`...)
		b = pre.appendStringPtr(b, v.FolderID)
		b = append(b, `,"failure_code":`...)
		b = pre.appendStringPtr(b, v.FailureCode)
		b = append(b, `,"failure_message":`...)
		b = pre.appendStringPtr(b, v.FailureMessage)
		b = append(b, `,"output_language":`...)
		b = pre.appendStringPtr(b, v.OutputLanguage)
		b = append(b, '}')
	}
	b = append(b, `],"has_more":`...)
	b = strconv.AppendBool(b, lp.HasMore)
	b = append(b, `,"next_token":`...)
	b = pre.appendStringPtr(b, lp.NextToken)
	return append(b, '}'), true
}

func (pre *presigner) appendStringPtr(b []byte, s *string) []byte {
	if s == nil {
		return append(b, "null"...)
	}
	return pre.appendString(b, *s)
}

// appendString writes s, signed when it is a media placeholder that the
// rewrite pass would sign.
func (pre *presigner) appendString(b []byte, s string) []byte {
	if pre != nil {
		if p, ok := placeholderPath(s); ok {
			b = append(b, '"')
			return append(pre.appendSigned(b, p), '"')
		}
	}
	return appendString(b, s)
}

// placeholderPath returns the path of a media placeholder URL whose JSON
// form is the text itself (plain ASCII that needs no escaping) and that is
// signed (not a docs or share link). Anything else is left to the rewrite
// pass, which sees the encoded form.
func placeholderPath(s string) (string, bool) {
	const prefix = mediaHost + "/"
	if len(s) < len(prefix) || s[:len(prefix)] != prefix {
		return "", false
	}
	p := s[len(prefix):]
	for i := 0; i < len(p); i++ {
		switch c := p[i]; {
		case c < 0x20 || c >= utf8.RuneSelf, c == '"', c == '\\', c == '?', c == '#', c == '<', c == '>', c == '&':
			return "", false
		}
	}
	if strings.HasPrefix(p, "docs/") || strings.HasPrefix(p, "share/") {
		return "", false
	}
	return p, true
}

func appendIntPtr(b []byte, n *int64) []byte {
	if n == nil {
		return append(b, "null"...)
	}
	return strconv.AppendInt(b, *n, 10)
}

// appendFloat formats like encoding/json: plain notation between 1e-6 and
// 1e21, exponent notation outside, without a leading zero in the exponent.
func appendFloat(b []byte, f float64) ([]byte, bool) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return nil, false
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, true
}

const hexDigits = "0123456789abcdef"

// appendString quotes s as json.Marshal does: HTML characters, U+2028 and
// U+2029 escaped, invalid UTF-8 replaced by U+FFFD.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
