package main

import (
	"context"
	"fmt"
	"io"
	"os/exec"
	"strings"

	"github.com/fuzzyduck/fuzzyduck/dbserver"
)

// dump runs mariadb-dump of both databases into w.
func dump(ctx context.Context, bin string, srv *dbserver.Server, w io.Writer) error {
	cmd := exec.CommandContext(ctx, bin, append(srv.ClientArgs(), "--single-transaction", "--databases", "nova", "nova_api")...)
	cmd.Stdout = w
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w: %s", bin, err, stderr.String())
	}
	return nil
}
