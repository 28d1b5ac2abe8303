// Package nova runs the real OpenStack Nova database tooling from Debian's
// python3-nova against a server: a nova-manage wrapper (nova-common, which
// ships it, asks questions on install) and a nova.conf pointing at the
// server's unix socket.
package nova

import (
	"context"
	"fmt"
	"os"

	"github.com/fuzzyduck/fuzzyduck/dbserver"
	"github.com/fuzzyduck/fuzzyduck/internal/osmanage"
)

// Where Debian installs Nova's models.
const (
	MainModels = "/usr/lib/python3/dist-packages/nova/db/main/models.py"
	APIModels  = "/usr/lib/python3/dist-packages/nova/db/api/models.py"
)

// Revisions of the main database walked by the example pipeline: Nova
// Zed's first alembic revision and the two after it.
var Revisions = []string{"8f2f1571d55b", "16f1fbcab42b", "ccb0fa1a2252"}

// Check reports whether python3-nova is installed.
func Check() error {
	if _, err := os.Stat(MainModels); err != nil {
		return fmt.Errorf("python3-nova is not installed (apt-get install python3-nova): %w", err)
	}
	return nil
}

// Env is a directory holding nova-manage and nova.conf.
type Env = osmanage.Env

// NewEnv writes the wrapper and a nova.conf for databases mainDB and apiDB
// reached through socket.
func NewEnv(dir, socket, mainDB, apiDB string) (*Env, error) {
	if err := Check(); err != nil {
		return nil, err
	}
	conf := fmt.Sprintf("[DEFAULT]\nlog_dir =\n[database]\nconnection = %s\n[api_database]\nconnection = %s\n",
		URL(socket, mainDB), URL(socket, apiDB))
	return osmanage.NewEnv(dir, "nova", "nova.conf", conf)
}

// URL is the SQLAlchemy URL of database db on the unix socket.
func URL(socket, db string) string { return osmanage.URL(socket, db) }

// Prepare makes the nova and nova_api databases on srv and brings them to
// a revision with the real nova-manage (api_db sync to head, db sync to
// revision; "" means head), writing its files in dir.
func Prepare(ctx context.Context, srv *dbserver.Server, dir, revision string) (*Env, error) {
	for _, db := range []string{"nova", "nova_api"} {
		if _, err := srv.CreateDatabase(ctx, db); err != nil {
			return nil, err
		}
	}
	env, err := NewEnv(dir, srv.Socket(), "nova", "nova_api")
	if err != nil {
		return nil, err
	}
	if _, err := env.Manage(ctx, "api_db", "sync"); err != nil {
		return nil, err
	}
	args := []string{"db", "sync"}
	if revision != "" {
		args = append(args, revision)
	}
	if _, err := env.Manage(ctx, args...); err != nil {
		return nil, err
	}
	return env, nil
}
