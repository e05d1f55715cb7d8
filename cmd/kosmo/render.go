package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/kosmo-dev/kosmo/luahost/registry"
)

// renderResult prints a direct call's result for a person: a string raw
// (so URL=$(kosmo ...) captures it), a list as an aligned table of the
// function's columns, anything else as indented JSON.
func renderResult(w io.Writer, f *registry.Function, v any) {
	if items, rest, ok := findList(v); ok {
		printTable(w, f.Columns, items)
		for _, k := range sortedKeys(rest) {
			fmt.Fprintf(w, "%s: %s\n", k, cell(k, rest[k]))
		}
		return
	}
	renderValue(w, v)
}

// renderValue prints a string raw and anything else as indented JSON.
func renderValue(w io.Writer, v any) {
	if s, ok := v.(string); ok {
		fmt.Fprint(w, s)
		if !strings.HasSuffix(s, "\n") {
			fmt.Fprintln(w)
		}
		return
	}
	fmt.Fprintln(w, indentJSON(v))
}

func indentJSON(v any) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Sprint(v)
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

func compactJSON(v any) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprint(v)
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

// findList finds the list a result is about: the result itself, or the one
// array in it (or in its "data" object). rest holds the scalar fields next
// to the list (has_more, truncated, ...).
func findList(v any) (items []any, rest map[string]any, ok bool) {
	if l, isList := v.([]any); isList {
		return l, nil, true
	}
	m, isMap := v.(map[string]any)
	if !isMap {
		return nil, nil, false
	}
	if items, rest, ok := listIn(m); ok {
		return items, rest, true
	}
	if d, isMap := m["data"].(map[string]any); isMap {
		return listIn(d)
	}
	return nil, nil, false
}

func listIn(m map[string]any) ([]any, map[string]any, bool) {
	var items []any
	found := 0
	rest := map[string]any{}
	for k, e := range m {
		switch x := e.(type) {
		case []any:
			items = x
			found++
		case map[string]any:
			return nil, nil, false
		default:
			if e != nil && k != "success" {
				rest[k] = e
			}
		}
	}
	if found != 1 {
		return nil, nil, false
	}
	return items, rest, true
}

// printTable prints items as aligned columns. Without declared columns it
// shows the scalar fields of the first item (at most six).
func printTable(w io.Writer, columns []string, items []any) {
	if len(items) == 0 {
		fmt.Fprintln(w, "(no items)")
		return
	}
	first, isMap := items[0].(map[string]any)
	if !isMap {
		for _, it := range items {
			fmt.Fprintln(w, cell("", it))
		}
		return
	}
	if len(columns) == 0 {
		for _, k := range sortedKeys(first) {
			switch first[k].(type) {
			case []any, map[string]any:
				continue
			}
			columns = append(columns, k)
			if len(columns) == 6 {
				break
			}
		}
	}
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	head := make([]string, len(columns))
	for i, c := range columns {
		head[i] = strings.ToUpper(c)
	}
	fmt.Fprintln(tw, strings.Join(head, "\t"))
	for _, it := range items {
		m, _ := it.(map[string]any)
		row := make([]string, len(columns))
		for i, c := range columns {
			row[i] = cell(c, m[c])
		}
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	_ = tw.Flush()
}

// cell renders one value for a table: times (fields ending in _at) as
// readable UTC, whole numbers without decimals, long text cut.
func cell(column string, v any) string {
	switch x := v.(type) {
	case nil:
		return "-"
	case string:
		x = strings.Join(strings.Fields(x), " ")
		if len(x) > 60 {
			x = x[:57] + "..."
		}
		if x == "" {
			return "-"
		}
		return x
	case bool:
		return strconv.FormatBool(x)
	default:
		f, isNum := toFloat(x)
		if !isNum {
			return compactJSON(x)
		}
		if strings.HasSuffix(column, "_at") && f > 0 {
			return time.Unix(int64(f), 0).UTC().Format("2006-01-02 15:04 UTC")
		}
		if f == math.Trunc(f) && math.Abs(f) < 1e15 {
			return strconv.FormatInt(int64(f), 10)
		}
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
}

// toFloat reads any Go number (the integration decides its types).
func toFloat(v any) (float64, bool) {
	switch r := reflect.ValueOf(v); r.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return float64(r.Int()), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return float64(r.Uint()), true
	case reflect.Float32, reflect.Float64:
		return r.Float(), true
	}
	if n, ok := v.(json.Number); ok {
		f, err := n.Float64()
		return f, err == nil
	}
	return 0, false
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
