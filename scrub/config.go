package scrub

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"regexp/syntax"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Config is the scrub configuration file:
//
//	min_length: 8            # shorter values match only as whole tokens
//	env: [OS_PASSWORD]       # environment variables whose values are secret
//	values:                  # literal secrets
//	  - s3cr3t
//	  - {kind: hostname, text: db1.internal}
//	patterns:                # extra regular expressions (group 1 if any)
//	  - {name: ticket, regex: 'TICKET-[0-9]+'}
//
// It is read from YAML nodes, not decoded into a struct: yaml's own
// messages quote what they could not decode (a secret's first
// characters), and its struct decoding takes unknown keys of an entry
// silently. Every error here names file:line:column and what was
// expected, never the text.
type Config struct {
	MinLength int
	Env       []EnvName
	Values    []Value
	Patterns  []Pattern
	path      string // for Apply's errors
}

// EnvName is an environment variable the config names, and where.
type EnvName struct {
	Name      string
	Line, Col int
}

// ConfigError is a mistake in a scrub config: where, and what was wanted.
type ConfigError struct {
	Path      string
	Line, Col int // 0 when unknown
	Msg       string
}

func (e *ConfigError) Error() string {
	switch {
	case e.Line > 0 && e.Col > 0:
		return fmt.Sprintf("scrub config %s:%d:%d: %s", e.Path, e.Line, e.Col, e.Msg)
	case e.Line > 0:
		return fmt.Sprintf("scrub config %s:%d: %s", e.Path, e.Line, e.Msg)
	}
	return fmt.Sprintf("scrub config %s: %s", e.Path, e.Msg)
}

// LoadConfig reads a scrub configuration file.
func LoadConfig(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("scrub config: %w", err)
	}
	return ParseConfig(path, b)
}

// ParseConfig reads a scrub configuration from b (path names it in
// errors).
func ParseConfig(path string, b []byte) (*Config, error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return &Config{path: path}, nil
		}
		return nil, yamlSyntaxError(path, err)
	}
	var more yaml.Node
	if err := dec.Decode(&more); !errors.Is(err, io.EOF) {
		if err != nil {
			return nil, yamlSyntaxError(path, err)
		}
		return nil, &ConfigError{path, more.Line, more.Column, "a second YAML document: the config is one"}
	}
	p := configParser{path: path}
	c, err := p.config(&doc)
	if err != nil {
		return nil, err
	}
	return c, nil
}

var yamlLineRe = regexp.MustCompile(`^yaml: line ([0-9]+): (.*)$`)

// yamlSyntaxError keeps of yaml's message the line and the problem when
// it quotes nothing (a problem like "unknown anchor 'x' referenced"
// quotes the text).
func yamlSyntaxError(path string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if m := yamlLineRe.FindStringSubmatch(err.Error()); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
	}
	if strings.ContainsAny(msg, "'\"`\n") {
		msg = "not valid YAML"
	} else {
		msg = "not valid YAML: " + msg
	}
	return &ConfigError{Path: path, Line: line, Msg: msg}
}

type configParser struct{ path string }

func (p *configParser) fail(n *yaml.Node, format string, args ...any) error {
	return &ConfigError{p.path, n.Line, n.Column, fmt.Sprintf(format, args...)}
}

// deref follows aliases (a config may reuse an anchored value).
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; i < 8 && n.Kind == yaml.AliasNode && n.Alias != nil; i++ {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" }

// mapping walks a mapping's keys (each one of known, at most once).
func (p *configParser) mapping(n *yaml.Node, what string, known []string, fn func(key string, k, v *yaml.Node) error) error {
	if n.Kind != yaml.MappingNode {
		return p.fail(n, "%s: want a mapping of %s", what, strings.Join(known, ", "))
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), deref(n.Content[i+1])
		if k.Kind != yaml.ScalarNode || !slices.Contains(known, k.Value) {
			return p.fail(k, "%s: unknown key (want %s)", what, strings.Join(known, ", "))
		}
		if seen[k.Value] {
			return p.fail(k, "%s: %s given twice", what, k.Value)
		}
		seen[k.Value] = true
		if err := fn(k.Value, k, v); err != nil {
			return err
		}
	}
	return nil
}

// sequence walks a sequence's items.
func (p *configParser) sequence(n *yaml.Node, what string, fn func(i int, item *yaml.Node) error) error {
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		return p.fail(n, "%s: want a list", what)
	}
	for i, item := range n.Content {
		if err := fn(i, deref(item)); err != nil {
			return err
		}
	}
	return nil
}

// text is a scalar's text as written: a plain, quoted or block string,
// or one YAML would read as a number, a boolean or a date (a secret may
// look like one). Null, binary and custom tags are refused.
func (p *configParser) text(n *yaml.Node, what string) (string, error) {
	if n.Kind != yaml.ScalarNode {
		return "", p.fail(n, "%s: want a string", what)
	}
	switch n.ShortTag() {
	case "!!str", "!!int", "!!float", "!!bool", "!!timestamp":
	case "!!null":
		return "", p.fail(n, "%s: empty (null); want a string", what)
	default:
		return "", p.fail(n, "%s: want a plain string (this tag is not supported)", what)
	}
	return n.Value, nil
}

func (p *configParser) config(doc *yaml.Node) (*Config, error) {
	c := &Config{path: p.path}
	top := doc
	if top.Kind == yaml.DocumentNode {
		if len(top.Content) == 0 {
			return c, nil
		}
		top = deref(top.Content[0])
	}
	if isNull(top) {
		return c, nil
	}
	err := p.mapping(top, "the config", []string{"min_length", "env", "values", "patterns"}, func(key string, k, v *yaml.Node) error {
		switch key {
		case "min_length":
			return p.minLength(c, v)
		case "env":
			return p.sequence(v, "env", func(i int, item *yaml.Node) error {
				what := fmt.Sprintf("env[%d]", i)
				name, err := p.text(item, what)
				if err != nil {
					return err
				}
				if !envNameRe.MatchString(name) {
					return p.fail(item, "%s: want an environment variable's name (letters, digits, _)", what)
				}
				c.Env = append(c.Env, EnvName{name, item.Line, item.Column})
				return nil
			})
		case "values":
			return p.sequence(v, "values", func(i int, item *yaml.Node) error {
				val, err := p.value(item, fmt.Sprintf("values[%d]", i))
				if err == nil {
					c.Values = append(c.Values, val)
				}
				return err
			})
		default: // patterns
			return p.sequence(v, "patterns", func(i int, item *yaml.Node) error {
				pat, err := p.pattern(item, fmt.Sprintf("patterns[%d]", i))
				if err == nil {
					c.Patterns = append(c.Patterns, pat)
				}
				return err
			})
		}
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

var envNameRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func (p *configParser) minLength(c *Config, v *yaml.Node) error {
	n, err := strconv.Atoi(v.Value)
	if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!int" || err != nil || n < 1 || n > maxMinLength {
		return p.fail(v, "min_length: want a whole number from 1 to %d", maxMinLength)
	}
	c.MinLength = n
	return nil
}

// maxMinLength bounds min_length and --min-length.
const maxMinLength = 1000

// value is an entry of values: a string, or {kind: K, text: T}.
func (p *configParser) value(n *yaml.Node, what string) (Value, error) {
	val := Value{Kind: "value", Source: "config"}
	if n.Kind == yaml.ScalarNode {
		t, err := p.text(n, what)
		val.Text = t
		if err == nil && strings.TrimSpace(t) == "" {
			err = p.fail(n, "%s: empty value", what)
		}
		return val, err
	}
	hasText := false
	err := p.mapping(n, what, []string{"kind", "text"}, func(key string, k, v *yaml.Node) error {
		t, err := p.text(v, what+"."+key)
		if err != nil {
			return err
		}
		if key == "kind" {
			if !IsValueKind(t) {
				return p.fail(v, "%s.kind: not a kind (known: %s)", what, ValueKinds())
			}
			val.Kind = t
			return nil
		}
		if strings.TrimSpace(t) == "" {
			return p.fail(v, "%s.text: empty value", what)
		}
		val.Text, hasText = t, true
		return nil
	})
	if err == nil && !hasText {
		err = p.fail(n, "%s: no text (want {kind: K, text: VALUE})", what)
	}
	return val, err
}

var markerKindRe = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)

// pattern is an entry of patterns: {name: N, regex: R}.
func (p *configParser) pattern(n *yaml.Node, what string) (Pattern, error) {
	pat := Pattern{Name: "pattern"}
	var reNode *yaml.Node
	err := p.mapping(n, what, []string{"name", "regex"}, func(key string, k, v *yaml.Node) error {
		t, err := p.text(v, what+"."+key)
		if err != nil {
			return err
		}
		if key == "name" {
			if !markerKindRe.MatchString(t) {
				return p.fail(v, "%s.name: want letters, digits, '_', '.' or '-' (it is shown in markers)", what)
			}
			pat.Name = t
			return nil
		}
		re, err := regexp.Compile(t)
		if err != nil {
			// The syntax error's code only: its Expr quotes the regexp.
			msg := "not a valid regular expression"
			var se *syntax.Error
			if errors.As(err, &se) {
				msg += ": " + se.Code.String()
			}
			return p.fail(v, "%s.regex: %s", what, msg)
		}
		pat.Re, reNode = re, v
		return nil
	})
	if err == nil && reNode == nil {
		err = p.fail(n, "%s: no regex (want {name: N, regex: R})", what)
	}
	return pat, err
}

// Apply adds the configuration's values, environment secrets and patterns
// to opts. A variable the config names that is not set is an error: the
// secret it stands for could not be scrubbed.
func (c *Config) Apply(opts *Options) error {
	if c.MinLength > 0 {
		opts.MinLength = c.MinLength
	}
	opts.Values = append(opts.Values, c.Values...)
	for _, e := range c.Env {
		val, ok := os.LookupEnv(e.Name)
		if !ok {
			return &ConfigError{c.path, e.Line, e.Col, "env: this variable is not set, so the secret it holds cannot be scrubbed"}
		}
		if val != "" {
			opts.Values = append(opts.Values, Value{Kind: "env", Text: val, Source: "run"})
		}
	}
	opts.Patterns = append(opts.Patterns, c.Patterns...)
	return nil
}
