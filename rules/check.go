package rules

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Whether a rule names something real is decided by where its names are
// known: a table or column that no model and no dump given knows is a
// typo, an error naming the rules file's line and column and the nearest
// valid spelling; one that a model or the dump knows is fine; a rule for
// a table or column that this dump lacks (one set of rules serves dumps
// of one database or several, of older or newer releases) is a warning
// on this run.

// DumpTable is a table a dump defines.
type DumpTable struct {
	Database string // "" when the dump names no database
	Name     string
	Columns  []string
}

// DumpSchema is the tables of the dump the rules are used on.
type DumpSchema struct {
	Tables []DumpTable
}

// ValidationError lists every rule that names nothing known.
type ValidationError struct {
	Problems []string // each starts with file:line:column
}

func (e *ValidationError) Error() string { return strings.Join(e.Problems, "\n") }

// knownTable is what the models and the dump say about one table.
type knownTable struct {
	name string
	cols map[string]string // column key -> spelling
	open bool              // columns not all known
}

type knowledge struct {
	set    *Set
	tables map[string]*knownTable // table key
}

func (k *knowledge) table(name string) *knownTable {
	tk := k.set.TableKey(name)
	t := k.tables[tk]
	if t == nil {
		t = &knownTable{name: name, cols: map[string]string{}}
		k.tables[tk] = t
	}
	return t
}

// lookup finds a known table; shadow_<table> is known as <table> is.
func (k *knowledge) lookup(name string) (*knownTable, bool) {
	tk := k.set.TableKey(name)
	t, ok := k.tables[tk]
	if base, isShadow := cutPrefixFold(tk, "shadow_"); isShadow {
		if b, ok2 := k.tables[base]; ok2 {
			merged := &knownTable{name: name, cols: map[string]string{}, open: b.open}
			for ck, c := range b.cols {
				merged.cols[ck] = c
			}
			if ok {
				merged.open = merged.open || t.open
				for ck, c := range t.cols {
					merged.cols[ck] = c
				}
			}
			return merged, true
		}
	}
	return t, ok
}

func (k *knowledge) names() []string {
	var out []string
	for _, t := range k.tables {
		out = append(out, t.name)
	}
	sort.Strings(out)
	return out
}

// Validate checks every rule and every relation of the rules files
// against what the models (s.Tables) and the dump (nil: no dump given)
// know. It returns the warnings for this dump, or a *ValidationError.
// With neither models nor a dump there is nothing to check against.
func (s *Set) Validate(dump *DumpSchema) ([]string, error) {
	k := &knowledge{set: s, tables: map[string]*knownTable{}}
	for name, cols := range s.Tables {
		t := k.table(name)
		for _, c := range cols {
			t.cols[ColumnKey(c)] = c
		}
	}
	for name := range s.ColumnsUnknown {
		k.table(name).open = true
	}
	type dumpTable struct {
		cols map[string]bool
	}
	inDump := map[string]map[string]*dumpTable{} // database -> table key -> table
	named := false                               // the dump names its databases
	if dump != nil {
		for _, dt := range dump.Tables {
			t := k.table(dt.Name)
			db := s.TableKey(dt.Database)
			if dt.Database != "" {
				named = true
			}
			if inDump[db] == nil {
				inDump[db] = map[string]*dumpTable{}
			}
			d := inDump[db][s.TableKey(dt.Name)]
			if d == nil {
				d = &dumpTable{cols: map[string]bool{}}
				inDump[db][s.TableKey(dt.Name)] = d
			}
			for _, c := range dt.Columns {
				t.cols[ColumnKey(c)] = c
				d.cols[ColumnKey(c)] = true
			}
		}
	}
	if len(k.tables) == 0 && dump == nil {
		return nil, nil
	}
	where := "in no model and not in the dump"
	switch {
	case dump == nil:
		where = "in no model (give --dump to check it against a dump that has it)"
	case len(s.Tables) == 0 && len(s.ColumnsUnknown) == 0:
		where = "not in the dump"
	}
	var problems, warnings []string
	type missingTable struct{ src, name string }
	var missing []missingTable
	warned := map[string]bool{}
	warn := func(key, msg string) {
		if !warned[key] {
			warned[key] = true
			warnings = append(warnings, msg)
		}
	}
	// dumpHas reports whether the dump's tables for a rule's database
	// (every database for a rule for all) have table.column.
	dumpHas := func(db, table, column string) (hasTable, hasColumn bool) {
		var dbs []string
		if db != "" && named {
			dbs = []string{s.TableKey(db)}
		} else {
			for d := range inDump {
				dbs = append(dbs, d)
			}
		}
		tk, ck := s.TableKey(table), ColumnKey(column)
		base, isShadow := cutPrefixFold(tk, "shadow_")
		for _, d := range dbs {
			t := inDump[d][tk]
			if t == nil && isShadow {
				t = inDump[d][base]
				if t != nil {
					continue // the twin itself is what a dump lacks
				}
			}
			if t == nil {
				continue
			}
			hasTable = true
			if column == "" || t.cols[ck] {
				hasColumn = true
			}
		}
		return hasTable, hasColumn
	}
	check := func(db, table, column, src, tsrc string) {
		if tsrc == "" {
			tsrc = src
		}
		t, ok := k.lookup(table)
		if !ok {
			if key := "t " + tsrc + " " + s.TableKey(table); !warned[key] {
				warned[key] = true
				problems = append(problems, fmt.Sprintf("%s: table %s is %s%s", tsrc, table, where, suggest(table, k.names())))
			}
			return
		}
		if column != "" && !t.open {
			if _, ok := t.cols[ColumnKey(column)]; !ok {
				var cols []string
				for _, c := range t.cols {
					cols = append(cols, c)
				}
				problems = append(problems, fmt.Sprintf("%s: %s.%s: table %s has no column %s in the models or the dump%s", src, table, column, table, column, suggest(column, cols)))
				return
			}
		}
		if dump == nil {
			return
		}
		label := table
		if db != "" && named {
			label = db + "." + table
			if inDump[s.TableKey(db)] == nil {
				at := tsrc
				if d := s.Database(db); d != nil && d.source != "" {
					at = d.source
				}
				warn("db "+db, fmt.Sprintf("%s: database %s: this dump does not have it (its rules are not used)", at, db))
				return
			}
		}
		hasTable, hasColumn := dumpHas(db, table, column)
		switch {
		case !hasTable:
			if key := "t " + db + "." + s.TableKey(table); !warned[key] {
				warned[key] = true
				missing = append(missing, missingTable{tsrc, label})
			}
		case !hasColumn:
			warn("c "+db+"."+s.TableKey(table)+"."+ColumnKey(column), fmt.Sprintf("%s: rule for %s.%s: this dump's table %s has no column %s", src, label, column, label, column))
		}
	}
	for _, r := range s.All() {
		if r.Via != "" {
			continue
		}
		check(r.Database, r.Table, r.Column, r.Source, r.TableSource)
	}
	for _, rel := range s.Relations {
		if !rel.Implicit {
			continue
		}
		for _, c := range rel.Columns {
			check("", rel.Table, c, rel.Source, rel.Source)
		}
		for _, c := range rel.RefColumns {
			check("", rel.RefTable, c, rel.Source, rel.Source)
		}
	}
	// A dump that names no database gets every section's rules: sections
	// must not disagree on a column it has.
	if dump != nil && !named && len(s.Databases) > 1 {
		type seen struct {
			r  *Rule
			db string
		}
		first := map[string]seen{}
		for _, db := range s.sectionNames() {
			for _, r := range s.Databases[db].own() {
				key := s.TableKey(r.Table) + "." + ColumnKey(r.Column)
				if s.here(r.Table, r.Column) != nil {
					continue
				}
				if f, ok := first[key]; ok && !f.r.Kind.Equal(r.Kind) {
					if hasTable, hasColumn := dumpHas("", r.Table, r.Column); hasTable && hasColumn {
						problems = append(problems, fmt.Sprintf("%s: %s.%s: databases %s and %s (%s) give it different kinds, and this dump names no database: dump with mariadb-dump --databases so that each section applies to its own", r.Source, r.Table, r.Column, f.db, r.Database, f.r.Source))
					}
					continue
				}
				if _, ok := first[key]; !ok {
					first[key] = seen{r, r.Database}
				}
			}
		}
	}
	if len(problems) > 0 {
		sortBySource(problems)
		return nil, &ValidationError{Problems: problems}
	}
	// Tables this dump lacks: one warning each, or one for them all when
	// the rules cover other databases too (a dump of one of several).
	if len(missing) <= 5 {
		for _, m := range missing {
			warnings = append(warnings, fmt.Sprintf("%s: rules name table %s, which this dump does not have", m.src, m.name))
		}
	} else {
		srcs := make([]string, len(missing))
		for i, m := range missing {
			srcs[i] = m.src + ": " + m.name
		}
		sortBySource(srcs)
		names := make([]string, len(srcs))
		for i, m := range srcs {
			_, names[i], _ = strings.Cut(m, ": ")
		}
		first, _, _ := strings.Cut(srcs[0], ": ")
		warnings = append(warnings, fmt.Sprintf("%s: rules name %d tables this dump does not have (their rules are not used): %s", first, len(missing), strings.Join(names, ", ")))
	}
	sortBySource(warnings)
	return warnings, nil
}

// sortBySource orders messages by their file:line:column prefix, lines
// and columns compared as numbers.
func sortBySource(msgs []string) {
	key := func(m string) (string, int, int) {
		head, _, _ := strings.Cut(m, ": ")
		parts := strings.Split(head, ":")
		if len(parts) < 3 {
			return head, 0, 0
		}
		line, _ := strconv.Atoi(parts[len(parts)-2])
		col, _ := strconv.Atoi(parts[len(parts)-1])
		return strings.Join(parts[:len(parts)-2], ":"), line, col
	}
	sort.SliceStable(msgs, func(i, j int) bool {
		fi, li, ci := key(msgs[i])
		fj, lj, cj := key(msgs[j])
		if fi != fj {
			return fi < fj
		}
		if li != lj {
			return li < lj
		}
		return ci < cj
	})
}
