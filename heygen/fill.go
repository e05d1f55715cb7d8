package heygen

import (
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// fillPlan says how to set a struct's fields from an object decoded by
// parseJSON, built once per type. The typed fields are taken from the
// decoded values instead of decoding the bytes a second time.
type fillPlan struct {
	fields []fillField
	byName map[string]int
	// lower reports that every JSON name is lower-case ASCII, so a key
	// without upper-case letters or other bytes can only match exactly.
	lower bool
	raw   int // index of the Raw map[string]any field, or -1
	// slow marks a struct this plan cannot describe (embedded fields, the
	// ",string" option, clashing names): it is decoded the old way.
	slow bool
}

type fillField struct {
	index int
	name  string
	typ   reflect.Type
}

var fillPlans sync.Map // reflect.Type -> *fillPlan

var rawMapType = reflect.TypeFor[map[string]any]()

func planFor(t reflect.Type) *fillPlan {
	if p, ok := fillPlans.Load(t); ok {
		return p.(*fillPlan)
	}
	p := &fillPlan{byName: map[string]int{}, lower: true, raw: -1}
	for i := range t.NumField() {
		sf := t.Field(i)
		if sf.Anonymous {
			p.slow = true
			continue
		}
		if !sf.IsExported() {
			continue
		}
		tag := sf.Tag.Get("json")
		if tag == "-" {
			if sf.Name == "Raw" && sf.Type == rawMapType {
				p.raw = i
			}
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if slices.Contains(strings.Split(opts, ","), "string") {
			p.slow = true
		}
		if name == "" {
			name = sf.Name
		}
		for _, c := range []byte(name) {
			if c >= 0x80 || c >= 'A' && c <= 'Z' {
				p.lower = false
			}
		}
		if _, dup := p.byName[name]; dup {
			p.slow = true
		}
		p.byName[name] = len(p.fields)
		p.fields = append(p.fields, fillField{index: i, name: name, typ: sf.Type})
	}
	actual, _ := fillPlans.LoadOrStore(t, p)
	return actual.(*fillPlan)
}

// fillTolerant sets the struct dst points to from m with decodeTolerant's
// rules: a member whose value does not fit its field leaves that field at
// its zero value, whole numbers spelled 1080.0 or 1e3 fill integer fields,
// and keys match field names exactly or, failing that, ignoring case. A
// Raw map[string]any field tagged "-" receives m itself.
func fillTolerant(m map[string]any, dst any) {
	rv := reflect.ValueOf(dst).Elem()
	p := planFor(rv.Type())
	if p.slow {
		// Not reached by this package's types; kept for safety.
		b, _ := json.Marshal(m)
		rv.SetZero()
		_ = decodeTolerant(b, dst)
	} else {
		var folded []string
		for k, v := range m {
			j, ok := p.byName[k]
			if ok {
				f := p.fields[j]
				setTolerant(rv.Field(f.index), f.typ, v)
				continue
			}
			if !p.lower || needsFold(k) {
				folded = append(folded, k)
			}
		}
		if folded != nil {
			p.fillFolded(rv, m, folded)
		}
	}
	if p.raw >= 0 {
		rv.Field(p.raw).Set(reflect.ValueOf(m))
	}
}

// fillFolded applies keys that match a field only when case is ignored.
// A field that also has an exactly matching key keeps that key's value;
// among several spellings the last in sorted order wins, as in the
// re-encoded object decodeTolerant falls back to.
func (p *fillPlan) fillFolded(rv reflect.Value, m map[string]any, keys []string) {
	slices.Sort(keys)
	for _, k := range keys {
		for _, f := range p.fields {
			if _, exact := m[f.name]; !exact && strings.EqualFold(k, f.name) {
				setTolerant(rv.Field(f.index), f.typ, m[k])
				break
			}
		}
	}
}

func needsFold(k string) bool {
	for i := 0; i < len(k); i++ {
		if c := k[i]; c >= 0x80 || c >= 'A' && c <= 'Z' {
			return true
		}
	}
	return false
}

// setTolerant stores the decoded value v in the field fv of type t when
// encoding/json (after decodeTolerant's whole-number rewrite) would, and
// leaves fv alone otherwise.
func setTolerant(fv reflect.Value, t reflect.Type, v any) {
	if v == nil {
		// null clears pointers, slices, maps and interfaces and leaves
		// everything else as it is.
		switch t.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Interface:
			fv.SetZero()
		}
		return
	}
	if t.Kind() == reflect.Pointer && isScalar(t.Elem().Kind()) {
		e := reflect.New(t.Elem())
		if setScalar(e.Elem(), v) {
			fv.Set(e)
		}
		return
	}
	if isScalar(t.Kind()) {
		setScalar(fv, v)
		return
	}
	// Nested objects and lists take the general road: re-encode the value
	// and decode it into a fresh one, whole numbers rewritten if needed.
	b, err := json.Marshal(v)
	if err != nil {
		return
	}
	e := reflect.New(t)
	if json.Unmarshal(b, e.Interface()) != nil {
		e = reflect.New(t)
		if json.Unmarshal(wholeNumbers(b), e.Interface()) != nil {
			return
		}
	}
	fv.Set(e.Elem())
}

func isScalar(k reflect.Kind) bool {
	switch k {
	case reflect.String, reflect.Bool, reflect.Float32, reflect.Float64,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return true
	}
	return false
}

// setScalar sets a string, bool, integer or float field from a decoded
// value and reports whether it fitted.
func setScalar(fv reflect.Value, v any) bool {
	switch fv.Kind() {
	case reflect.String:
		s, ok := v.(string)
		if ok {
			fv.SetString(s)
		}
		return ok
	case reflect.Bool:
		b, ok := v.(bool)
		if ok {
			fv.SetBool(b)
		}
		return ok
	case reflect.Float32, reflect.Float64:
		n, ok := v.(json.Number)
		if !ok {
			return false
		}
		f, err := strconv.ParseFloat(string(n), fv.Type().Bits())
		if err != nil || fv.OverflowFloat(f) {
			return false
		}
		fv.SetFloat(f)
		return true
	default: // signed integers
		n, ok := v.(json.Number)
		if !ok {
			return false
		}
		i, err := strconv.ParseInt(string(n), 10, 64)
		if err != nil {
			// 1080.0 and 1e3 count as integers (decodeTolerant's rewrite).
			whole, isInt := numberValue(n).(int64)
			if !isInt {
				return false
			}
			i = whole
		}
		if fv.OverflowInt(i) {
			return false
		}
		fv.SetInt(i)
		return true
	}
}

// decodeData decodes a "data" object into dst. Types with a Raw field are
// filled tolerantly; any other type is decoded strictly, as before.
func decodeData(m map[string]any, dst any) error {
	rv := reflect.ValueOf(dst)
	if rv.Kind() == reflect.Pointer && rv.Elem().Kind() == reflect.Struct && planFor(rv.Elem().Type()).raw >= 0 {
		fillTolerant(m, dst)
		return nil
	}
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, dst)
}
