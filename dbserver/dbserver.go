// Package dbserver starts and stops a private, throwaway MariaDB or MySQL
// server: a fresh data directory in a temp dir, a unix socket, no TCP, and a
// password-less root on the socket. Tests use it as their real database and
// gate uses it as its default engine.
package dbserver

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/fuzzyduck/fuzzyduck/internal/proctree"
)

// Options configure a server. The zero value is usable.
type Options struct {
	// Binary is the server program; default: mariadbd, else mysqld, on PATH.
	Binary string
	// BufferPoolSize is innodb_buffer_pool_size in bytes (default 64 MiB).
	BufferPoolSize int64
	// ExtraFlags are passed to the server as they are ("--key=value").
	ExtraFlags []string
	// KeepDatadir leaves the temp dir (data, socket, error log) on Close,
	// for debugging; its path is printed by Close's error-free return
	// through Server.Dir.
	KeepDatadir bool
	// StartTimeout bounds waiting for the server to accept connections
	// (default 60s).
	StartTimeout time.Duration
	// TempDir is where the private directory is made (default os.TempDir).
	// Keep it short: unix socket paths are limited to 107 bytes.
	TempDir string
	// Wrap, when set, is the command the server and its datadir's
	// initialisation run under, given the private directory: a sandbox
	// that shows the server that directory alone. The wrapper runs the
	// server as its only child (as bubblewrap does without a PID
	// namespace): the server is stopped by a signal to that child, as a
	// wrapper does not pass signals on.
	Wrap func(dir string) []string
}

// Server is a running private server.
type Server struct {
	opts    Options
	bin     string
	flavor  string // "mariadb" or "mysql"
	dir     string
	datadir string
	socket  string
	errlog  string

	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan struct{}
	closed bool
}

// ErrNoServer is returned (wrapped) when no server binary can be found.
var ErrNoServer = errors.New("no MariaDB/MySQL server binary found (install it: apt-get install mariadb-server mariadb-client)")

// findBinary returns the server binary and its flavor.
func findBinary(name string) (string, string, error) {
	if name != "" {
		p, err := exec.LookPath(name)
		if err != nil {
			return "", "", fmt.Errorf("server binary %q: %w", name, ErrNoServer)
		}
		return p, flavorOf(p), nil
	}
	for _, n := range []string{"mariadbd", "mysqld"} {
		if p, err := exec.LookPath(n); err == nil {
			return p, flavorOf(p), nil
		}
		// Debian puts the daemons in /usr/sbin, which is not always on PATH.
		for _, dir := range []string{"/usr/sbin", "/usr/local/sbin", "/usr/libexec"} {
			p := filepath.Join(dir, n)
			if st, err := os.Stat(p); err == nil && st.Mode()&0o111 != 0 {
				return p, flavorOf(p), nil
			}
		}
	}
	return "", "", ErrNoServer
}

func flavorOf(bin string) string {
	out, err := exec.Command(bin, "--version").CombinedOutput()
	if err == nil && bytes.Contains(bytes.ToLower(out), []byte("mariadb")) {
		return "mariadb"
	}
	if strings.Contains(filepath.Base(bin), "mariadb") {
		return "mariadb"
	}
	return "mysql"
}

// Start initialises a fresh data directory and starts a server on it. The
// returned server must be closed; Close removes everything it made.
func Start(ctx context.Context, opts Options) (*Server, error) {
	bin, flavor, err := findBinary(opts.Binary)
	if err != nil {
		return nil, err
	}
	if opts.BufferPoolSize == 0 {
		opts.BufferPoolSize = 64 << 20
	}
	if opts.StartTimeout == 0 {
		opts.StartTimeout = 60 * time.Second
	}
	dir, err := os.MkdirTemp(opts.TempDir, "fuzzyduck-db-")
	if err != nil {
		return nil, fmt.Errorf("dbserver: make temp dir: %w", err)
	}
	s := &Server{
		opts:    opts,
		bin:     bin,
		flavor:  flavor,
		dir:     dir,
		datadir: filepath.Join(dir, "data"),
		socket:  filepath.Join(dir, "mysqld.sock"),
		errlog:  filepath.Join(dir, "error.log"),
	}
	if len(s.socket) > 100 {
		s.cleanup()
		return nil, fmt.Errorf("dbserver: socket path %q is too long for a unix socket; use a shorter TempDir", s.socket)
	}
	if err := s.initDatadir(ctx); err != nil {
		s.cleanup()
		return nil, err
	}
	if err := s.start(ctx); err != nil {
		s.cleanup()
		return nil, err
	}
	return s, nil
}

func (s *Server) initDatadir(ctx context.Context) error {
	var cmd *exec.Cmd
	if s.flavor == "mariadb" {
		install, err := exec.LookPath("mariadb-install-db")
		if err != nil {
			install, err = exec.LookPath("mysql_install_db")
		}
		if err != nil {
			return fmt.Errorf("dbserver: mariadb-install-db not found (install it: apt-get install mariadb-server): %w", err)
		}
		args := []string{"--no-defaults", "--datadir=" + s.datadir,
			"--auth-root-authentication-method=normal", "--skip-test-db",
			"--skip-name-resolve",
			// Parallel bootstraps sharing /tmp clobber each other's temp tables.
			"--tmpdir=" + s.dir}
		if os.Geteuid() == 0 {
			args = append(args, "--user=root")
		}
		cmd = s.command(ctx, install, args...)
	} else {
		args := []string{"--no-defaults", "--initialize-insecure", "--datadir=" + s.datadir}
		if os.Geteuid() == 0 {
			args = append(args, "--user=root")
		}
		cmd = s.command(ctx, s.bin, args...)
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("dbserver: initialise datadir with %s: %w\n%s", cmd.Path, err, tail(out, 2000))
	}
	return nil
}

// command is bin with args, under the wrapper if there is one.
func (s *Server) command(ctx context.Context, bin string, args ...string) *exec.Cmd {
	if s.opts.Wrap != nil {
		w := s.opts.Wrap(s.dir)
		args = append(append(w[1:len(w):len(w)], bin), args...)
		bin = w[0]
	}
	return exec.CommandContext(ctx, bin, args...)
}

func (s *Server) args() []string {
	args := []string{
		"--no-defaults",
		"--datadir=" + s.datadir,
		"--socket=" + s.socket,
		"--pid-file=" + filepath.Join(s.dir, "mysqld.pid"),
		"--log-error=" + s.errlog,
		"--skip-networking",
		"--skip-name-resolve",
		fmt.Sprintf("--innodb-buffer-pool-size=%d", s.opts.BufferPoolSize),
		"--innodb-log-file-size=48M",
		"--max-allowed-packet=1G",
		"--character-set-server=utf8mb4",
		"--collation-server=utf8mb4_general_ci",
		"--secure-file-priv=" + s.dir,
		"--tmpdir=" + s.dir,
	}
	if os.Geteuid() == 0 {
		args = append(args, "--user=root")
	}
	if s.flavor == "mysql" {
		args = append(args, "--mysqlx=OFF")
	}
	return append(args, s.opts.ExtraFlags...)
}

func (s *Server) start(ctx context.Context) error {
	cmd := s.command(context.Background(), s.bin, s.args()...)
	// Own process group: a Ctrl-C to the tool must not kill the server
	// before we shut it down cleanly, and we can kill the whole group.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("dbserver: start %s: %w", s.bin, err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	s.mu.Lock()
	s.cmd, s.exited = cmd, exited
	s.mu.Unlock()

	deadline := time.Now().Add(s.opts.StartTimeout)
	for {
		db, err := sql.Open("mysql", s.DSN(""))
		if err == nil {
			pctx, cancel := context.WithTimeout(ctx, time.Second)
			err = db.PingContext(pctx)
			cancel()
			db.Close()
			if err == nil {
				return nil
			}
		}
		select {
		case <-exited:
			return fmt.Errorf("dbserver: %s exited during start-up:\n%s%s", s.bin, tail(out.Bytes(), 1000), s.errorLogTail())
		case <-ctx.Done():
			s.kill()
			return fmt.Errorf("dbserver: waiting for start-up: %w", ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.kill()
			return fmt.Errorf("dbserver: server not ready after %s (last error: %v)%s", s.opts.StartTimeout, err, s.errorLogTail())
		}
	}
}

func (s *Server) errorLogTail() string {
	b, err := os.ReadFile(s.errlog)
	if err != nil {
		return ""
	}
	return "\nerror log " + s.errlog + ":\n" + tail(b, 2000)
}

func tail(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}

// Flavor is "mariadb" or "mysql".
func (s *Server) Flavor() string { return s.flavor }

// Socket is the path of the server's unix socket.
func (s *Server) Socket() string { return s.socket }

// Dir is the private directory holding the datadir, socket and logs.
func (s *Server) Dir() string { return s.dir }

// ErrorLog is the path of the server's error log.
func (s *Server) ErrorLog() string { return s.errlog }

// DSN returns a go-sql-driver/mysql DSN for root on the socket, selecting
// database db (may be empty).
func (s *Server) DSN(db string) string {
	c := mysql.NewConfig()
	c.User = "root"
	c.Net = "unix"
	c.Addr = s.socket
	c.DBName = db
	c.MultiStatements = true
	c.InterpolateParams = true
	c.MaxAllowedPacket = 0 // ask the server
	c.Params = map[string]string{"charset": "utf8mb4"}
	return c.FormatDSN()
}

// CreateDatabase makes an empty utf8mb4 database and returns its DSN.
func (s *Server) CreateDatabase(ctx context.Context, name string) (string, error) {
	db, err := sql.Open("mysql", s.DSN(""))
	if err != nil {
		return "", fmt.Errorf("dbserver: %w", err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "CREATE DATABASE `"+strings.ReplaceAll(name, "`", "``")+"` CHARACTER SET utf8mb4"); err != nil {
		return "", fmt.Errorf("dbserver: create database %s: %w", name, err)
	}
	return s.DSN(name), nil
}

// ClientArgs returns arguments for the mariadb/mysql command-line clients
// (mariadb, mariadb-dump) to reach this server.
func (s *Server) ClientArgs() []string {
	return []string{"--no-defaults", "--socket=" + s.socket, "--user=root", "--default-character-set=utf8mb4"}
}

// Restart shuts the server down cleanly and starts it again on the same
// datadir: caches are cold afterwards (gate measures cold steps this way).
func (s *Server) Restart(ctx context.Context) error {
	if err := s.stop(); err != nil {
		return err
	}
	return s.start(ctx)
}

// Stop shuts the server down cleanly and keeps its datadir (to copy it,
// say); StartAgain brings it back.
func (s *Server) Stop() error { return s.stop() }

// StartAgain starts a stopped server on its datadir.
func (s *Server) StartAgain(ctx context.Context) error { return s.start(ctx) }

// stop asks the server to shut down and waits; kills it if it won't.
func (s *Server) stop() error {
	s.mu.Lock()
	cmd, exited := s.cmd, s.exited
	s.cmd = nil
	s.mu.Unlock()
	if cmd == nil {
		return nil
	}
	if s.opts.Wrap != nil {
		for _, pid := range proctree.Children(cmd.Process.Pid) {
			_ = syscall.Kill(pid, syscall.SIGTERM)
		}
	} else {
		_ = cmd.Process.Signal(syscall.SIGTERM)
	}
	select {
	case <-exited:
		return nil
	case <-time.After(60 * time.Second):
		proctree.Kill(cmd.Process)
		<-exited
		return fmt.Errorf("dbserver: server did not shut down in 60s; killed")
	}
}

func (s *Server) kill() {
	s.mu.Lock()
	cmd, exited := s.cmd, s.exited
	s.cmd = nil
	s.mu.Unlock()
	if cmd != nil {
		proctree.Kill(cmd.Process)
		<-exited
	}
}

func (s *Server) cleanup() {
	if !s.opts.KeepDatadir {
		os.RemoveAll(s.dir)
	}
}

// Close stops the server and removes its directory (unless KeepDatadir).
// It is safe to call more than once.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	err := s.stop()
	s.cleanup()
	return err
}
