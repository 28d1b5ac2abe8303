package scrub

import (
	"errors"
	"net/url"
	"os"
	"regexp"
	"strings"

	"github.com/go-sql-driver/mysql"
)

// RunSecrets are the secrets of the run itself: the database password
// (and host, when it names one) of the DSN, and this machine's host name.
// They are always scrubbed. A DSN that does not parse is an error that
// quotes none of it.
func RunSecrets(dsn string) ([]Value, error) {
	var out []Value
	if dsn != "" {
		vals, err := dsnSecrets(dsn)
		if err != nil {
			return nil, err
		}
		out = vals
	}
	// A name of fewer than DefaultMinLength letters and digits tells
	// nothing and is every identifier's word: a CI machine called vm
	// scrubbed Nova's vm_state everywhere (red team scrubatk6).
	if h, err := os.Hostname(); err == nil && h != "localhost" && alnumRunes(h) >= DefaultMinLength {
		out = append(out, Value{Kind: "hostname", Text: h, Source: "run"})
		if short, _, ok := strings.Cut(h, "."); ok && alnumRunes(short) >= DefaultMinLength {
			out = append(out, Value{Kind: "hostname", Text: short, Source: "run"})
		}
	}
	return out, nil
}

// ErrDSN: the DSN is none of the shapes below.
var ErrDSN = errors.New("--dsn: not a DSN (want user:password@tcp(host:port)/db, user:password@unix(/path)/db or scheme://user:password@host[:port]/db)")

// urlScheme starts a URL-shaped DSN (mysql://, mysql+pymysql://).
var urlScheme = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*://`)

// urlHost is what may follow the '@' that ends a URL's userinfo: a host
// (name, IPv4, [IPv6], or none for a socket), a port, then the path, the
// query, the fragment or the end.
var urlHost = regexp.MustCompile(`^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.%~-]*)(:[0-9]*)?(?:[/?#]|$)`)

// dsnSecrets reads a DSN the way gate reads it (go-sql-driver's
// user:password@net(addr)/db) or as a URL (mysql://, mysql+pymysql://,
// as SQLAlchemy and oslo.db take it). People write passwords in URLs
// unescaped, holding '#', '/', '?', '@' or ':', which no URL parser
// reads as they mean: the userinfo is taken to end at any '@' a host
// follows, and each such reading's password is known (a password the
// way it is written, and percent-decoded).
func dsnSecrets(dsn string) ([]Value, error) {
	var out []Value
	seen := map[string]bool{}
	add := func(kind, s string) {
		if s != "" && !seen[kind+"\x00"+s] {
			seen[kind+"\x00"+s] = true
			out = append(out, Value{Kind: kind, Text: s, Source: "run"})
		}
	}
	parsed := false
	if loc := urlScheme.FindStringIndex(dsn); loc != nil {
		rest := dsn[loc[1]:]
		for at := strings.IndexByte(rest, '@'); at >= 0; {
			if m := urlHost.FindStringSubmatch(rest[at+1:]); m != nil {
				parsed = true
				if _, pass, ok := strings.Cut(rest[:at], ":"); ok {
					add("password", pass)
					if d, err := url.PathUnescape(pass); err == nil {
						add("password", d)
					}
				}
				addHost(add, m[1])
			}
			next := strings.IndexByte(rest[at+1:], '@')
			if next < 0 {
				break
			}
			at += 1 + next
		}
		if !parsed { // no userinfo: scheme://host/db
			if m := urlHost.FindStringSubmatch(rest); m != nil {
				parsed = true
				addHost(add, m[1])
			}
		}
	}
	if cfg, err := mysql.ParseDSN(dsn); err == nil {
		parsed = true
		add("password", cfg.Passwd)
		if cfg.Net != "unix" {
			h := cfg.Addr
			if i := strings.LastIndexByte(h, ':'); i >= 0 && !strings.HasSuffix(h, "]") {
				h = h[:i]
			}
			addHost(add, strings.Trim(h, "[]"))
		}
	}
	if !parsed {
		return nil, ErrDSN
	}
	return out, nil
}

// addHost knows a DSN's host when it names one (not the local machine,
// not a bare word such as "db" that logs print everywhere).
func addHost(add func(kind, s string), h string) {
	h = strings.Trim(h, "[]")
	if d, err := url.PathUnescape(h); err == nil {
		h = d
	}
	switch strings.ToLower(h) {
	case "", "localhost", "127.0.0.1", "::1", "0.0.0.0":
		return
	}
	if strings.ContainsAny(h, ".:") {
		add("hostname", h)
	}
}
