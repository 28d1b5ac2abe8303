package sqldump

import (
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/pingcap/tidb/pkg/parser"
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/format"
	"github.com/pingcap/tidb/pkg/parser/mysql"
	"github.com/pingcap/tidb/pkg/parser/test_driver"
	"github.com/pingcap/tidb/pkg/parser/types"
)

// Table is a table's schema as its CREATE TABLE statement declares it.
type Table struct {
	Database      string // from the statement's qualifier or the last USE
	Name          string
	Columns       []Column
	PrimaryKey    []string
	UniqueKeys    []Key
	ForeignKeys   []ForeignKey
	AutoIncrement uint64 // the AUTO_INCREMENT table option, 0 if absent
	// Tolerant is set when the SQL parser rejected the statement and the
	// tolerant scanner read it (see Reader.Warnings for why).
	Tolerant bool
}

// Column is one column of a table.
type Column struct {
	Name string
	// Type is the lower-case base type: "int", "varchar", "longtext",
	// "enum", "geometry", ...
	Type string
	// Length is the declared length (characters for strings, bytes for
	// binary types, digits or display width for numbers); -1 if none.
	Length int
	// Decimals is the declared scale (DECIMAL(10,3) → 3); -1 if none.
	Decimals      int
	Unsigned      bool
	Nullable      bool
	AutoIncrement bool
	// Default is the DEFAULT clause's value: a literal's text (unquoted),
	// or an expression such as current_timestamp(). HasDefault tells
	// whether there is one; DEFAULT NULL has HasDefault and DefaultNull.
	Default     string
	HasDefault  bool
	DefaultNull bool
	Elems       []string // ENUM/SET members
	// SystemTime is "start" or "end" for a system-versioned table's
	// ROW START/ROW END column (explicit, or MariaDB's implicit
	// row_start/row_end); Invisible columns take no value in an INSERT
	// without a column list (ColumnNames leaves them out).
	SystemTime string
	Invisible  bool
}

// Key is a named index over columns.
type Key struct {
	Name    string
	Columns []string
}

// ForeignKey is a FOREIGN KEY constraint. The referenced columns need not
// be the referenced table's primary key (Nova's instance_uuid references
// instances.uuid, a unique key).
type ForeignKey struct {
	Name       string
	Columns    []string
	RefTable   string
	RefColumns []string
}

// ColumnNames lists the names of the columns an INSERT without a column
// list gives values for, in order (invisible columns left out).
func (t *Table) ColumnNames() []string {
	names := make([]string, 0, len(t.Columns))
	for _, c := range t.Columns {
		if !c.Invisible {
			names = append(names, c.Name)
		}
	}
	return names
}

// Column returns the named column (case-insensitive, as MySQL compares
// column names) and its index, or nil, -1.
func (t *Table) Column(name string) (*Column, int) {
	for i := range t.Columns {
		if strings.EqualFold(t.Columns[i].Name, name) {
			return &t.Columns[i], i
		}
	}
	return nil, -1
}

// Schema holds the tables a dump defines, keyed by database and name.
type Schema struct {
	tables map[string]*Table
	order  []*Table
}

func schemaKey(db, name string) string { return db + "\x00" + name }

// Tables returns the tables in the order they were defined.
func (s *Schema) Tables() []*Table { return s.order }

// Table returns the table named name in database db ("" for the dump's
// only or current database), or nil.
func (s *Schema) Table(db, name string) *Table {
	if t := s.tables[schemaKey(db, name)]; t != nil {
		return t
	}
	if db == "" {
		for _, t := range s.order {
			if t.Name == name {
				return t
			}
		}
	}
	return nil
}

func (s *Schema) lookup(qualifier, current, name string) *Table {
	db := qualifier
	if db == "" {
		db = current
	}
	return s.Table(db, name)
}

func (s *Schema) add(t *Table) {
	k := schemaKey(t.Database, t.Name)
	if old := s.tables[k]; old != nil {
		for i, o := range s.order {
			if o == old {
				s.order = append(s.order[:i], s.order[i+1:]...)
				break
			}
		}
	}
	s.tables[k] = t
	s.order = append(s.order, t)
}

var parserPool = sync.Pool{New: func() any { return parser.New() }}

// ParseCreateTable parses one CREATE TABLE statement. It uses the TiDB SQL
// parser and, when that rejects a MariaDB- or MySQL-only construct, the
// tolerant scanner; warning is then non-empty and says why.
func ParseCreateTable(sql string) (t *Table, warning string, err error) {
	stmt, perr := parseTiDB(sql)
	if perr == nil {
		if ct, ok := stmt.(*ast.CreateTableStmt); ok {
			t = fromAST(ct)
			versioning(t, sql)
			return t, "", nil
		}
		return nil, "", fmt.Errorf("not a CREATE TABLE statement")
	}
	t, err = scanCreateTable(sql)
	if err != nil {
		return nil, "", fmt.Errorf("SQL parser: %v; tolerant scanner: %w", parserMsg(perr), err)
	}
	t.Tolerant = true
	versioning(t, sql)
	return t, "SQL parser rejected CREATE TABLE (" + parserMsg(perr) + "); read it with the tolerant column scanner", nil
}

// parseTiDB runs the TiDB parser, turning its panics (its test driver
// panics on some decimal literals) into errors: the tolerant scanner
// takes over then.
func parseTiDB(sql string) (stmt ast.StmtNode, err error) {
	p := parserPool.Get().(*parser.Parser)
	defer func() {
		if r := recover(); r != nil {
			stmt, err = nil, errParserPanic
			return // a parser that panicked is not reused
		}
		parserPool.Put(p)
	}()
	return p.ParseOneStmt(sql, "", "")
}

// parseCreateTable parses the statement's schema and records it; problems
// become warnings: a dump's DDL is passed through regardless, and only
// consumers that need the schema (anonymization rules) fail without it.
func (r *Reader) parseCreateTable(st *Statement) *Table {
	code := strings.TrimRight(string(st.Raw[st.code:]), " \t\r\n")
	code = strings.TrimSuffix(code, string(r.delim))
	t, warning, err := ParseCreateTable(code)
	if err != nil {
		r.warn(st.Line, "", "cannot read CREATE TABLE: "+err.Error())
		return nil
	}
	if warning != "" {
		r.warn(st.Line, t.Name, warning)
	}
	if t.Database == "" {
		t.Database = r.db
	}
	r.schema.add(t)
	return t
}

func fromAST(ct *ast.CreateTableStmt) *Table {
	t := &Table{Name: ct.Table.Name.O, Database: ct.Table.Schema.O}
	for _, cd := range ct.Cols {
		c := Column{Name: cd.Name.Name.O, Nullable: true, Length: -1, Decimals: -1}
		tp := cd.Tp
		c.Type = types.TypeToStr(tp.GetType(), tp.GetCharset())
		if tp.GetFlen() != types.UnspecifiedLength {
			c.Length = tp.GetFlen()
		}
		if tp.GetDecimal() != types.UnspecifiedLength {
			c.Decimals = tp.GetDecimal()
		}
		c.Unsigned = mysql.HasUnsignedFlag(tp.GetFlag())
		c.Elems = tp.GetElems()
		if c.Type == "timestamp" {
			c.Nullable = false // MySQL's implicit NOT NULL for TIMESTAMP (explicit_defaults_for_timestamp off)
		}
		for _, o := range cd.Options {
			switch o.Tp {
			case ast.ColumnOptionNotNull:
				c.Nullable = false
			case ast.ColumnOptionNull:
				c.Nullable = true
			case ast.ColumnOptionAutoIncrement:
				c.AutoIncrement = true
			case ast.ColumnOptionPrimaryKey:
				t.PrimaryKey = []string{c.Name}
				c.Nullable = false
			case ast.ColumnOptionUniqKey:
				t.UniqueKeys = append(t.UniqueKeys, Key{Name: c.Name, Columns: []string{c.Name}})
			case ast.ColumnOptionDefaultValue:
				c.HasDefault = true
				c.Default, c.DefaultNull = exprText(o.Expr)
			case ast.ColumnOptionReference:
				if o.Refer != nil {
					t.ForeignKeys = append(t.ForeignKeys, ForeignKey{Columns: []string{c.Name}, RefTable: o.Refer.Table.Name.O, RefColumns: partNames(o.Refer.IndexPartSpecifications)})
				}
			}
		}
		t.Columns = append(t.Columns, c)
	}
	for _, k := range ct.Constraints {
		switch k.Tp {
		case ast.ConstraintPrimaryKey:
			t.PrimaryKey = partNames(k.Keys)
			for _, n := range t.PrimaryKey {
				if c, _ := t.Column(n); c != nil {
					c.Nullable = false
				}
			}
		case ast.ConstraintUniq, ast.ConstraintUniqKey, ast.ConstraintUniqIndex:
			t.UniqueKeys = append(t.UniqueKeys, Key{Name: k.Name, Columns: partNames(k.Keys)})
		case ast.ConstraintForeignKey:
			if k.Refer != nil {
				t.ForeignKeys = append(t.ForeignKeys, ForeignKey{Name: k.Name, Columns: partNames(k.Keys), RefTable: k.Refer.Table.Name.O, RefColumns: partNames(k.Refer.IndexPartSpecifications)})
			}
		}
	}
	for _, o := range ct.Options {
		if o.Tp == ast.TableOptionAutoIncrement {
			t.AutoIncrement = o.UintValue
		}
	}
	return t
}

func partNames(parts []*ast.IndexPartSpecification) []string {
	var names []string
	for _, p := range parts {
		if p.Column != nil {
			names = append(names, p.Column.Name.O)
		}
	}
	return names
}

// exprText renders a DEFAULT expression: a literal's value, else the SQL.
func exprText(e ast.ExprNode) (string, bool) {
	if v, ok := e.(*test_driver.ValueExpr); ok {
		switch v.Kind() {
		case test_driver.KindNull:
			return "", true
		case test_driver.KindString, test_driver.KindBytes:
			return v.GetString(), false
		case test_driver.KindInt64:
			return strconv.FormatInt(v.GetInt64(), 10), false
		case test_driver.KindUint64:
			return strconv.FormatUint(v.GetUint64(), 10), false
		}
	}
	var sb strings.Builder
	if err := e.Restore(format.NewRestoreCtx(format.RestoreStringSingleQuotes|format.RestoreKeyWordLowercase|format.RestoreNameBackQuotes, &sb)); err != nil {
		return "", false
	}
	return sb.String(), false
}

// NewSchema returns an empty schema, for a reader of a dump that learns
// its tables as their CREATE TABLEs come (Add).
func NewSchema() *Schema { return &Schema{tables: map[string]*Table{}} }

// Add records t, replacing a table of the same database and name.
func (s *Schema) Add(t *Table) { s.add(t) }
