package scrub

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/fuzzyduck/fuzzyduck/rules"
)

// valueKinds are the kinds a values file or the config may name: the
// rules' kinds (an index's markers show them), their aliases, and a few
// words for secrets no column holds. A kind is published in every
// marker, so only these words are: text before a TAB that is none of
// them may be part of a secret.
var valueKinds = append(append([]string{}, rules.Kinds...),
	"ip", "ipv4", "ipv6",
	"value", "password", "secret", "token", "credentials", "env", "host", "name", "note", "user")

// IsValueKind reports whether kind is one a values file or the config
// may name.
func IsValueKind(kind string) bool { return slices.Contains(valueKinds, kind) }

// ValueKinds lists them, for messages.
func ValueKinds() string { return strings.Join(valueKinds, ", ") }

// maxValueLine bounds a line of a values file.
const maxValueLine = 64 << 20

// LoadValues reads a plaintext value list, one value a line:
//   - "KIND<TAB>VALUE" when the text before the first TAB is a known kind
//     (IsValueKind); the value is the rest of the line, TABs and all;
//   - a line with a TAB whose first part is no kind is a value whole, and
//     what follows the TAB is one too: the line may be a secret that
//     holds a TAB, or a kind mistyped. The first part is never taken as
//     a kind (a kind is published in every marker and in the report);
//   - any other line is the value, whole;
//   - blank lines are skipped, and comments: "#" alone or followed by a
//     space or TAB ("#pQ8x" is a value).
//
// A trailing CR and a leading UTF-8 byte-order mark are dropped.
func LoadValues(path string) ([]Value, error) {
	vals, _, err := LoadValuesNoted(path)
	return vals, err
}

// LoadValuesNoted is LoadValues that also returns the numbers of the
// lines with a TAB whose first part is no kind, for a warning: a kind
// mistyped (red team scrubatk16's "apikey") makes the line a value
// whole, whose pieces hold the word ("the apikey suffix" lost its
// "apikey s").
func LoadValuesNoted(path string) ([]Value, []int, error) {
	var noKind []int
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("values: %w", err)
	}
	defer f.Close()
	var out []Value
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), maxValueLine)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Bytes()
		if n == 1 {
			line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf"))
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(bytes.TrimSpace(line)) == 0 || isComment(line) {
			continue
		}
		k, rest, ok := bytes.Cut(line, []byte("\t"))
		switch {
		case !ok:
			out = append(out, Value{Kind: "value", Text: string(line), Source: "values"})
		case IsValueKind(string(k)):
			if len(bytes.TrimSpace(rest)) == 0 {
				return nil, nil, fmt.Errorf("values %s:%d: no value after the kind", path, n)
			}
			out = append(out, Value{Kind: string(k), Text: string(rest), Source: "values"})
		default:
			noKind = append(noKind, n)
			out = append(out, Value{Kind: "value", Text: string(line), Source: "values"})
			if len(bytes.TrimSpace(rest)) > 0 {
				out = append(out, Value{Kind: "value", Text: string(rest), Source: "values"})
			}
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, nil, fmt.Errorf("values %s:%d: line longer than %d MB", path, n+1, maxValueLine>>20)
		}
		return nil, nil, fmt.Errorf("values %s: line %d: %w", path, n+1, err)
	}
	if len(out) == 0 {
		// Fail closed: the step that writes the file may have failed,
		// and scrubbing with nothing would publish the logs as they are.
		return nil, nil, fmt.Errorf("values %s: %w", path, ErrNoValues)
	}
	return out, noKind, nil
}

// ErrNoValues: a values file holds no value (only blank lines and
// comments, or nothing).
var ErrNoValues = errors.New("holds no values (an empty list would scrub nothing)")

// isComment: "#" alone or before a space or TAB.
func isComment(line []byte) bool {
	return len(line) > 0 && line[0] == '#' && (len(line) == 1 || line[1] == ' ' || line[1] == '\t')
}
