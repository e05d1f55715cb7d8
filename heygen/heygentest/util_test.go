package heygentest

import (
	"encoding/json"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }

// unmarshalForSchema decodes JSON the way the schema validator expects.
func unmarshalForSchema(s string) (any, error) {
	return jsonschema.UnmarshalJSON(strings.NewReader(s))
}
