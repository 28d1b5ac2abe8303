package gate

import (
	"bufio"
	"compress/gzip"
	"context"
	"database/sql"
	"fmt"
	"io"
	"log"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/fuzzyduck/fuzzyduck/dbserver"
	"github.com/go-sql-driver/mysql"
)

// engine is the database the migrations run against: a throwaway server
// (default) or an existing one (--dsn).
type engine struct {
	srv   *dbserver.Server
	cfg   *mysql.Config // admin connection
	admin *sql.DB
	// user and password the migration command gets (the dataset's
	// db_user on our own server, else the DSN's).
	user, password string
	tmp            string
}

// openEngine connects to dsn, or starts a throwaway server (under wrap,
// when set: see sandbox_server.go).
func openEngine(ctx context.Context, dsn string, c *Config, wrap func(dir string) []string) (*engine, error) {
	// Restarts (cold steps, snapshots) leave dead idle connections the
	// driver would complain about on stderr; it reconnects by itself.
	mysql.SetLogger(log.New(io.Discard, "", 0))
	e := &engine{}
	if dsn == "" {
		// The slow query log (statements over a second) goes with the
		// report, scrubbed like everything else.
		srv, err := dbserver.Start(ctx, dbserver.Options{BufferPoolSize: int64(c.BufferPoolMB) << 20,
			ExtraFlags: []string{"--slow-query-log=1", "--long-query-time=1", "--slow-query-log-file=slow.log"}, Wrap: wrap})
		if err != nil {
			return nil, err
		}
		e.srv = srv
		// The migration may run as an unprivileged user: let it reach
		// the socket.
		os.Chmod(srv.Dir(), 0o755)
		os.Chmod(srv.Socket(), 0o777)
		dsn = srv.DSN("")
	}
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		e.close()
		return nil, fmt.Errorf("--dsn: %w", err)
	}
	cfg.MultiStatements = true
	cfg.DBName = ""
	e.cfg = cfg
	if e.admin, err = sql.Open("mysql", cfg.FormatDSN()); err != nil {
		e.close()
		return nil, err
	}
	if err := e.admin.PingContext(ctx); err != nil {
		e.close()
		return nil, fmt.Errorf("database server: %w", err)
	}
	e.user, e.password = cfg.User, cfg.Passwd
	if e.tmp, err = os.MkdirTemp("", "gate-"); err != nil {
		e.close()
		return nil, err
	}
	os.Chmod(e.tmp, 0o755)
	return e, nil
}

// slowLog returns the server's slow query log (own server only).
func (e *engine) slowLog() []byte {
	if e.srv == nil {
		return nil
	}
	b, _ := os.ReadFile(filepath.Join(e.srv.Dir(), "data", "slow.log"))
	return b
}

func (e *engine) close() {
	if e.admin != nil {
		e.admin.Close()
	}
	if e.srv != nil {
		e.srv.Close()
	}
	if e.tmp != "" {
		os.RemoveAll(e.tmp)
	}
}

func quoteIdent(s string) string { return "`" + strings.ReplaceAll(s, "`", "``") + "`" }

// createDB makes an empty database, and on our own server the dataset's
// user with rights on it.
func (e *engine) createDB(ctx context.Context, name string, c *Config) error {
	q := "DROP DATABASE IF EXISTS " + quoteIdent(name) + "; CREATE DATABASE " + quoteIdent(name) + " CHARACTER SET utf8mb4"
	if _, err := e.admin.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("create database %s: %w", name, err)
	}
	if e.srv != nil && c.DBUser != "" && c.DBUser != "root" {
		for _, host := range []string{"localhost", "%"} {
			u := fmt.Sprintf("'%s'@'%s'", strings.ReplaceAll(c.DBUser, "'", "''"), host)
			if _, err := e.admin.ExecContext(ctx, "CREATE USER IF NOT EXISTS "+u+" IDENTIFIED BY ?; GRANT ALL ON *.* TO "+u, c.DBPass); err != nil {
				return fmt.Errorf("create user %s: %w", c.DBUser, err)
			}
		}
		e.user, e.password = c.DBUser, c.DBPass
	}
	return nil
}

// placeholders for the migration command and templates.
func (e *engine) placeholders(db string) map[string]string {
	p := map[string]string{"user": e.user, "password": e.password, "database": db, "socket": "", "host": "localhost", "port": ""}
	c := *e.cfg
	c.User, c.Passwd, c.DBName = e.user, e.password, db
	c.Params = nil
	if c.Net == "unix" {
		p["socket"] = c.Addr
	} else {
		host, port, err := net.SplitHostPort(c.Addr)
		if err == nil {
			p["host"], p["port"] = host, port
		}
	}
	p["dsn"] = c.FormatDSN()
	u := url.URL{Scheme: "mysql+pymysql", Host: p["host"], Path: "/" + db}
	if p["port"] != "" {
		u.Host += ":" + p["port"]
	}
	u.User = url.UserPassword(e.user, e.password)
	if e.password == "" {
		u.User = url.User(e.user)
	}
	q := url.Values{"charset": {"utf8mb4"}}
	if p["socket"] != "" {
		q.Set("unix_socket", p["socket"])
	}
	u.RawQuery = q.Encode()
	p["sqlalchemy_url"] = strings.Replace(u.String(), "%2F", "/", -1)
	return p
}

// env is the environment the migration command gets: the usual MySQL
// client variables.
func (e *engine) env(p map[string]string) []string {
	env := []string{"MYSQL_HOST=" + p["host"], "GATE_DATABASE=" + p["database"], "GATE_DSN=" + p["dsn"], "GATE_SQLALCHEMY_URL=" + p["sqlalchemy_url"]}
	if p["socket"] != "" {
		env = append(env, "MYSQL_UNIX_PORT="+p["socket"])
	}
	if p["port"] != "" {
		env = append(env, "MYSQL_TCP_PORT="+p["port"])
	}
	if p["password"] != "" {
		env = append(env, "MYSQL_PWD="+p["password"])
	}
	return env
}

// clientArgs reach the server with the mariadb/mysql clients; the
// password goes through MYSQL_PWD, never argv.
func (e *engine) clientArgs() ([]string, []string) {
	args := []string{"--no-defaults", "--user=" + e.cfg.User, "--default-character-set=utf8mb4"}
	if e.cfg.Net == "unix" {
		args = append(args, "--socket="+e.cfg.Addr)
	} else if host, port, err := net.SplitHostPort(e.cfg.Addr); err == nil {
		args = append(args, "--host="+host, "--port="+port, "--protocol=TCP")
	}
	var env []string
	if e.cfg.Passwd != "" {
		env = append(env, "MYSQL_PWD="+e.cfg.Passwd)
	}
	return args, env
}

func clientBinary() (string, error) {
	for _, n := range []string{"mariadb", "mysql"} {
		if p, err := exec.LookPath(n); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("no mariadb/mysql client on PATH (apt-get install mariadb-client)")
}

// countingReader reports progress.
type countingReader struct {
	r        io.Reader
	n        int64
	progress func(int64)
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.progress != nil {
		c.progress(c.n)
	}
	return n, err
}

// load streams the seed dump (plain or gzip) into db with the client.
func (e *engine) load(ctx context.Context, db, seed string, progress func(int64)) (int64, time.Duration, error) {
	f, err := os.Open(seed)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 1<<20)
	var r io.Reader = br
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return 0, 0, err
		}
		r = zr
	}
	bin, err := clientBinary()
	if err != nil {
		return 0, 0, err
	}
	args, env := e.clientArgs()
	cmd := exec.CommandContext(ctx, bin, append(args, "--max-allowed-packet=1G", db)...)
	cmd.Env = append(os.Environ(), env...)
	cr := &countingReader{r: r, progress: progress}
	cmd.Stdin = cr
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return cr.n, time.Since(start), fmt.Errorf("%w: %s", err, strings.TrimSpace(stderr.String()))
	}
	return cr.n, time.Since(start), nil
}

// status reads SHOW GLOBAL STATUS's numeric counters.
func (e *engine) status(ctx context.Context) (map[string]int64, error) {
	rows, err := e.admin.QueryContext(ctx, "SHOW GLOBAL STATUS")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var name, value string
		if err := rows.Scan(&name, &value); err != nil {
			return nil, err
		}
		if v, err := strconv.ParseInt(value, 10, 64); err == nil {
			out[name] = v
		}
	}
	return out, rows.Err()
}

// measured counters: turbo-hipster's and the ones worth having.
var counterNames = []string{
	"Innodb_rows_read", "Innodb_rows_inserted", "Innodb_rows_updated", "Innodb_rows_deleted",
	"Innodb_data_written", "Innodb_pages_written", "Innodb_data_read",
	"Handler_read_rnd_next", "Handler_read_key", "Handler_write", "Handler_update", "Handler_delete",
	"Created_tmp_disk_tables", "Sort_merge_passes", "Rows_read",
}

// standIns: MariaDB 10.6 and later dropped InnoDB's row counters; the
// server-wide ones take their place there (Rows_read counts row reads of
// every engine but temporary tables; Handler_write/update/delete count row
// changes).
var standIns = map[string]string{
	"Innodb_rows_read":     "Rows_read",
	"Innodb_rows_inserted": "Handler_write",
	"Innodb_rows_updated":  "Handler_update",
	"Innodb_rows_deleted":  "Handler_delete",
}

// HasInnodbRowCounters reports whether a status snapshot has InnoDB's
// own row counters.
func hasInnodbRowCounters(st map[string]int64) bool {
	_, ok := st["Innodb_rows_read"]
	return ok
}

func delta(before, after map[string]int64) map[string]int64 {
	d := map[string]int64{}
	for _, n := range counterNames {
		d[n] = after[n] - before[n]
	}
	if !hasInnodbRowCounters(after) {
		for n, alt := range standIns {
			d[n] = after[alt] - before[alt]
		}
	}
	d["XInnodb_rows_changed"] = d["Innodb_rows_inserted"] + d["Innodb_rows_updated"] + d["Innodb_rows_deleted"]
	return d
}

// restart makes caches cold (own server only).
func (e *engine) restart(ctx context.Context) error {
	if e.srv == nil {
		return fmt.Errorf("cold measurements need gate's own server (no --dsn)")
	}
	if err := e.srv.Restart(ctx); err != nil {
		return err
	}
	os.Chmod(e.srv.Socket(), 0o777)
	e.admin.SetMaxIdleConns(0)
	e.admin.SetMaxIdleConns(2)
	return e.admin.PingContext(ctx)
}

// snapshot copies the stopped server's datadir, so a step can be run
// again from the same state; restore puts it back.
func (e *engine) snapshot(ctx context.Context, name string) (string, error) {
	if e.srv == nil {
		return "", fmt.Errorf("snapshots need gate's own server")
	}
	dst := filepath.Join(e.tmp, "snap-"+name)
	if err := e.srv.Stop(); err != nil {
		return "", err
	}
	err := copyDir(filepath.Join(e.srv.Dir(), "data"), dst)
	if serr := e.srv.StartAgain(ctx); serr != nil && err == nil {
		err = serr
	}
	os.Chmod(e.srv.Socket(), 0o777)
	return dst, err
}

func (e *engine) restore(ctx context.Context, snap string) error {
	if err := e.srv.Stop(); err != nil {
		return err
	}
	data := filepath.Join(e.srv.Dir(), "data")
	if err := os.RemoveAll(data); err != nil {
		return err
	}
	if err := copyDir(snap, data); err != nil {
		return err
	}
	if err := e.srv.StartAgain(ctx); err != nil {
		return err
	}
	os.Chmod(e.srv.Socket(), 0o777)
	e.admin.SetMaxIdleConns(0)
	e.admin.SetMaxIdleConns(2)
	return nil
}

func copyDir(src, dst string) error {
	out, err := exec.Command("cp", "-a", src, dst).CombinedOutput()
	if err != nil {
		return fmt.Errorf("copy %s: %w: %s", src, err, out)
	}
	return nil
}

// query1 reads one value.
func (e *engine) query1(ctx context.Context, db, q string) (string, error) {
	c := *e.cfg
	c.DBName = db
	conn, err := sql.Open("mysql", c.FormatDSN())
	if err != nil {
		return "", err
	}
	defer conn.Close()
	var v sql.NullString
	if err := conn.QueryRowContext(ctx, q).Scan(&v); err != nil {
		return "", err
	}
	return v.String, nil
}

// schema renders a database's schema canonically (tables, columns,
// indexes, foreign keys) for drift comparison.
func (e *engine) schema(ctx context.Context, db string) ([]string, error) {
	var lines []string
	queries := []struct{ prefix, q string }{
		{"table", `SELECT table_name, '' FROM information_schema.tables WHERE table_schema = ? ORDER BY table_name`},
		{"column", `SELECT CONCAT(table_name, '.', column_name), CONCAT_WS(' ', column_type, IF(is_nullable = 'YES', 'NULL', 'NOT NULL'), IFNULL(CONCAT('DEFAULT ', column_default), ''), extra)
			FROM information_schema.columns WHERE table_schema = ? ORDER BY table_name, column_name`},
		{"index", `SELECT CONCAT(table_name, '.', index_name), CONCAT(IF(non_unique = 0, 'UNIQUE ', ''), GROUP_CONCAT(column_name ORDER BY seq_in_index))
			FROM information_schema.statistics WHERE table_schema = ? GROUP BY table_name, index_name, non_unique ORDER BY table_name, index_name`},
		{"foreign key", `SELECT CONCAT(k.table_name, '.', k.constraint_name), CONCAT(GROUP_CONCAT(k.column_name ORDER BY k.ordinal_position), ' -> ', k.referenced_table_name, '(', GROUP_CONCAT(k.referenced_column_name ORDER BY k.ordinal_position), ')')
			FROM information_schema.key_column_usage k WHERE k.table_schema = ? AND k.referenced_table_name IS NOT NULL GROUP BY k.table_name, k.constraint_name, k.referenced_table_name ORDER BY 1`},
	}
	for _, q := range queries {
		rows, err := e.admin.QueryContext(ctx, q.q, db)
		if err != nil {
			return nil, fmt.Errorf("schema of %s: %w", db, err)
		}
		for rows.Next() {
			var a, b string
			if err := rows.Scan(&a, &b); err != nil {
				rows.Close()
				return nil, err
			}
			lines = append(lines, strings.TrimSpace(q.prefix+" "+a+" "+b))
		}
		rows.Close()
	}
	return lines, nil
}

// rowCount is the dataset's approximate size in rows (for normalising
// limits across scaled datasets).
func (e *engine) rowCount(ctx context.Context, db string) int64 {
	var n sql.NullInt64
	e.admin.QueryRowContext(ctx, "SELECT SUM(table_rows) FROM information_schema.tables WHERE table_schema = ?", db).Scan(&n)
	return n.Int64
}
