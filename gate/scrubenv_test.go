package gate

import (
	"strings"
	"testing"
)

// TestScrubEnvValues: a scrub_env variable that is set gives its value to
// the scrubber; one that is not set is an error naming the variable (a
// typo must not leave the real secret unscrubbed); a set but empty one
// has nothing to scrub.
func TestScrubEnvValues(t *testing.T) {
	env := map[string]string{"OS_PASSWORD": "Tr0ub4dor&3x", "EMPTY": ""}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	for _, tc := range []struct {
		names   []string
		want    []string
		wantErr string
	}{
		{names: nil},
		{names: []string{"OS_PASSWORD"}, want: []string{"Tr0ub4dor&3x"}},
		{names: []string{"EMPTY"}},
		{names: []string{"OS_PASSWORD", "OS_PASWORD"}, wantErr: "OS_PASWORD is not set"},
	} {
		vals, err := scrubEnvValues(tc.names, lookup)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%v: error %v, want %q", tc.names, err, tc.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), env["OS_PASSWORD"]) {
				t.Errorf("%v: the error quotes a value: %v", tc.names, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%v: %v", tc.names, err)
			continue
		}
		var got []string
		for _, v := range vals {
			if v.Kind != "env" || v.Source != "run" {
				t.Errorf("%v: value of kind %q from %q", tc.names, v.Kind, v.Source)
			}
			got = append(got, v.Text)
		}
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("%v: values %q, want %q", tc.names, got, tc.want)
		}
	}
}
