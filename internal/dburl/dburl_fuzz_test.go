package dburl_test

import (
	"net/url"
	"strings"
	"testing"

	"entgo.io/ent/dialect"

	"github.com/gemeente-rotterdam/catalogus/internal/dburl"
)

func FuzzParse(f *testing.F) {
	for _, s := range []string{"", "sqlite:x.db", "file:/tmp/x.db", "postgres://u:geheim@h:1/d?sslmode=disable",
		"postgresql://[::1]:5432/x", "mysql://x", "sqlite:", "sqlite::memory:", "postgres://%zz", ":"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		target, err := dburl.Parse(s)
		if err != nil {
			if err.Error() == "" {
				t.Errorf("Parse(%q): an error without words", s)
			}
			return
		}
		if target.Dialect != dialect.Postgres && target.Dialect != dialect.SQLite {
			t.Errorf("Parse(%q) = %+v", s, target)
		}
		if u, err := url.Parse(s); err == nil && u.User != nil {
			if pw, ok := u.User.Password(); ok && len(pw) > 3 && strings.Contains(target.Redacted, pw) {
				t.Errorf("Parse(%q) leaks the password in %q", s, target.Redacted)
			}
		}
	})
}
