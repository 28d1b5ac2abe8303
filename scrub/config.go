package scrub

import (
	"bufio"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"

	"github.com/go-sql-driver/mysql"
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
type Config struct {
	MinLength int         `yaml:"min_length"`
	Env       []string    `yaml:"env"`
	Values    []yamlValue `yaml:"values"`
	Patterns  []struct {
		Name  string `yaml:"name"`
		Regex string `yaml:"regex"`
	} `yaml:"patterns"`
}

type yamlValue struct {
	Kind string `yaml:"kind"`
	Text string `yaml:"text"`
}

func (v *yamlValue) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		v.Kind, v.Text = "value", n.Value
		return nil
	}
	type plain yamlValue
	return n.Decode((*plain)(v))
}

// LoadConfig reads a scrub configuration file.
func LoadConfig(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("scrub config: %w", err)
	}
	var c Config
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("scrub config %s: %w", path, err)
	}
	return &c, nil
}

// Apply adds the configuration's values, environment secrets and patterns
// to opts.
func (c *Config) Apply(opts *Options) error {
	if c.MinLength > 0 {
		opts.MinLength = c.MinLength
	}
	for _, v := range c.Values {
		kind := v.Kind
		if kind == "" {
			kind = "value"
		}
		opts.Values = append(opts.Values, Value{Kind: kind, Text: v.Text, Source: "config"})
	}
	for _, name := range c.Env {
		if val := os.Getenv(name); val != "" {
			opts.Values = append(opts.Values, Value{Kind: "env", Text: val, Source: "run"})
		}
	}
	for _, p := range c.Patterns {
		re, err := regexp.Compile(p.Regex)
		if err != nil {
			return fmt.Errorf("scrub config: pattern %s: %w", p.Name, err)
		}
		name := p.Name
		if name == "" {
			name = "pattern"
		}
		opts.Patterns = append(opts.Patterns, Pattern{Name: name, Re: re})
	}
	return nil
}

// LoadValues reads a plaintext value list: one value per line, or
// "kind<TAB>value"; blank lines and lines starting with # are skipped.
func LoadValues(path string) ([]Value, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("values: %w", err)
	}
	defer f.Close()
	var out []Value
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		kind, text, ok := strings.Cut(line, "\t")
		if !ok {
			kind, text = "value", line
		}
		out = append(out, Value{Kind: kind, Text: text, Source: "values"})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("values %s: %w", path, err)
	}
	return out, nil
}

// RunSecrets are the secrets of the run itself: the database password and
// user from the DSN (a go-sql-driver DSN or a URL), and this machine's
// host name. They are always scrubbed.
func RunSecrets(dsn string) []Value {
	var out []Value
	if dsn != "" {
		if cfg, err := mysql.ParseDSN(dsn); err == nil {
			if cfg.Passwd != "" {
				out = append(out, Value{Kind: "password", Text: cfg.Passwd, Source: "run"})
			}
		} else if u, err := url.Parse(dsn); err == nil && u.User != nil {
			if p, ok := u.User.Password(); ok && p != "" {
				out = append(out, Value{Kind: "password", Text: p, Source: "run"})
			}
		}
	}
	if h, err := os.Hostname(); err == nil && h != "" && h != "localhost" {
		out = append(out, Value{Kind: "hostname", Text: h, Source: "run"})
		if short, _, ok := strings.Cut(h, "."); ok && len(short) >= 4 {
			out = append(out, Value{Kind: "hostname", Text: short, Source: "run"})
		}
	}
	return out
}
