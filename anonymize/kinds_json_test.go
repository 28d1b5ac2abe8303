package anonymize

import (
	"fmt"
	"strings"
	"testing"
)

var jsonCases = []kindCase{
	{kind: "json", in: `{"address": "fa:16:3e:00:00:01", "ips": ["10.0.0.1", "fd00::2"], "id": "0b1f5a6e-1234-4abc-8def-00000000002a", "n": 3, "ok": true, "x": null, "host": "node1.example.com", "portal": "10.1.1.1:3260", "auth_password": "hunter2", "plain": "keep me"}`,
		check: func(s string) error {
			if err := validJSON(s); err != nil {
				return err
			}
			for _, leak := range []string{"fa:16:3e:00:00:01", "10.0.0.1", "fd00::2", "0b1f5a6e", "node1", "10.1.1.1", "hunter2"} {
				if strings.Contains(s, leak) {
					return fmt.Errorf("%q still contains %q", s, leak)
				}
			}
			if !strings.Contains(s, `"plain": "keep me"`) || !strings.Contains(s, `"n": 3, "ok": true, "x": null`) {
				return fmt.Errorf("unrelated leaves or layout changed: %s", s)
			}
			return nil
		}},
	{kind: "json", in: `{"network": {"label": "customer-net", "meta": {"owner": "acme"}}}`, col: colInfo{paths: [][]string{{"network", "label"}, {"network", "*", "owner"}}},
		check: func(s string) error {
			if strings.Contains(s, "customer-net") || strings.Contains(s, "acme") {
				return fmt.Errorf("configured paths not rewritten: %s", s)
			}
			return validJSON(s)
		}},
}

func TestKindsJSON(t *testing.T) { runKindCases(t, jsonCases, "testdata/kinds_json.golden") }
