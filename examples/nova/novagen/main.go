// Command novagen makes the Nova example dataset: a private MariaDB,
// Nova's schema at Zed's first alembic revision made by the real
// nova-manage (python3-nova), a small cloud's data, and a real
// mariadb-dump of both databases.
//
//	novagen -instances 2000 -o demo-out/orig
//
// writes nova.sql (the dump) and planted.json (every confidential value
// in it, for leak checks; as secret as the dump itself).
package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/fuzzyduck/fuzzyduck/dbserver"
	"github.com/fuzzyduck/fuzzyduck/examples/nova/novadata"
	"github.com/fuzzyduck/fuzzyduck/internal/fileio"
	"github.com/fuzzyduck/fuzzyduck/internal/nova"
)

func main() {
	n := flag.Int("instances", 300, "instances in the cloud")
	seed := flag.Uint64("seed", 1, "data seed")
	out := flag.String("o", "nova-dataset", "output directory")
	flag.Parse()
	if err := run(*n, *seed, *out); err != nil {
		fmt.Fprintln(os.Stderr, "novagen:", err)
		os.Exit(1)
	}
}

func run(n int, seed uint64, out string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	srv, err := dbserver.Start(ctx, dbserver.Options{BufferPoolSize: 256 << 20})
	if err != nil {
		return err
	}
	defer srv.Close()
	tmp, err := os.MkdirTemp("", "novagen-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	fmt.Fprintln(os.Stderr, "novagen: nova-manage api_db sync; db sync", nova.Revisions[0])
	if _, err := nova.Prepare(ctx, srv, tmp, nova.Revisions[0]); err != nil {
		return err
	}
	main, err := sql.Open("mysql", srv.DSN("nova"))
	if err != nil {
		return err
	}
	defer main.Close()
	api, err := sql.Open("mysql", srv.DSN("nova_api"))
	if err != nil {
		return err
	}
	defer api.Close()
	fmt.Fprintf(os.Stderr, "novagen: filling a cloud of %d instances\n", n)
	planted, err := novadata.Fill(ctx, main, api, novadata.Options{Instances: n, Seed: seed})
	if err != nil {
		return err
	}
	f, err := fileio.Create(filepath.Join(out, "nova.sql"))
	if err != nil {
		return err
	}
	bin := "mariadb-dump"
	if _, err := os.Stat("/usr/bin/mariadb-dump"); err != nil {
		bin = "mysqldump"
	}
	if err := dump(ctx, bin, srv, f); err != nil {
		f.Abort()
		return err
	}
	if err := f.Commit(); err != nil {
		return err
	}
	sort.Strings(planted.Values)
	p, err := fileio.Create(filepath.Join(out, "planted.json"))
	if err != nil {
		return err
	}
	p.Mode = 0o600
	if err := json.NewEncoder(p).Encode(planted.Values); err != nil {
		p.Abort()
		return err
	}
	if err := p.Commit(); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "novagen: %s/nova.sql (%d confidential values listed in planted.json)\n", out, len(planted.Values))
	return nil
}
