package scrub

import (
	"bytes"
	"strings"
	"testing"
)

// TestBuiltinPlaces: unlisted secrets in the places issue #15 names are
// scrubbed by shape; what is around them stays.
func TestBuiltinPlaces(t *testing.T) {
	s, _ := New(Options{})
	cases := []struct{ line, secret, keep string }{
		{"connection = mysql+pymysql://nova:pa/ss@w0rd!@db.example.org/nova?charset=utf8", "pa/ss@w0rd!", "db.example.org/nova"},
		{"transport_url = rabbit://openstack:r4bbit/pw@10.0.0.1:5672,openstack:sec0nd@10.0.0.2:5672/", "r4bbit/pw", "10.0.0.1:5672"},
		{"transport_url = rabbit://openstack:r4bbit/pw@10.0.0.1:5672,openstack:sec0nd@10.0.0.2:5672/", "sec0nd", "10.0.0.2:5672"},
		{"dsn nova:Go-DSN/pw@tcp(db:3306)/nova", "Go-DSN/pw", "tcp(db:3306)"},
		{"password=hunter2x;", "hunter2x", ";"},
		{`password = "Correct Horse Battery"`, "Correct Horse Battery", "password"},
		{"conn = pymysql.connect(host='db', user='nova', password='py-S3cret!', db='nova')", "py-S3cret!", "host='db'"},
		{"+ mysql -unova -pCLIs3cret -h db nova < schema.sql", "CLIs3cret", "-h db"},
		{"mariadb-dump --user=root -pDump3Pw nova", "Dump3Pw", "nova"},
		{"CREATE USER 'nova'@'%' IDENTIFIED BY 'Ident!fied9';", "Ident!fied9", "CREATE USER"},
		{"GRANT ALL ON nova.* TO 'nova'@'%' IDENTIFIED WITH mysql_native_password AS '*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19';", "2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19", "GRANT ALL"},
		{"Authorization: Basic bm92YTpiYXNpYy1wdw==", "bm92YTpiYXNpYy1wdw==", "Authorization"},
		{"Cookie: sessionid=8f14e45fceea167a5a36dedd4bea2543; theme=dark", "8f14e45fceea167a5a36dedd4bea2543", "Cookie"},
		{"GET /dashboard?session_id=a1b2c3d4e5f6a7b8 HTTP/1.1", "a1b2c3d4e5f6a7b8", "HTTP/1.1"},
		{"token ghp_abcdefghijklmnopqrstuvwxyz0123456789 used", "ghp_abcdefghijklmnopqrstuvwxyz0123456789", "used"},
		{"aws key AKIAIOSFODNN7EXAMPLE here", "AKIAIOSFODNN7EXAMPLE", "here"},
		{"aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "aws_secret_access_key"},
		{`{"apiKey": "k-9f8e7d6c5b4a", "region": "eu"}`, "k-9f8e7d6c5b4a", `"region": "eu"`},
		{"X-Auth-Token: gAAAAABkT0k3nQ7xYz", "gAAAAABkT0k3nQ7xYz", "X-Auth-Token"},
		{"Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc", "eyJhbGciOiJIUzI1NiJ9", "Authorization"},
		// Red team scrubatk16's finds (--builtin-only).
		{"dsn postgres://bob:Xk9#mQ2!vL@db/app", "mQ2!vL", "db/app"},
		{`{"password":"Xk9\"mQ2vL", "user": "bob"}`, "mQ2vL", `"user": "bob"`},
		{"SET PASSWORD FOR 'bob'@'%' = 'Xk9#mQ2!vL';", "Xk9#mQ2!vL", "SET PASSWORD"},
		{"SET PASSWORD = PASSWORD('Old9pw#x');", "Old9pw#x", "SET PASSWORD"},
		{`{"db_pass":"Xk9#mQ2!vL"}`, "Xk9#mQ2!vL", "db_pass"},
		{"passphrase: Xk9#mQ2!vL", "Xk9#mQ2!vL", "passphrase"},
		{`pass="Xk9#mQ2!vL" user=bob`, "Xk9#mQ2!vL", "user=bob"},
		{`token='Xk9mQ2vLzz9'`, "Xk9mQ2vLzz9", "token"},
		{"+ nova-manage --password 'Xk9#mQ2!vL' db sync", "Xk9#mQ2!vL", "db sync"},
		{"+ curl -s -u bob:Xk9mQ2vLzz https://api/x", "Xk9mQ2vLzz", "https://api/x"},
		{"sshpass -p 'Xk9#mQ2!vL' ssh root@db", "Xk9#mQ2!vL", "ssh root@db"},
		{"<user>bob</user><password>Xk9#mQ2!vL</password>", "Xk9#mQ2!vL", "<user>bob</user>"},
		{"'password' => 'Xk9#mQ2!vL',", "Xk9#mQ2!vL", "'password'"},
		{"GET /login?user=bob&password%3DXk9mQ2vLzz HTTP/1.1", "Xk9mQ2vLzz", "HTTP/1.1"},
		{`{"msg": "password\u003dXk9mQ2vLzz ok"}`, "Xk9mQ2vLzz", "msg"},
		{"hash $2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW stored", "R9h/cIPz0gi.URNNX3kh2OPST9", "stored"},
		{"shadow root:$6$rounds=5000$saltsalt$Bq1RTu6mGIe7S0Sc0ZgAYBkxRzxwKBQ71d0bV2yjqGxq6GuvJUGPvq1x7Kg4J9C3Kt0n4IEzy.VAePu0eYkr1/:19000:0", "Bq1RTu6mGIe7S0Sc0ZgAYBkxRzxwKBQ71d0bV2yjqGxq6GuvJUGPvq1x7Kg4J9C3Kt0n4IEzy", ":19000:0"},
		{"pw $argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$Rdescudvt2QjHPwdT/mZ5g0g4fg2KNIM/vqHc3EkXd4 ok", "Rdescudvt2QjHPwdT", " ok"},
		{"stripe key sk_live_51HxYzAbCdEfGhIjKlMnOpQr set", "sk_live_51HxYzAbCdEfGhIjKlMnOpQr", "set"},
		{"maps key=AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q used", "AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q", "used"},
		// Red team scrubatk18's finds (--builtin-only).
		{"openstack --os-password Xq7!vR2#mPz9 server list", "Xq7!vR2#mPz9", "server list"},
		{"nova boot --admin-pass Xq7!vR2#mPz9 vm1", "Xq7!vR2#mPz9", "vm1"},
		{"keystone-manage bootstrap --bootstrap-password Xq7!vR2#mPz9", "Xq7!vR2#mPz9", "bootstrap"},
		{"heat stack-create -P admin_pass=Xq7!vR2#mPz9 stack1", "Xq7!vR2#mPz9", "stack1"},
		{"pass=Xq7!vR2#mPz9", "Xq7!vR2#mPz9", "pass"},
		{`auth_password => "Xq7!vR2#mPz9"`, "Xq7!vR2#mPz9", "auth_password"},
		{`RESP BODY: {"server": {"id": "a1b2", "adminPass": "Xq7!vR2#mPz9"}}`, "Xq7!vR2#mPz9", `"id": "a1b2"`},
		{`{u'auth': {u'passwordCredentials': {u'username': u'admin', u'password': u'Xq7!vR2#mPz9'}}}`, "Xq7!vR2#mPz9", "u'admin'"},
		{`mysql -uroot -p'Xq7!vR2#mPz9' -e "show databases"`, "Xq7!vR2#mPz9", "show databases"},
		{"set -x; echo Xq7!vR2#mPz9 | sudo -S systemctl restart nova", "Xq7!vR2#mPz9", "systemctl restart nova"},
		{"rescue_password=u'ABC123xyz',", "ABC123xyz", "rescue_password=u'"},
		{"private_key=MIIEowIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi0Zk3Jq0tQw8vS1mN2bV4cX7yL9pR6", "MIIEowIBAAKCAQEA", "private_key"},
		{"encryption_key = 0123456789abcdef0123456789abcdef", "0123456789abcdef", "encryption_key"},
		{"fernet key: Zk3Jq0tQw8vS1mN2bV4cX7yL9pR6eT5uW3aB1cD2eF3=", "Zk3Jq0tQw8vS1mN2", "fernet key"},
		{"token: eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQifQ.Qm9ndXNTaWduYXR1cmVIZXJlMTIzNDU2Nzg5", "eyJzdWIiOiJzeXN0", "token"},
	}
	for _, c := range cases {
		var out bytes.Buffer
		s.Scrub(&out, strings.NewReader(c.line+"\n"))
		if strings.Contains(out.String(), c.secret) || !strings.Contains(out.String(), c.keep) {
			t.Errorf("%q -> %q", c.line, out.String())
		}
	}
	// The shell's working directory is no password; a password under a
	// name holding PWD, or one that is no path, still is.
	for _, c := range []struct {
		line   string
		scrubs bool
	}{
		{"PWD=/home/ci/build", false},
		{"OLDPWD=/var/lib/zuul/src", false},
		{"declare -x PWD=\"/srv/nova\"", false},
		{"env: HOME=/root PWD=/root SHELL=/bin/bash", false},
		{"MYSQL_PWD=/Secr3tPw", true},
		{"Driver={MariaDB};UID=nova;PWD=/Odbc9pw;", true},
		{"PWD=Hunter2pw", true},
		{"pwd=/lower9pw", true},
		{"PWD=/x@db", true},
		{"password=/starts/with/slash9", true},
		// (a flag's boolean, a count of tests, OAuth's token type: no secrets)
		{"Password injection is disabled; set inject_password=False in nova.conf", false},
		{"secret=True use_ssl=False", false},
		{"token_type=bearer expires_in=3600", false},
		{"Ran 120 tests: pass=118 fail=2", false},
		{"encryption_key = None", false},
		{"the private key is missing; signing key: <not set>", false},
		// (a program's keyword argument passed on, in a traceback)
		{"    compute.rebuild(ctx, admin_pass=admin_pass, files=files)", false},
		{"    self.connect(host, password=password)", false},
	} {
		var out bytes.Buffer
		rep, err := s.Scrub(&out, strings.NewReader(c.line+"\n"))
		if err != nil {
			t.Fatal(err)
		}
		if got := rep.Total() > 0; got != c.scrubs {
			t.Errorf("%q: scrubbed %v, want %v: %q", c.line, got, c.scrubs, out.String())
		}
	}
	// Private keys of every type, across lines, and nothing after END.
	for _, typ := range []string{"OPENSSH PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "DSA PRIVATE KEY", "PGP PRIVATE KEY BLOCK"} {
		in := "key:\n-----BEGIN " + typ + "-----\nb3BlbnNzaC1rZXktdjEAAAAA\nQyNTUxOQAAACDx\n-----END " + typ + "-----\nafter\n"
		var out bytes.Buffer
		s.Scrub(&out, strings.NewReader(in))
		if strings.Contains(out.String(), "b3BlbnNz") || strings.Contains(out.String(), "QyNTUx") || !strings.HasSuffix(out.String(), "\nafter\n") {
			t.Errorf("%s: %q", typ, out.String())
		}
	}
}

// TestHintsHideNothing: the hints only skip patterns that cannot match:
// every built-in place and every corpus line gives the same pattern
// spans with hints as with every pattern tried on every line.
func TestHintsHideNothing(t *testing.T) {
	s, _ := New(Options{})
	lines := []string{
		"password : 'spaced'", "\"password\":\"x1\"", "PASSWORD=abc", "passwordx password=twice",
		"secret_key=k1k2k3", "Cassidy sid=abcdefgh12", "Set-Cookie: a=b", "AWS_SECRET_ACCESS_KEY=" + strings.Repeat("A", 40),
		"mysql\t-pTabbed nova", "refresh_token:\t'abcdefgh123'", "x-subject-token: abcdefgh123",
	}
	for _, v := range []map[string]string{planted, clean} {
		for _, text := range corpus(t, v) {
			lines = append(lines, strings.Split(text, "\n")...)
		}
	}
	w := s.newWorker()
	for _, l := range lines {
		clear(w.enabled)
		s.hintSet.enable([]byte(l), w.enabled)
		for i, p := range s.patterns {
			if !w.enabled[i] && p.Re.MatchString(l) {
				t.Errorf("pattern %d (%s) matches %q but its hints did not enable it", i, p.Name, l)
			}
		}
	}
}
