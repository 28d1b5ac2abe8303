package modelmarkup

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// distPackages is where Debian installs the python3-<project> packages.
const distPackages = "/usr/lib/python3/dist-packages"

// saProject is one project's models: the files fuzzy is given and the
// modules SQLAlchemy imports for the same tables. Sibling modules with
// bases, helpers and tables (octavia's base_models declares tags;
// mistral's model_base, buildbot's sautils) are found beside the given
// files; sahara's model_base is also given, as a user may.
type saProject struct {
	name    string
	pkg     string   // the Debian package that holds it
	files   []string // relative to distPackages
	modules []string
}

// saProjects are the models of the projects Debian packages. scripts/
// install-deps.sh installs them; a missing one fails the test.
var saProjects = []saProject{
	{"aodh", "python3-aodh", []string{"aodh/storage/sqlalchemy/models.py"}, []string{"aodh.storage.sqlalchemy.models"}},
	{"barbican", "python3-barbican", []string{"barbican/model/models.py"}, []string{"barbican.model.models"}},
	{"cinder", "python3-cinder", []string{"cinder/db/sqlalchemy/models.py"}, []string{"cinder.db.sqlalchemy.models"}},
	{"cloudkitty", "python3-cloudkitty", []string{
		"cloudkitty/db/sqlalchemy/models.py",
		"cloudkitty/rating/hash/db/sqlalchemy/models.py",
		"cloudkitty/rating/pyscripts/db/sqlalchemy/models.py",
		"cloudkitty/storage/v1/hybrid/models.py",
		"cloudkitty/storage/v1/sqlalchemy/models.py",
		"cloudkitty/storage_state/models.py",
	}, []string{
		"cloudkitty.db.sqlalchemy.models",
		"cloudkitty.rating.hash.db.sqlalchemy.models",
		"cloudkitty.rating.pyscripts.db.sqlalchemy.models",
		"cloudkitty.storage.v1.hybrid.models",
		"cloudkitty.storage.v1.sqlalchemy.models",
		"cloudkitty.storage_state.models",
	}},
	{"designate", "python3-designate", []string{"designate/storage/impl_sqlalchemy/tables.py"}, []string{"designate.storage.impl_sqlalchemy.tables"}},
	{"glance", "python3-glance", []string{"glance/db/sqlalchemy/models.py", "glance/db/sqlalchemy/models_metadef.py"}, []string{"glance.db.sqlalchemy.models", "glance.db.sqlalchemy.models_metadef"}},
	{"gnocchi", "python3-gnocchi", []string{"gnocchi/indexer/sqlalchemy_base.py"}, []string{"gnocchi.indexer.sqlalchemy_base"}},
	{"heat", "python3-heat", []string{"heat/db/sqlalchemy/models.py"}, []string{"heat.db.sqlalchemy.models"}},
	{"ironic", "python3-ironic", []string{"ironic/db/sqlalchemy/models.py"}, []string{"ironic.db.sqlalchemy.models"}},
	{"magnum", "python3-magnum", []string{"magnum/db/sqlalchemy/models.py"}, []string{"magnum.db.sqlalchemy.models"}},
	{"manila", "python3-manila", []string{"manila/db/sqlalchemy/models.py"}, []string{"manila.db.sqlalchemy.models"}},
	{"masakari", "python3-masakari", []string{"masakari/db/sqlalchemy/models.py"}, []string{"masakari.db.sqlalchemy.models"}},
	{"mistral", "python3-mistral", []string{"mistral/db/v2/sqlalchemy/models.py"}, []string{"mistral.db.v2.sqlalchemy.models"}},
	{"murano", "python3-murano", []string{"murano/db/models.py", "murano/db/cfapi_models.py"}, []string{"murano.db.models", "murano.db.cfapi_models"}},
	{"nova-main", "python3-nova", []string{"nova/db/main/models.py"}, []string{"nova.db.main.models"}},
	{"nova-api", "python3-nova", []string{"nova/db/api/models.py"}, []string{"nova.db.api.models"}},
	{"octavia", "python3-octavia", []string{"octavia/db/models.py"}, []string{"octavia.db.models"}},
	{"placement", "python3-placement", []string{"placement/db/sqlalchemy/models.py"}, []string{"placement.db.sqlalchemy.models"}},
	{"sahara", "python3-sahara", []string{"sahara/db/sqlalchemy/model_base.py", "sahara/db/sqlalchemy/models.py"}, []string{"sahara.db.sqlalchemy.models"}},
	{"senlin", "python3-senlin", []string{"senlin/db/sqlalchemy/models.py"}, []string{"senlin.db.sqlalchemy.models"}},
	{"vitrage", "python3-vitrage", []string{"vitrage/storage/sqlalchemy/models.py"}, []string{"vitrage.storage.sqlalchemy.models"}},
	{"watcher", "python3-watcher", []string{"watcher/db/sqlalchemy/models.py"}, []string{"watcher.db.sqlalchemy.models"}},
	{"zaqar", "python3-zaqar", []string{"zaqar/storage/sqlalchemy/tables.py"}, []string{"zaqar.storage.sqlalchemy.tables"}},
	{"buildbot", "buildbot", []string{"buildbot/db/model.py"}, []string{"buildbot.db.model"}},
}

// TestSQLAlchemyProjects reads each project's real models as text and
// compares every table, column (name, primary key) and foreign key with
// what SQLAlchemy itself maps when Debian's python3 imports them.
func TestSQLAlchemyProjects(t *testing.T) {
	python := "/usr/bin/python3"
	if _, err := os.Stat(python); err != nil {
		t.Fatalf("Debian's python3 is needed to import the models: %v", err)
	}
	script, err := filepath.Abs("testdata/samodels.py")
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, p := range saProjects {
		t.Run(p.name, func(t *testing.T) {
			var files []string
			for _, f := range p.files {
				path := filepath.Join(distPackages, f)
				if _, err := os.Stat(path); err != nil {
					t.Fatalf("%s is missing: install Debian's %s (scripts/install-deps.sh does)", path, p.pkg)
				}
				files = append(files, path)
			}
			cmd := exec.Command(python, append([]string{script}, p.modules...)...)
			cmd.Dir = t.TempDir()
			cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1", "PYTHONPATH=")
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("python3 %s %s: %v\n%s", script, strings.Join(p.modules, " "), err, stderr.String())
			}
			var want []ModelJSON
			if err := json.Unmarshal(out, &want); err != nil {
				t.Fatal(err)
			}
			_, models, err := Load(files...)
			if err != nil {
				t.Fatalf("fuzzy cannot read %s's models: %v", p.name, err)
			}
			diffs := compareModels(want, JSON(models))
			total += len(diffs)
			for _, d := range diffs {
				t.Error(d)
			}
			t.Logf("%s: %d tables, %d differences", p.name, len(want), len(diffs))
		})
	}
	t.Logf("%d projects, %d differences in all", len(saProjects), total)
}

// compareModels lists every difference between SQLAlchemy's tables and
// fuzzy's reading: tables, columns, primary keys and foreign keys missed
// or invented. A table declared twice (in two MetaData) must be read
// twice; each of SQLAlchemy's is paired with the reading closest to it.
func compareModels(sa, fz []ModelJSON) []string {
	group := func(ms []ModelJSON) map[string][]ModelJSON {
		out := map[string][]ModelJSON{}
		for _, m := range ms {
			out[m.Table] = append(out[m.Table], m)
		}
		return out
	}
	want, got := group(sa), group(fz)
	var diffs []string
	for _, name := range sortedKeys(want) {
		ws, gs := want[name], append([]ModelJSON(nil), got[name]...)
		if len(gs) == 0 {
			diffs = append(diffs, fmt.Sprintf("table %s: missed", name))
			continue
		}
		if len(gs) != len(ws) {
			diffs = append(diffs, fmt.Sprintf("table %s: declared %d times, read %d times", name, len(ws), len(gs)))
		}
		for _, w := range ws {
			if len(gs) == 0 {
				break
			}
			best, bestDiffs := 0, []string(nil)
			for i, g := range gs {
				d := compareTable(name, w, g)
				if i == 0 || len(d) < len(bestDiffs) {
					best, bestDiffs = i, d
				}
			}
			diffs = append(diffs, bestDiffs...)
			gs = append(gs[:best], gs[best+1:]...)
		}
	}
	for _, name := range sortedKeys(got) {
		if _, ok := want[name]; !ok {
			g := got[name][0]
			diffs = append(diffs, fmt.Sprintf("table %s: invented (%s:%d)", name, g.File, g.Line))
		}
	}
	return diffs
}

func compareTable(name string, w, g ModelJSON) []string {
	var diffs []string
	wc, gc := columnSet(w), columnSet(g)
	for _, c := range sortedKeys(wc) {
		if gpk, ok := gc[c]; !ok {
			diffs = append(diffs, fmt.Sprintf("table %s column %s: missed", name, c))
		} else if gpk != wc[c] {
			diffs = append(diffs, fmt.Sprintf("table %s column %s: primary key %v, SQLAlchemy says %v", name, c, gpk, wc[c]))
		}
	}
	for _, c := range sortedKeys(gc) {
		if _, ok := wc[c]; !ok {
			diffs = append(diffs, fmt.Sprintf("table %s column %s: invented", name, c))
		}
	}
	wf, gf := fkSet(w), fkSet(g)
	for _, f := range sortedKeys(wf) {
		if !gf[f] {
			diffs = append(diffs, fmt.Sprintf("table %s foreign key %s: missed", name, f))
		}
	}
	for _, f := range sortedKeys(gf) {
		if !wf[f] {
			diffs = append(diffs, fmt.Sprintf("table %s foreign key %s: invented", name, f))
		}
	}
	return diffs
}

func columnSet(m ModelJSON) map[string]bool {
	out := map[string]bool{}
	for _, c := range m.Columns {
		out[c.Name] = c.PrimaryKey
	}
	return out
}

func fkSet(m ModelJSON) map[string]bool {
	out := map[string]bool{}
	for _, f := range m.ForeignKeys {
		out[fmt.Sprintf("(%s) -> %s(%s)", strings.Join(f.Columns, ","), f.RefTable, strings.Join(f.RefColumns, ","))] = true
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
