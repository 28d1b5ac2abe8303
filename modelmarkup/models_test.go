package modelmarkup

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/fuzzyduck/fuzzyduck/rules"
)

const sample = `"""Models for a small app.

Docstrings may contain class Foo(Base): and Column( without meaning it.
"""
import sqlalchemy as sa
from sqlalchemy import Column, ForeignKey, Integer, String, Table, orm
from sqlalchemy.orm import Mapped, mapped_column
from oslo_db.sqlalchemy import models

BASE = declarative_base()
metadata = sa.MetaData()

REMOVED = {('hosts', 'old'), ('x', 'y')}


class HasOwner(object):
    owner = Column(String(64), info={'confidential': 'username'})


class Host(BASE, models.TimestampMixin, HasOwner):
    """A host."""
    __tablename__ = 'hosts'
    __table_args__ = (
        sa.UniqueConstraint('name', 'deleted', name='uniq_hosts0name'),  # comment
        sa.Index('hosts_ip_idx', 'ip'),
        sa.Index('hosts_uuid_idx', 'uuid', unique=True),
        {'mysql_engine': 'InnoDB'},
    )
    __confidential__ = {'name': 'hostname', 'ip': 'ip_addesss_v6',
                        'notes': 'json:paths=owner.email;keys=token'}

    id = sa.Column(sa.Integer, primary_key=True)
    uuid = sa.Column(sa.String(36), nullable=False)
    name = sa.Column('hostname_col', sa.String(255), \
                     nullable=True)
    ip = Column(String(39))
    notes = orm.deferred(sa.Column(sa.Text))
    deleted = Column(Integer, default=0)
    secret = Column(String(
        255), info={'confidential': 'fixed:value=x'})
    pattern = r'[a-z]+\d'
    label = ('multi'
             'part')

    @property
    def display(self):
        if self.name:
            return "%s (%s)" % (self.name, self.ip)
        return [x for x in self.notes if x]

    def method(self, a, *args, **kwargs):
        '''Column('fake', String)'''
        return lambda y: y + 1


class Port(BASE):
    __tablename__ = 'ports'
    __table_args__ = (
        sa.ForeignKeyConstraint(['host_uuid'], ['hosts.uuid']),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    host_uuid: Mapped[str] = mapped_column(String(36))
    mac: Mapped[Optional[str]] = mapped_column(String(17), info={'confidential': 'mac'})
    parent_id = Column(Integer, ForeignKey('ports.id', ondelete='CASCADE'))
    description: Mapped[Optional[str]]
    host: Mapped["Host"] = orm.relationship('Host', backref=orm.backref('ports'),
                                           primaryjoin='and_(Port.host_uuid == Host.uuid, Host.deleted == 0)')
    flags = Column(Integer, default=lambda: 1 if True else 0)


audit = Table('audit_log', metadata,
              Column('id', Integer, primary_key=True),
              Column('host_uuid', String(36), ForeignKey('hosts.uuid')),
              Column('message', sa.Text, info={'confidential': 'text'}),
              sa.UniqueConstraint('host_uuid', 'id'))
`

func TestSample(t *testing.T) {
	f, err := Parse("models.py", sample)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Models) != 3 {
		t.Fatalf("models = %d, want 3", len(f.Models))
	}
	byTable := map[string]*Model{}
	for _, m := range f.Models {
		byTable[m.Table] = m
	}
	host := byTable["hosts"]
	if host == nil || host.Class != "Host" {
		t.Fatalf("hosts: %+v", host)
	}
	wantCols := "created_at,updated_at,owner,id,uuid,hostname_col,ip,notes,deleted,secret"
	if got := strings.Join(host.ColumnNames(), ","); got != wantCols {
		t.Errorf("hosts columns = %s\nwant %s", got, wantCols)
	}
	if strings.Join(host.PrimaryKey, ",") != "id" {
		t.Errorf("hosts pk = %v", host.PrimaryKey)
	}
	if len(host.UniqueKeys) != 2 || strings.Join(host.UniqueKeys[0], ",") != "name,deleted" || host.UniqueKeys[1][0] != "uuid" {
		t.Errorf("hosts unique keys = %v", host.UniqueKeys)
	}
	kinds := map[string]string{}
	for _, c := range host.Columns {
		if c.Kind != nil {
			kinds[c.Name] = c.Kind.String()
		}
	}
	want := map[string]string{"hostname_col": "hostname", "ip": "ip_address_v6", "notes": "json:keys=token;paths=owner.email", "secret": "fixed:value=x", "owner": "username"}
	for col, k := range want {
		if kinds[col] != k {
			t.Errorf("hosts.%s kind = %q, want %q", col, kinds[col], k)
		}
	}
	if c := host.Column("uuid"); c.Nullable || c.Type != "String(36)" {
		t.Errorf("hosts.uuid = %+v", c)
	}
	if c := host.Column("hostname_col"); c.Attr != "name" || !c.Nullable || c.Pos.Line != 29 {
		t.Errorf("hosts.name = %+v (markup position should be the __confidential__ key's line)", c)
	}

	port := byTable["ports"]
	if got := strings.Join(port.ColumnNames(), ","); got != "id,host_uuid,mac,parent_id,description,flags" {
		t.Errorf("ports columns = %s", got)
	}
	if c := port.Column("mac"); !c.Nullable || c.Kind == nil || c.Kind.Name != "mac" {
		t.Errorf("ports.mac = %+v", c)
	}
	if c := port.Column("host_uuid"); c.Nullable {
		t.Errorf("Mapped[str] should be NOT NULL: %+v", c)
	}
	rels := map[string]bool{}
	for _, r := range port.ForeignKeys {
		rels[r.String()] = true
	}
	if !rels["ports.host_uuid -> hosts.uuid"] || !rels["ports.parent_id -> ports.id"] || len(rels) != 2 {
		t.Errorf("ports foreign keys = %v", rels)
	}
	audit := byTable["audit_log"]
	if audit == nil || strings.Join(audit.ColumnNames(), ",") != "id,host_uuid,message" || len(audit.ForeignKeys) != 1 || audit.Column("message").Kind.Name != "text" {
		t.Errorf("audit_log = %+v", audit)
	}
	removed, ok := f.Assignments["REMOVED"].([]any)
	if !ok || len(removed) != 2 {
		t.Errorf("REMOVED = %#v", f.Assignments["REMOVED"])
	}
}

func TestLoadRules(t *testing.T) {
	dir := t.TempDir()
	path := dir + "/models.py"
	writeFile(t, path, sample)
	set, models, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(models) != 3 {
		t.Fatalf("models = %d", len(models))
	}
	r := set.Rule("hosts", "ip")
	if r == nil || r.Kind.Name != "ip_address_v6" || !strings.HasSuffix(r.Source, "models.py:29:45") {
		t.Errorf("rule hosts.ip = %+v", r)
	}
	// Shadow twins inherit.
	if r := set.Rule("shadow_hosts", "hostname_col"); r == nil || r.Kind.Name != "hostname" || !strings.Contains(r.Via, "shadow") {
		t.Errorf("shadow rule = %+v", r)
	}
	if len(set.Relations) != 3 {
		t.Errorf("relations = %v", set.Relations)
	}
}

func TestErrorsHavePositions(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"unterminated string", "class A(B):\n    x = 'abc\n", "models.py:2:9: unterminated string"},
		{"unterminated triple", "x = '''abc\n\n", "models.py:1:5: unterminated string"},
		{"unclosed bracket", "x = Column(String(10)\n", "unclosed bracket"},
		{"bad indent", "class A(B):\n        x = 1\n    y = 2\n", "models.py:3:5: unindent does not match"},
		{"unknown kind", "B = declarative_base()\nclass A(B):\n    __tablename__ = 'a'\n    __confidential__ = {'x': 'ssn'}\n    x = Column(String)\n", "models.py:4:30: table a column x: unknown kind \"ssn\""},
		{"missing column", "B = declarative_base()\nclass A(B):\n    __tablename__ = 'a'\n    __confidential__ = {'y': 'string'}\n    x = Column(String)\n", "models.py:4:25: table a: __confidential__ names column \"y\""},
		{"non-literal confidential", "B = declarative_base()\nclass A(B):\n    __tablename__ = 'a'\n    __confidential__ = make()\n", "models.py:4:5: class A: __confidential__ must be a dict"},
		{"bad info kind", "B = declarative_base()\nclass A(B):\n    __tablename__ = 'a'\n    x = Column(String, info={'confidential': 'nope'})\n", "models.py:4:46: column x: unknown kind"},
		{"garbage expression", "class A(B):\n    x = Column(String,, 1)\n", `models.py:2:23: unexpected ","`},
		{"stray character", "x = 1 $ 2\n", "models.py:1:7: unexpected character"},
		{"computed tablename", "B = declarative_base()\nclass A(B):\n    __tablename__ = name()\n", "models.py:3:21: class A: __tablename__ must be a string literal"},
		{"bare tablename annotation", "B = declarative_base()\nclass A(B):\n    __tablename__: str\n", "models.py:3:5: class A: __tablename__ must be a string literal"},
		{"bare table annotation", "B = declarative_base()\nclass A(B):\n    __table__: Table\n", "models.py:3:5: class A: __table__ must be a Table(...) call"},
		{"undefined base", "class A(B):\n    __tablename__ = 'a'\n", "models.py:1:9: class A: base B could not be found"},
		{"library base", "from acme.db import Base\nclass A(Base):\n    __tablename__ = 'a'\n", "models.py:2:9: class A: base Base (acme.db.Base) could not be found"},
		{"self inheritance", "B = declarative_base()\nclass A(A, B):\n    __tablename__ = 'a'\n", "models.py:2:1: class A inherits from itself"},
		{"fk target", "B = declarative_base()\nclass A(B):\n    __tablename__ = 'a'\n    x = Column(Integer, ForeignKey(f()))\n", "models.py:4:36: table a: the target of this ForeignKey"},
		{"table with star", "t = Table('t', m, *cols)\n", "models.py:1:19: table t: arguments passed with *"},
		{"hidden table", "if X:\n    t = Table('t', m, Column('a', Integer))\n", "models.py:2:9: a table declared inside an if/try/with/for block"},
		{"table in a list", "ts = [Table('t', m, Column('a', Integer))]\n", "models.py:1:7: a Table(...) inside an expression"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("models.py", tc.src)
			if err == nil {
				t.Fatal("no error")
			}
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Errorf("error %v is not a *SyntaxError", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
		})
	}
}

func TestPythonSyntaxCorners(t *testing.T) {
	src := `
Base = declarative_base()
@decorator(arg=1)
class A(Base, metaclass=Meta):
    __tablename__ = "a" \
        "_table"
    x: int = 5
    y = z = Column(Integer)
    s = {1, 2}
    d = {k: v for k, v in items.items() if v}
    g = (i for i in range(3))
    sl = arr[1:2, ::3]
    st = f"{x!r:>10}"
    b = rb'\x00'
    t = (1,)
    w = not a and b or c is not None
    n = 1e-3 + 0x1F - 1_000
    async def h(self): await x
    if TYPE_CHECKING:
        foo = 1
    else:
        foo = 2
    try:
        pass
    except Exception as e:
        raise
    with open(p) as f: pass
    c = Column(Integer); q = 1
    class Meta:
        inner = Column(Integer)
`
	f, err := Parse("corners.py", src)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Models) != 1 || f.Models[0].Table != "a_table" {
		t.Fatalf("models = %+v", f.Models)
	}
	if got := strings.Join(f.Models[0].ColumnNames(), ","); got != "y,c" {
		t.Errorf("columns = %s, want y,c (z is an alias, inner belongs to a nested class)", got)
	}
}

func TestKindAliases(t *testing.T) {
	for in, want := range map[string]string{"ip_addesss_v6": "ip_address_v6", "IP_ADDRESS": "ip_address", "json:paths=a.b,c": "json:paths=a.b,c"} {
		k, err := rules.ParseKind(in)
		if err != nil || k.String() != want {
			t.Errorf("%s -> %v %v, want %s", in, k, err, want)
		}
	}
}

func writeFile(t *testing.T, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}
