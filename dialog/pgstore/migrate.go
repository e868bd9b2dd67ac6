package pgstore

import (
	"context"
	"crypto/rand"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

// migrations holds the schema's versions: migrations/NNNN_name.sql takes the schema from
// version NNNN-1 to NNNN. A file, once released, is never changed; a change is a new file.
//
//go:embed migrations/*.sql
var migrations embed.FS

// migration is one embedded schema version.
type migration struct {
	version int
	name    string
	sql     string
}

// loadMigrations reads the embedded migrations in version order. Versions must run 1, 2, 3 ...
// without gaps: a gap is a mistake in the build, caught by the tests.
func loadMigrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			return nil, fmt.Errorf("migration %s: name is not NNNN_name.sql", e.Name())
		}
		b, err := migrations.ReadFile(path.Join("migrations", e.Name()))
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: e.Name(), sql: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i, m := range out {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %s: version %d, want %d", m.name, m.version, i+1)
		}
	}
	return out, nil
}

// schemaVersion is the schema this build reads and writes: the last embedded migration.
var schemaVersion = func() int {
	ms, err := loadMigrations()
	if err != nil {
		panic(err) // the embedded files are part of the build
	}
	return len(ms)
}()

// migrateLock is the advisory lock that Migrate holds, so that replicas starting together
// migrate one after another (the second finds nothing left to do).
const migrateLock = 0x68656c7064657368 // "helpdesh"

// Migrate brings the database at url to the schema this build uses, applying each missing
// migration in a transaction of its own, and records each in the table schema_version. Run it
// again and it does nothing. It refuses a database whose schema is newer than this build's,
// rather than touch what it does not know.
func Migrate(ctx context.Context, url string) error {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return fmt.Errorf("migrate: database url: %v", err)
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return fmt.Errorf("migrate: %v", explainConnect(err, cfg.Host, cfg.Port, cfg.User, cfg.Database))
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", int64(migrateLock)); err != nil {
		return fmt.Errorf("migrate: %v", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", int64(migrateLock))

	_, err = conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
		version int PRIMARY KEY,
		name text NOT NULL,
		applied timestamptz NOT NULL DEFAULT now())`)
	if err != nil {
		return fmt.Errorf("migrate: %v", err)
	}
	var current int
	if err := conn.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM schema_version").Scan(&current); err != nil {
		return fmt.Errorf("migrate: %v", err)
	}
	if current > schemaVersion {
		return fmt.Errorf("migrate: %w", &newerError{current})
	}
	ms, err := loadMigrations()
	if err != nil {
		return fmt.Errorf("migrate: %v", err)
	}
	for _, m := range ms[current:] {
		err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, m.sql); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, "INSERT INTO schema_version (version, name) VALUES ($1, $2)", m.version, m.name)
			return err
		})
		if err != nil {
			return fmt.Errorf("migrate: %s: %v", m.name, err)
		}
	}
	// The key of the person tags is made once per database, by whichever replica migrates
	// first; every replica reads the same one.
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return fmt.Errorf("migrate: %v", err)
	}
	if _, err := conn.Exec(ctx, "INSERT INTO meta (name, value) VALUES ('person-key', $1) ON CONFLICT DO NOTHING", key); err != nil {
		return fmt.Errorf("migrate: %v", err)
	}
	return nil
}

// newerError refuses a schema written by a newer build.
type newerError struct{ version int }

func (e *newerError) Error() string {
	return fmt.Sprintf("the database schema is at version %d, newer than this build's %d: run a newer helpdesk, or restore a dump made before the upgrade", e.version, schemaVersion)
}

// checkSchema reports what keeps the store from using the database: no schema, an older one
// (run helpdesk migrate) or a newer one (refused).
func checkSchema(ctx context.Context, q interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}) error {
	var current int
	err := q.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM schema_version").Scan(&current)
	if isCode(err, "42P01") { // undefined_table
		return errors.New("the database has no helpdesk schema: run helpdesk migrate")
	}
	if err != nil {
		return err
	}
	switch {
	case current < schemaVersion:
		return fmt.Errorf("the database schema is at version %d, older than this build's %d: run helpdesk migrate", current, schemaVersion)
	case current > schemaVersion:
		return &newerError{current}
	}
	return nil
}

// SchemaVersion returns the schema version of the database at url (0 when it has no helpdesk
// schema yet) and the version this build uses, which Migrate brings it to.
func SchemaVersion(ctx context.Context, url string) (current, build int, err error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return 0, schemaVersion, fmt.Errorf("database url: %v", err)
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return 0, schemaVersion, explainConnect(err, cfg.Host, cfg.Port, cfg.User, cfg.Database)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	err = conn.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM schema_version").Scan(&current)
	if isCode(err, "42P01") { // undefined_table: no schema yet
		return 0, schemaVersion, nil
	}
	return current, schemaVersion, err
}
