// Package osmanage runs an OpenStack project's database tool
// (glance-manage, nova-manage) from Debian's python3 packages against a
// server: a wrapper script in place of the one the project's -common
// package ships (that package asks questions on install), and a
// configuration file beside it.
package osmanage

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// Env is a directory holding a project's PROJECT-manage wrapper and its
// configuration file.
type Env struct {
	Dir    string
	Conf   string
	Script string
}

// NewEnv writes in dir the wrapper PROJECT-manage, which runs the main of
// the python module PROJECT.cmd.manage, and the configuration conf as the
// file confName.
func NewEnv(dir, project, confName, conf string) (*Env, error) {
	e := &Env{Dir: dir, Conf: filepath.Join(dir, confName), Script: filepath.Join(dir, project+"-manage")}
	wrapper := "#!/usr/bin/python3\nimport sys\nfrom " + project + ".cmd.manage import main\nsys.exit(main())\n"
	if err := os.WriteFile(e.Script, []byte(wrapper), 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(e.Conf, []byte(conf), 0o644); err != nil {
		return nil, err
	}
	return e, nil
}

// Manage runs PROJECT-manage --config-file CONF args... and returns its
// combined output.
func (e *Env) Manage(ctx context.Context, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, e.Script, append([]string{"--config-file", e.Conf}, args...)...)
	cmd.Dir = e.Dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return out.Bytes(), fmt.Errorf("%s %v: %w\n%s", filepath.Base(e.Script), args, err, out.Bytes())
	}
	return out.Bytes(), nil
}

// URL is the SQLAlchemy URL of database db on the unix socket.
func URL(socket, db string) string {
	return fmt.Sprintf("mysql+pymysql://root@localhost/%s?unix_socket=%s&charset=utf8mb4", db, socket)
}
