package scrub

import (
	"bytes"
	"regexp"
)

// Built-in patterns: secrets recognisable by their shape, known or not.
// Each has literals (lower case), one of which a line must hold for the
// pattern to be tried at all; assign: only where an assignment follows
// the literal (after more of the word, a quote and spaces: '=' or ':'),
// as the pattern itself requires ("sid" in "Cassidy" is no session id).
// Their hits on a clean log are expected and listed in the README;
// private key blocks (across lines) are handled apart, in spans.
var builtins = []struct {
	p      Pattern
	hints  []string
	assign bool
	skip   func(line []byte, m []int) bool // a match that is no secret
}{
	// scheme://user:password@host, and oslo.messaging's further
	// ",user:password@host" hosts; the password may hold '/', '@' and
	// '#' ("postgres://bob:Xk9#mQ2!vL@db/app": red team scrubatk16),
	// not '?' (a port's URL whose query holds an e-mail address).
	{Pattern{"password", regexp.MustCompile(`[a-zA-Z][a-zA-Z0-9+.-]*://[^:/\s@'",]*:([^\s'"?]*?)@(?:[A-Za-z0-9_.-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]+)?(?:[/?#,;)'"\s]|$)`)}, []string{"://"}, false, notAPassword},
	// (apart: the first host's match takes the comma; a third host's
	// password may take the second host with it)
	{Pattern{"password", regexp.MustCompile(`,[^:/\s@'",]*:([^\s'"?#]*?)@(?:[A-Za-z0-9_.-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]+)?(?:[/?#;)'"\s]|$)`)}, []string{"://"}, false, notAPassword},
	// go-sql-driver DSNs: user:password@tcp(host)/db.
	{Pattern{"password", regexp.MustCompile(`(?:^|[\s'"=])[A-Za-z0-9_.-]+:([^\s'"]*?)@(?:tcp|tcp6|unix)\(`)}, []string{"@tcp", "@unix"}, false, nil},
	// password = "..." / password='...' / "password": "..." / {"apiKey": ...}
	// / {"db_pass": "..."} / passphrase: '...'; a quote escaped inside
	// ("Xk9\"mQ2vL" in JSON) is the value's.
	// Ruby's and Perl's "=>", Python 2's u'...' ({u'password': u'...'}),
	// Nova's "adminPass" too.
	{Pattern{"password", regexp.MustCompile(`(?i)(?:password|passwd|pwd|\bpass|_pass|adminpass|passphrase|secret|auth_key|admin_token|api_?key|api-key|token|secret_key|client_secret)["']?\s*(?:=>|[=:])\s*[ub]?["']((?:[^"'\\]|\\.)+)["']`)}, []string{"password", "passwd", "pwd", "pass", "secret", "auth_key", "admin_token", "apikey", "api_key", "api-key", "token"}, true, notAPassword},
	// password=value, secret: value (unquoted)
	// ("=>" is no value: "auth_password => ..." took the '>')
	{Pattern{"password", regexp.MustCompile(`(?i)(?:password|passwd|pwd|passphrase|secret|auth_key|admin_token|api_?key|api-key|secret_key|client_secret)\s*[=:]\s*([^\s,;'"&>][^\s,;'"&]*)`)}, []string{"password", "passwd", "pwd", "passphrase", "secret", "auth_key", "admin_token", "apikey", "api_key", "api-key"}, true, notAPassword},
	// pass=value, admin_pass=value (heat's -P admin_pass=...), as a word
	// of its own and with '=' (not a program's "new_pass=new_pass" nor
	// ":param new_pass:"), not a test run's "pass=12".
	{Pattern{"password", regexp.MustCompile(`(?i)(?:^|[\s,;?&])(?:pass|admin_pass)=([^\s,;'"&>)][^\s,;'"&)]*)`)}, []string{"pass"}, true, notAPassCount},
	// Keys by name: private_key=<base64 without a PEM header>,
	// encryption_key = <hex>, fernet key: ..., signing_key, master_key
	// (red team scrubatk18); key material only, 16 base64 or hex
	// characters or more, not a program's "private_key = gen_key()".
	{Pattern{"password", regexp.MustCompile(`(?i)\b(?:private|encryption|fernet|signing|master|hmac)[ _-]?keys?["']?\s*[=:]\s*[ub]?["']?([A-Za-z0-9+/_-]{16,}={0,2})(?:["',;\s]|$)`)}, []string{"private", "encryption", "fernet", "signing", "master", "hmac"}, false, notAPassword},
	// A JSON Web Token anywhere: its header and claims are base64url of
	// JSON ("eyJ"), and whoever holds it is its subject.
	{Pattern{"token", regexp.MustCompile(`\b(eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,})`)}, []string{"eyj"}, false, nil},
	// A command line's --password VALUE (a space, not '='), sshpass -p
	// VALUE, curl -u user:VALUE.
	// (--os-password, --admin-pass, --bootstrap-password: any option
	// whose last word is one)
	{Pattern{"password", regexp.MustCompile(`(?:^|\s)--(?:[a-z0-9]+-)*(?:password|passwd|pass|passphrase)\s+["']?([^\s'"]+)`)}, []string{"pass"}, false, notAPassword},
	// echo SECRET | sudo -S ...
	{Pattern{"password", regexp.MustCompile(`\becho\s+["']?([^\s'"|]+)["']?\s*\|\s*sudo\s+(?:-\w+\s+)*-S\b`)}, []string{"sudo"}, false, nil},
	{Pattern{"password", regexp.MustCompile(`\bsshpass\s+-p\s*["']?([^\s'"]+)`)}, []string{"sshpass"}, false, nil},
	{Pattern{"password", regexp.MustCompile(`\bcurl\b[^\n]*?\s(?:-u|--user)\s*["']?[^\s:'"]*:([^\s'"]+)`)}, []string{"curl"}, false, nil},
	// <password>...</password>, PHP's 'password' => '...'.
	{Pattern{"password", regexp.MustCompile(`(?i)<(?:password|passwd|passphrase|secret|token|api_?key|client_secret)>([^<]+)</`)}, []string{"password>", "passwd>", "passphrase>", "secret>", "token>", "key>"}, false, nil},
	{Pattern{"password", regexp.MustCompile(`(?i)["'](?:password|passwd|pass|passphrase|secret|api_?key|token|client_secret)["']\s*=>\s*["']((?:[^"'\\]|\\.)+)["']`)}, []string{"=>"}, false, notAPassword},
	// mysql -pSECRET (the client's password glued to -p)
	{Pattern{"password", regexp.MustCompile(`(?i:\b(?:mysql|mariadb|mysqldump|mariadb-dump|mysqladmin|mariadb-admin|mysqlimport)\b)[^\n]*?\s-p["']?([^\s'"]+)`)}, []string{" -p", "\t-p"}, false, nil},
	// SET PASSWORD [FOR 'u'@'h'] = 'secret' (or PASSWORD('secret'))
	{Pattern{"password", regexp.MustCompile(`(?i)\bset\s+password\b[^=\n]*=\s*(?:(?:old_)?password\s*\(\s*)?["']([^"']*)["']`)}, []string{"set password"}, false, nil},
	// CREATE USER / GRANT ... IDENTIFIED BY 'secret'
	{Pattern{"password", regexp.MustCompile(`(?i)\bidentified\s+(?:with\s+\S+\s+)?(?:by|as|using)\s+(?:password\s*\(?\s*)?["']([^"']*)["']`)}, []string{"identified"}, false, proseIdentified},
	// PostgreSQL's password hashes (pg_authid.rolpassword, ALTER ROLE
	// ... PASSWORD): "md5" and the MD5 of the password and the role's
	// name, printed beside it, so anyone holding a guess checks it (the
	// pairs of known passwords and names are not keys: an index holds
	// no rows to pair them by); SCRAM-SHA-256 verifiers, likewise.
	{Pattern{"password", regexp.MustCompile(`\b(md5[0-9a-f]{32})\b`)}, []string{"md5"}, false, nil},
	{Pattern{"password", regexp.MustCompile(`(SCRAM-SHA-256\$[0-9]+:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+)`)}, []string{"scram-sha-256"}, false, nil},
	// crypt(3)'s password hashes: bcrypt, SHA-crypt, argon2 (a hash in a
	// log checks a guess offline as MD5 does).
	{Pattern{"password", regexp.MustCompile(`(\$2[abxy]\$[0-9]{2}\$[./A-Za-z0-9]{53}|\$[56]\$(?:rounds=[0-9]+\$)?[./A-Za-z0-9]{1,16}\$[./A-Za-z0-9]{43,86}|\$argon2(?:id|i|d)\$v=[0-9]+\$m=[0-9]+,t=[0-9]+,p=[0-9]+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+)`)}, []string{"$2a$", "$2b$", "$2x$", "$2y$", "$5$", "$6$", "$argon2"}, false, nil},
	// Authorization: Basic (user:password in base64), Bearer tokens
	{Pattern{"credentials", regexp.MustCompile(`(?i)authorization["']?\s*[:=]\s*["']?basic\s+([A-Za-z0-9+/=_-]+)`)}, []string{"authorization"}, true, nil},
	// (not OAuth's "token_type=bearer expires_in=3600": a key=)
	{Pattern{"token", regexp.MustCompile(`(?i)\bbearer\s+([A-Za-z0-9._~+/-]{8,}=*)`)}, []string{"bearer"}, false, keyAfter},
	// OpenStack's token headers
	{Pattern{"token", regexp.MustCompile(`(?i)x-(?:auth|subject|service|storage)-token["']?\s*[:=]\s*["']?([A-Za-z0-9._~+/=-]{8,})`)}, []string{"-token"}, true, nil},
	// Cookie headers whole, session ids anywhere
	{Pattern{"cookie", regexp.MustCompile(`(?i)\b(?:set-)?cookie["']?\s*[:=]\s*["']?([^\r\n"']+)`)}, []string{"cookie"}, true, nil},
	{Pattern{"session", regexp.MustCompile(`(?i)\b(?:session[_-]?id|sessionid|sid|jsessionid|phpsessid|csrftoken|csrf_token|xsrf-token|refresh_token|access_token|id_token)["']?\s*[=:]\s*["']?([A-Za-z0-9._~+/%-]{8,}=*)`)}, []string{"session", "sid", "csrf", "xsrf", "_token"}, true, nil},
	// AWS keys
	{Pattern{"aws-key", regexp.MustCompile(`\b((?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[0-9A-Z]{16})\b`)}, []string{"akia", "asia", "agpa", "aida", "aroa", "anpa", "anva", "aipa"}, false, nil},
	{Pattern{"aws-secret", regexp.MustCompile(`(?i)aws_?secret_?(?:access_?)?key["']?\s*[=:]\s*["']?([A-Za-z0-9/+=]{40})`)}, []string{"aws"}, true, nil},
	// GitHub, GitLab and Slack tokens
	{Pattern{"token", regexp.MustCompile(`\b((?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255}|glpat-[A-Za-z0-9_-]{20,}|xox[abposr]-[A-Za-z0-9-]{10,})`)}, []string{"ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "glpat-", "xox"}, false, nil},
	// Stripe's secret and restricted keys, Google's API keys.
	{Pattern{"token", regexp.MustCompile(`\b((?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}|AIza[0-9A-Za-z_-]{35})`)}, []string{"sk_live_", "sk_test_", "rk_live_", "rk_test_", "aiza"}, false, nil},
	// MariaDB quotes the bytes of a value it refused.
	// (It does not escape quotes: the text ends at "' for".)
	{Pattern{"fragment", regexp.MustCompile(`(?i)incorrect \w+ value: '(.*?)'(?:\s+for\b|["),]|$)`)}, []string{"incorrect"}, false, nil},
}

// Builtin patterns: the ones scrubbed unless Options.NoBuiltin.
var Builtin = func() []Pattern {
	var out []Pattern
	for _, b := range builtins {
		out = append(out, b.p)
	}
	return out
}()

var builtinSkips = func() []func([]byte, []int) bool {
	var out []func([]byte, []int) bool
	for _, b := range builtins {
		out = append(out, b.skip)
	}
	return out
}()

// notAPassword: what follows "password =" or "secret:" is no password
// (red team scrubatk6, clean lines it altered): the shell's PWD; MariaDB's
// "(using password: YES)" and NO; a placeholder ("<not set>", "****",
// "None", "$DB_PASS", "{{ vault_secret }}"); the source line of a model
// in a traceback ("password = Column(String(255))", "secret =
// sa.Column(sa.Text)", "password: str").
func notAPassword(line []byte, m []int) bool {
	if shellPWD(line, m) {
		return true
	}
	vs, ve := m[2], m[3]
	if vs < 0 || vs >= ve {
		return false
	}
	v := line[vs:ve]
	switch {
	case (bytes.EqualFold(bytes.TrimRight(v, ")"), []byte("YES")) || bytes.EqualFold(bytes.TrimRight(v, ")"), []byte("NO"))) &&
		bytes.HasSuffix(bytes.ToLower(line[max(0, m[0]-6):vs]), []byte("using password: ")):
		return true
	case placeholderRe.Match(v), codeRe.Match(v), sameAsKey(line[m[0]:vs], bytes.TrimRight(v, ")]}")),
		len(v) == 1 && ve < len(line) && (line[ve] == '\'' || line[ve] == '"'): // (u'...': the quoted pattern's)
		return true
	}
	return false
}

// sameAsKey: the value is its key's own name, a program's keyword
// argument passed on ("admin_pass=admin_pass" in a traceback's source
// line).
func sameAsKey(k, v []byte) bool {
	k = bytes.TrimRight(k, " \t\"'=:>")
	k = bytes.TrimLeft(k, " \t,;?&(")
	return len(k) > 0 && bytes.EqualFold(k, v)
}

// notAPassCount: pass=N is a count of tests passed (and what
// notAPassword says).
func notAPassCount(line []byte, m []int) bool {
	return notAPassword(line, m) || m[2] >= 0 && allDigits(line[m[2]:m[3]])
}

// keyAfter: the match is a key of its own (a word then '=' and a
// value), not a token: "bearer expires_in=3600".
func keyAfter(line []byte, m []int) bool {
	e := m[3]
	return e < len(line) && line[e-1] == '=' && line[e] != '='
}

// placeholderRe: a value that stands for a password: a flag's boolean
// ("inject_password=False"), a mask, nothing,
// a variable of a shell or a template, a note in angle brackets.
var placeholderRe = regexp.MustCompile(`^(?:(?i:true|false)|[*xX•#]{3,}|\*+|<[^>]*>?|None|null|nil|NULL|undef|\(none\)|REDACTED|\[?(?:REDACTED|redacted|hidden|masked|secret)\]?|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|\{\{.*|%\([a-z_]+\)s|%s)[)\]}]*$`)

// codeRe: a model's or a signature's source as a traceback prints it:
// SQLAlchemy's Column(...), mapped_column(...), a type (str, sa.Text).
var codeRe = regexp.MustCompile(`^(?:(?:sa|sqlalchemy|db|models|fields|types|orm)\.)?(?:Column|mapped_column|relationship|deferred|column_property|String|Text|Unicode|UnicodeText|LargeBinary|VARCHAR|CHAR|BLOB|Field|CharField|TextField|Mapped|Optional|str|bytes|int|bool|Any|SecretStr)(?:[(\[][^\s]*)?[,)\]]*$`)

// shellPWD: the shell's working directory (PWD=/path, OLDPWD=/path in an
// environment dump, declare -x PWD="/path"), not a password: the name in
// capitals as a word of its own (not MYSQL_PWD, not ODBC's ";PWD="), the
// value an absolute path that ends the word.
func shellPWD(line []byte, m []int) bool {
	st := m[0]
	if st+3 > len(line) || string(line[st:st+3]) != "PWD" {
		return false
	}
	if st >= 3 && string(line[st-3:st]) == "OLD" {
		st -= 3
	}
	if st > 0 && !bytes.ContainsRune([]byte(" \t\"'"), rune(line[st-1])) {
		return false
	}
	vs, ve := m[2], m[3]
	if vs < 0 || vs >= ve || line[vs] != '/' {
		return false
	}
	for _, c := range line[vs:ve] {
		if c == ';' || c == '@' {
			return false
		}
	}
	return ve == len(line) || bytes.ContainsRune([]byte(" \t\r\n\"'"), rune(line[ve]))
}

var builtinHints = func() []patternHints {
	var out []patternHints
	for _, b := range builtins {
		out = append(out, patternHints{b.hints, b.assign})
	}
	return out
}()

// proseIdentified: "identified by" in words, not in SQL: alembic's
// "Can't locate revision identified by 'a4c123b1612d'", the most common
// error of a migration run, named a revision, not a password. SQL's
// IDENTIFIED is in capitals or follows a user ('u'@'h', USER, a GRANT's
// TO); words never are.
func proseIdentified(line []byte, m []int) bool {
	if bytes.HasPrefix(line[m[0]:], []byte("IDENTIFIED")) {
		return false
	}
	before := bytes.ToLower(line[:m[0]])
	return !bytes.Contains(before, []byte("@")) && !bytes.Contains(before, []byte("user")) && !bytes.Contains(before, []byte(" to "))
}
