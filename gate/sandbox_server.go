package gate

// The throwaway server is the sandbox's way out: it runs outside the
// step's sandbox, as gate's user (root on a CI worker), and does what
// the migration asks: connect to a replication source or a FEDERATED
// table's host over TCP, write its general or slow query log to any path
// (SET GLOBAL general_log_file), tell the machine's name (@@hostname).
// So in the sandbox mode the server runs in a bubblewrap sandbox of its
// own: no network (its socket is a file), the sandbox's host name, a
// private /tmp, and of the worker's files only /usr, the few /etc files
// and its own directory (datadir, socket, logs), writable.

// serverTmpMB sizes the server's private /tmp (its temporary tables go to
// its own directory, --tmpdir).
const serverTmpMB = 64

// serverWrap is the command the throwaway server runs under (nil: as it
// is, outside the sandbox modes).
func (iso *Isolation) serverWrap() func(dir string) []string {
	s := iso.sb
	if s == nil {
		return nil
	}
	return func(dir string) []string {
		// No PID namespace: the server is bwrap's child, which gets
		// the signal that shuts it down cleanly (bwrap passes none on).
		a := []string{s.bwrap, "--unshare-user", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
			"--disable-userns", "--hostname", sandboxHostname, "--die-with-parent", "--cap-drop", "ALL"}
		a = s.system(a, serverTmpMB)
		return append(a, "--bind", dir, dir, "--")
	}
}
