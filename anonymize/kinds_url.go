package anonymize

import (
	"net/netip"
	"strings"
)

// kindURL: scheme://user:password@host:port/path?query keeps its shape;
// user names, passwords and hosts (or IPs) are replaced. Several hosts
// (rabbit://u:p@h1:5672,u:p@h2:5672/) are each replaced.
func kindURL(w *worker, c *colInfo, in []byte, n int) result {
	s := string(in)
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		return fallback(w, in, n)
	}
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	authority, tail := rest[:end], rest[end:]
	var out strings.Builder
	out.WriteString(scheme)
	out.WriteString("://")
	for i, part := range strings.Split(authority, ",") {
		if i > 0 {
			out.WriteByte(',')
		}
		out.WriteString(w.fakeAuthority(part, n))
	}
	out.WriteString(tail)
	return result{out: fitLength([]byte(out.String()), c.maxLen)}
}

func (w *worker) fakeAuthority(a string, n int) string {
	var out strings.Builder
	if at := strings.LastIndexByte(a, '@'); at >= 0 {
		cred := a[:at]
		a = a[at+1:]
		user, pass, hasPass := strings.Cut(cred, ":")
		if user != "" {
			w.rng("username", []byte(user), 0)
			out.WriteString(w.username())
		}
		if hasPass {
			r := w.rng("password", []byte(pass), 0)
			out.WriteByte(':')
			const alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
			for i := 0; i < max(len(pass), 8); i++ {
				out.WriteByte(alnum[r.IntN(len(alnum))])
			}
		}
		out.WriteByte('@')
	}
	host, port := a, ""
	if strings.HasPrefix(a, "[") {
		if i := strings.IndexByte(a, ']'); i > 0 {
			host, port = a[1:i], a[i+1:]
			if addr, err := netip.ParseAddr(host); err == nil {
				return out.String() + "[" + fakeAddr(w, addr, n).String() + "]" + port
			}
		}
	} else if i := strings.LastIndexByte(a, ':'); i >= 0 {
		host, port = a[:i], a[i:]
	}
	if host == "" {
		return out.String() + port
	}
	if addr, err := netip.ParseAddr(host); err == nil {
		out.WriteString(fakeAddr(w, addr, n).String())
	} else {
		h := kindHostname(w, &colInfo{}, []byte(host), n)
		out.Write(h.out)
	}
	out.WriteString(port)
	return out.String()
}
