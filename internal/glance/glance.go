// Package glance runs the real OpenStack Glance database tooling from
// Debian's python3-glance against a server: a glance-manage wrapper (the
// glance-common package that ships it asks questions on install) and a
// glance-manage.conf pointing at the server's unix socket.
package glance

import (
	"context"
	"fmt"
	"os"

	"github.com/fuzzyduck/fuzzyduck/dbserver"
	"github.com/fuzzyduck/fuzzyduck/internal/osmanage"
)

// Where Debian installs Glance's models.
const Models = "/usr/lib/python3/dist-packages/glance/db/sqlalchemy/models.py"

// Base is the revision the example's seed is made at: Ocata's, the
// oldest a Zed glance-manage still upgrades with data in the tables (Zed
// runs only Zed's data migrations, so Ocata's visibility migration is
// gone and an older database with images cannot be contracted).
const Base = "ocata_contract01"

// Check reports whether python3-glance is installed.
func Check() error {
	if _, err := os.Stat(Models); err != nil {
		return fmt.Errorf("python3-glance is not installed (apt-get install python3-glance): %w", err)
	}
	return nil
}

// Env is a directory holding glance-manage and glance-manage.conf.
type Env = osmanage.Env

// NewEnv writes the wrapper and a configuration for database db reached
// through socket.
func NewEnv(dir, socket, db string) (*Env, error) {
	if err := Check(); err != nil {
		return nil, err
	}
	return osmanage.NewEnv(dir, "glance", "glance-manage.conf", Conf(socket, db))
}

// Conf is a glance-manage configuration for database db on socket.
func Conf(socket, db string) string {
	return "[DEFAULT]\nlog_dir =\n[database]\nconnection = " + osmanage.URL(socket, db) + "\n"
}

// Prepare makes database db on srv and brings it to revision with the
// real glance-manage (db upgrade --version revision; "" means db sync to
// head), writing its files in dir.
func Prepare(ctx context.Context, srv *dbserver.Server, dir, db, revision string) (*Env, error) {
	if _, err := srv.CreateDatabase(ctx, db); err != nil {
		return nil, err
	}
	env, err := NewEnv(dir, srv.Socket(), db)
	if err != nil {
		return nil, err
	}
	args := []string{"db", "sync"}
	if revision != "" {
		args = []string{"db", "upgrade", "--version", revision}
	}
	if _, err := env.Manage(ctx, args...); err != nil {
		return nil, err
	}
	return env, nil
}
