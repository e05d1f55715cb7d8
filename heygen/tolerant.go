package heygen

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"sort"
)

// errNotObject reports an item that is not a JSON object.
var errNotObject = errors.New("not a JSON object")

// decodeTolerant decodes the JSON object b into typed (a pointer to a
// struct without its own UnmarshalJSON) without letting one odd member
// spoil the rest: whole numbers written with a fraction or exponent
// (1080.0, 1e3) count as integers, and a member whose value does not fit
// its Go field is left at its zero value. Only a body that is not a JSON
// object is an error. The caller keeps the untouched object in Raw.
func decodeTolerant(b []byte, typed any) error {
	if err := json.Unmarshal(b, typed); err == nil {
		return nil
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(b, &members); err != nil || members == nil {
		return errNotObject
	}
	keys := make([]string, 0, len(members))
	for k, v := range members {
		members[k] = wholeNumbers(v)
		keys = append(keys, k)
	}
	sort.Strings(keys)
	elem := reflect.TypeOf(typed).Elem()
	kept := make(map[string]json.RawMessage, len(members))
	for _, k := range keys {
		probe := reflect.New(elem).Interface()
		one, _ := json.Marshal(map[string]json.RawMessage{k: members[k]})
		if json.Unmarshal(one, probe) == nil {
			kept[k] = members[k]
		}
	}
	rest, _ := json.Marshal(kept)
	reflect.ValueOf(typed).Elem().Set(reflect.Zero(elem))
	return json.Unmarshal(rest, typed)
}

// wholeNumbers rewrites every number in v that has an integral value but
// is spelled with a fraction or exponent (1080.0) as a plain integer.
func wholeNumbers(v json.RawMessage) json.RawMessage {
	dec := json.NewDecoder(bytes.NewReader(v))
	dec.UseNumber()
	var x any
	if dec.Decode(&x) != nil {
		return v
	}
	out, err := json.Marshal(rewriteWhole(x))
	if err != nil {
		return v
	}
	return out
}

func rewriteWhole(v any) any {
	switch x := v.(type) {
	case json.Number:
		if n, ok := numberValue(x).(int64); ok {
			return n
		}
		return x
	case map[string]any:
		for k, e := range x {
			x[k] = rewriteWhole(e)
		}
	case []any:
		for i, e := range x {
			x[i] = rewriteWhole(e)
		}
	}
	return v
}
