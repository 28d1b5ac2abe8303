package modelmarkup

import "strings"

// node is a Python expression.
type node interface{ pos() Pos }

type nameNode struct { // a or a.b.c
	dotted string
	at     Pos
}

type strNode struct { // adjacent literals are concatenated
	value string
	at    Pos
}

type numNode struct {
	text string
	at   Pos
}

type callNode struct {
	fn     node
	args   []node
	kwargs []kwarg
	at     Pos
}

type kwarg struct {
	name  string // "" for **mapping
	value node
}

type seqNode struct { // tuple, list or set
	open  string
	items []node
	at    Pos
}

type dictNode struct {
	keys, values []node
	at           Pos
}

type subscriptNode struct {
	value node
	index []node
	at    Pos
}

type otherNode struct { // operators, lambdas, comprehensions: not needed
	at Pos
}

type starNode struct { // *value in a call's arguments
	value node
	at    Pos
}

func (n *nameNode) pos() Pos      { return n.at }
func (n *strNode) pos() Pos       { return n.at }
func (n *numNode) pos() Pos       { return n.at }
func (n *callNode) pos() Pos      { return n.at }
func (n *seqNode) pos() Pos       { return n.at }
func (n *dictNode) pos() Pos      { return n.at }
func (n *subscriptNode) pos() Pos { return n.at }
func (n *otherNode) pos() Pos     { return n.at }
func (n *starNode) pos() Pos      { return n.at }

// funcName is the dotted name of a call's function, or "".
func (c *callNode) funcName() string {
	if n, ok := c.fn.(*nameNode); ok {
		return n.dotted
	}
	return ""
}

func (c *callNode) kw(name string) node {
	for _, k := range c.kwargs {
		if k.name == name {
			return k.value
		}
	}
	return nil
}

// lastName is the last component of a dotted name: sa.Column → Column.
func lastName(dotted string) string {
	if i := strings.LastIndexByte(dotted, '.'); i >= 0 {
		return dotted[i+1:]
	}
	return dotted
}

type pyClass struct {
	name       string
	bases      []node
	decorators []node
	body       []*pyAssign
	funcs      []*pyFunc
	at         Pos
}

type pyAssign struct {
	targets    []string // dotted names; empty for a bare expression statement
	annotation node
	value      node // nil for a bare annotation
	ret        bool // a return statement (in a function body)
	at         Pos
}

// pyFunc is a def: its top-level simple statements are kept, so that a
// helper returning a Column (or a declared_attr building one in a local
// variable) can be read.
type pyFunc struct {
	name       string
	decorators []node
	params     []pyParam
	body       []*pyAssign // top-level simple statements, returns included
	// nested is set when a return or yield sits inside a compound
	// statement: the function's value then depends on control flow.
	nested bool
	at     Pos
}

// pyParam is one parameter of a def; stars is 1 for *args, 2 for **kw.
type pyParam struct {
	name  string
	stars int
}

// returned is the function's value when it is one top-level return.
func (f *pyFunc) returned() (node, bool) {
	if f.nested {
		return nil, false
	}
	var out node
	for _, a := range f.body {
		if a.ret {
			if out != nil || a.value == nil {
				return nil, false
			}
			out = a.value
		}
	}
	return out, out != nil
}

// pyImport is one name an import statement binds.
type pyImport struct {
	local  string // the bound name
	module string // dotted module, without the leading dots of a relative import
	name   string // the imported attribute (from M import name); "" for import M
	level  int    // leading dots of a relative import
	star   bool   // from M import *
	at     Pos
}

type pyModule struct {
	classes []*pyClass
	assigns []*pyAssign // includes bare expression statements (targets empty)
	funcs   []*pyFunc
	imports []*pyImport
	// hidden lists where a compound statement at module level (if, try,
	// with, for) declares a table: such a table cannot be read as text.
	hidden []Pos
}
