package anonymize

import (
	"testing"
)

var urlCases = []kindCase{
	{kind: "url", in: "rabbit://nova:s3cret@rabbit1.example.com:5672,nova:s3cret@10.0.0.5:5672/vhost", check: re(`rabbit://[a-z0-9._-]+:[A-Za-z0-9]{8}@[a-z0-9.-]+:5672,[a-z0-9._-]+:[A-Za-z0-9]{8}@240\.[\d.]+:5672/vhost`)},
	{kind: "url", in: "mysql+pymysql://nova:pw@[2001:db8::5]/nova?charset=utf8", check: re(`mysql\+pymysql://[a-z0-9._-]+:[A-Za-z0-9]{8}@\[fd[0-9a-f:]+\]/nova\?charset=utf8`)},
}

func TestKindsURL(t *testing.T) { runKindCases(t, urlCases, "testdata/kinds_url.golden") }
