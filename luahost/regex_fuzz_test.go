package luahost

import (
	"strings"
	"testing"

	"github.com/dlclark/regexp2"
)

// FuzzRegexPattern checks that reading any pattern never panics, and that
// naming unnamed groups (to number them as PCRE does) keeps the number of
// groups and matches the same text.
func FuzzRegexPattern(f *testing.F) {
	for _, s := range []string{`(\d+)`, `/(?<a>x)(y)/i`, `{a{2}}`, `[(](x)`, `(?<n>a)|(b)\1`, `#(?:x)(?'q'y)#`, `\((a)\)`, `/a/b/`} {
		f.Add(s, "xa1(b)y22")
	}
	f.Fuzz(func(t *testing.T, pattern, subject string) {
		expr, opts, err := ParsePattern(pattern)
		if err != nil {
			return
		}
		plain, err := regexp2.Compile(expr, opts)
		if err != nil {
			return
		}
		renamed, hidden := numberLikePCRE(expr, opts)
		re, err := regexp2.Compile(renamed, opts)
		if err != nil {
			t.Fatalf("%q compiles but its renamed form %q does not: %v", expr, renamed, err)
		}
		if len(hidden) > 0 && len(re.GetGroupNumbers()) != len(plain.GetGroupNumbers()) {
			t.Fatalf("%q has %d groups, renamed %q has %d", expr, len(plain.GetGroupNumbers()), renamed, len(re.GetGroupNumbers()))
		}
		for name := range hidden {
			if !strings.HasPrefix(name, hiddenGroupPrefix) {
				t.Fatalf("hidden name %q", name)
			}
		}
		_, _, _ = backref(subject, true)
		_, _, _ = backref(subject, false)
	})
}
