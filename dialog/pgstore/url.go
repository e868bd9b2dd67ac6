package pgstore

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// urlExample is what a database URL looks like, for errors.
const urlExample = "postgres://user:password@host:5432/database"

// CheckURL checks, without connecting, that u is a PostgreSQL URL (postgres:// or
// postgresql://) that pgx can read. Its errors never repeat u, which holds the password.
func CheckURL(u string) error {
	p, err := url.Parse(u)
	if err != nil {
		return fmt.Errorf("not a URL: want %s", urlExample)
	}
	if p.Scheme != "postgres" && p.Scheme != "postgresql" {
		return fmt.Errorf("scheme %q: want %s (or postgresql://)", p.Scheme, urlExample)
	}
	if _, err := pgconn.ParseConfig(u); err != nil {
		// pgconn's message quotes the URL (its password masked): keep only what it says of it.
		msg := err.Error()
		if i := strings.LastIndex(msg, "`: "); i >= 0 {
			msg = msg[i+3:]
		}
		return fmt.Errorf("cannot be read as a PostgreSQL URL (%s): want %s", msg, urlExample)
	}
	return nil
}
