package scale

import (
	"fmt"
	"slices"
	"strings"

	"github.com/fuzzyduck/fuzzyduck/rules"
)

// resolveRelations gathers the dump's FOREIGN KEYs, the rules' relations
// (models and rules files) and the shadow twins' mirrors of all of them.
func (p *Plan) resolveRelations() {
	p.relations = []*relation{}
	type raw struct {
		rules.Relation
		fromDump bool
	}
	var all []raw
	for _, t := range p.order {
		for _, fk := range t.schema.ForeignKeys {
			all = append(all, raw{rules.Relation{Table: tkey(t.db, t.name), Columns: fk.Columns, RefTable: tkey(t.db, fk.RefTable), RefColumns: fk.RefColumns, Source: "FOREIGN KEY " + fk.Name}, true})
		}
	}
	// Rules name tables without a database: they hold in every database
	// that has the tables.
	var dbs []string
	for _, t := range p.order {
		if !slices.Contains(dbs, t.db) {
			dbs = append(dbs, t.db)
		}
	}
	for _, rel := range p.opts.Rules.Relations {
		for _, db := range dbs {
			r := rel
			r.Table, r.RefTable = tkey(db, rel.Table), tkey(db, rel.RefTable)
			if p.tables[r.Table] == nil {
				continue
			}
			if p.tables[r.RefTable] == nil {
				// Across databases (Nova's API database maps the
				// instances of its cell database): the one other
				// database that has the table.
				if other := p.tableElsewhere(db, rel.RefTable); other != nil {
					r.RefTable = tkey(other.db, other.name)
				}
			}
			all = append(all, raw{r, false})
		}
	}
	// shadow twins: shadow_a.c -> shadow_b.k mirrors a.c -> b.k
	n := len(all)
	for i := 0; i < n; i++ {
		rel := all[i]
		cdb, cname := splitKey(rel.Table)
		pdb, pname := splitKey(rel.RefTable)
		if strings.HasPrefix(cname, "shadow_") {
			continue
		}
		sc, sp := p.tables[tkey(cdb, "shadow_"+cname)], p.tables[tkey(pdb, "shadow_"+pname)]
		if sc != nil && sp != nil {
			m := rel
			m.Table, m.RefTable, m.Implicit, m.Source = tkey(sc.db, sc.name), tkey(sp.db, sp.name), true, "shadow twin of "+rel.String()
			all = append(all, m)
		}
	}
	seen := map[string]bool{}
	for _, rr := range all {
		key := rr.String()
		if seen[key] {
			continue
		}
		seen[key] = true
		child, parent := p.tables[rr.Table], p.tables[rr.RefTable]
		_, refName := splitKey(rr.RefTable)
		if child == nil {
			continue // relations of tables this dump does not hold (models cover several databases)
		}
		if parent == nil {
			if rr.fromDump {
				p.err(fmt.Errorf("table %s references table %s (%s), which the dump does not have", child.name, refName, rr.Source))
			} else {
				p.Warnings = append(p.Warnings, fmt.Sprintf("relation %s: table %s is not in the dump; ignored", relName(rr.Relation), refName))
			}
			continue
		}
		cc, err1 := colIndexes(child, rr.Columns)
		pc, err2 := colIndexes(parent, rr.RefColumns)
		if err1 != nil || err2 != nil || len(cc) != len(pc) {
			if !rr.fromDump {
				// One rules file serves several databases whose tables
				// share names but not columns (Nova's main and API).
				p.Warnings = append(p.Warnings, fmt.Sprintf("relation %s does not fit %s; ignored there", relName(rr.Relation), child.label()))
				continue
			}
			p.err(fmt.Errorf("relation %s (%s): columns do not match", relName(rr.Relation), rr.Source))
			continue
		}
		rel := &relation{child: child, parent: parent, ccols: cc, pcols: pc, name: relName(rr.Relation), implicit: rr.Implicit}
		p.relations = append(p.relations, rel)
		child.parents = append(child.parents, rel)
		parent.kids = append(parent.kids, rel)
	}
	// A relation must end at columns pass 1 kept.
	for _, rel := range p.relations {
		for _, c := range rel.pcols {
			if rel.parent.rows > 0 && rel.parent.vals[c] == nil {
				p.err(fmt.Errorf("relation %s: %s.%s is not a primary or unique key; duckface follows references to keys only", rel.name, rel.parent.name, rel.parent.schema.Columns[c].Name))
			}
		}
	}
}

// tableElsewhere is the table named name in a database other than db,
// when exactly one has it.
func (p *Plan) tableElsewhere(db, name string) *table {
	var found *table
	for _, t := range p.order {
		if t.db != db && t.name == name {
			if found != nil {
				return nil
			}
			found = t
		}
	}
	return found
}

// checkCycles rejects references that loop through several tables
// (self-references are fine: a row's parent is copied or kept with it).
func (p *Plan) checkCycles() error {
	state := map[*table]int{}
	var stack []string
	var visit func(t *table) error
	visit = func(t *table) error {
		state[t] = 1
		stack = append(stack, t.name)
		for _, rel := range t.parents {
			if rel.parent == t {
				continue
			}
			switch state[rel.parent] {
			case 1:
				return fmt.Errorf("tables reference each other in a cycle (%s -> %s): duckface cannot keep such a cycle valid; declare one of the references away in the rules", strings.Join(stack, " -> "), rel.parent.name)
			case 0:
				if err := visit(rel.parent); err != nil {
					return err
				}
			}
		}
		stack = stack[:len(stack)-1]
		state[t] = 2
		return nil
	}
	for _, t := range p.order {
		if state[t] == 0 {
			if err := visit(t); err != nil {
				return err
			}
		}
	}
	return nil
}

// firstParent is the relation whose families a table's rows follow: one
// whose columns hold a unique key (a row per parent row: Nova's
// instance_mappings per instance), else the first. A row that followed
// another parent could be copied more often than the row its unique
// reference names, and two copies would name the same row.
func firstParent(t *table) *relation {
	var first *relation
	for _, rel := range t.parents {
		if rel.parent == t {
			continue
		}
		if first == nil {
			first = rel
		}
		for _, k := range t.unique {
			if len(k) > 0 && containsAll(rel.ccols, k) {
				return rel
			}
		}
	}
	return first
}

func containsAll(set, sub []int) bool {
	for _, c := range sub {
		if !slices.Contains(set, c) {
			return false
		}
	}
	return true
}

// topo orders tables parents first.
func (p *Plan) topo() []*table {
	var out []*table
	done := map[*table]bool{}
	var visit func(t *table)
	visit = func(t *table) {
		if done[t] {
			return
		}
		done[t] = true
		for _, rel := range t.parents {
			if rel.parent != t {
				visit(rel.parent)
			}
		}
		out = append(out, t)
	}
	for _, t := range p.order {
		visit(t)
	}
	return out
}
