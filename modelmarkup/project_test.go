package modelmarkup

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A package laid out as OpenStack projects are: bases, mixins and
// helpers in a sibling module, ForeignKey targets as objects, columns
// added after the class, Tables in a class body through a wrapper.
var projectFiles = map[string]string{
	"acme/__init__.py":    "",
	"acme/db/__init__.py": "",
	"acme/db/base.py": `
import sqlalchemy as sa
from sqlalchemy.ext import declarative
from oslo_db.sqlalchemy import models


class _Base(models.ModelBase, models.TimestampMixin):
    created_at = sa.Column(sa.DateTime)


BASE = declarative.declarative_base(cls=_Base)


def id_column():
    return sa.Column(sa.String(36), primary_key=True)


class ProjectMixin(object):
    project_id = sa.Column(sa.String(36), info={'confidential': 'uuid'})

    @declarative.declared_attr
    def owner_id(cls):
        fk = sa.ForeignKey('owners.id', name='fk_%s_owner' % cls.__tablename__)
        return sa.Column(sa.Integer, fk)


class Tag(BASE):
    """A table in the bases' module, on the same declarative base."""
    __tablename__ = 'tags'
    id = sa.Column(sa.Integer, primary_key=True)
    resource_id = sa.Column(sa.String(36), sa.ForeignKey('resources.id'))


def Table(*args, **kwargs):
    kwargs['mysql_charset'] = 'utf8'
    return sa.Table(*args, **kwargs)
`,
	"acme/db/models.py": `
import sqlalchemy as sa
from acme.db import base as b
from .base import ProjectMixin


class Owner(b.BASE):
    __tablename__ = 'owners'
    id = sa.Column(sa.Integer, primary_key=True)


class Resource(b.BASE, ProjectMixin):
    __tablename__ = 'resources'
    __confidential__ = {'name': 'hostname'}
    id = b.id_column()
    name = sa.Column(sa.String(255))
    parent_id = sa.Column(sa.String(36), sa.ForeignKey(id))


class Special(Resource):
    """Single-table inheritance: its columns go to resources."""
    flavour = sa.Column(sa.String(20))


class Event(b.BASE):
    __tablename__ = 'events'
    id = sa.Column(sa.Integer, primary_key=True)
    resource_id = sa.Column(sa.String(36), sa.ForeignKey(Resource.id))
    owner = sa.Column(sa.Integer, sa.ForeignKey(Owner.__table__.c.id))


Event.extra_id = sa.Column(sa.Integer, sa.ForeignKey(Event.id))


class Model(object):
    metadata = sa.MetaData()
    logs = b.Table('logs', metadata,
                   sa.Column('id', sa.Integer, primary_key=True),
                   sa.Column('event_id', sa.Integer, sa.ForeignKey('events.id')))
`,
}

func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, src := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		writeFile(t, path, src)
	}
	return dir
}

func TestProjectResolution(t *testing.T) {
	dir := writeTree(t, projectFiles)
	models := filepath.Join(dir, "acme/db/models.py")
	for _, files := range [][]string{{models}, {filepath.Join(dir, "acme/db/base.py"), models}} {
		ms, err := Read(files...)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, m := range ms {
			var fks []string
			for _, fk := range m.ForeignKeys {
				fks = append(fks, fk.String())
			}
			got[m.Table] = strings.Join(m.ColumnNames(), ",") + " pk=" + strings.Join(m.PrimaryKey, ",") + " fk=" + strings.Join(fks, ";")
		}
		want := map[string]string{
			"owners":    "created_at,updated_at,id pk=id fk=",
			"resources": "created_at,updated_at,project_id,owner_id,id,name,parent_id,flavour pk=id fk=resources.owner_id -> owners.id;resources.parent_id -> resources.id",
			"events":    "created_at,updated_at,id,resource_id,owner,extra_id pk=id fk=events.resource_id -> resources.id;events.owner -> owners.id;events.extra_id -> events.id",
			"logs":      "id,event_id pk=id fk=logs.event_id -> events.id",
			"tags":      "created_at,updated_at,id,resource_id pk=id fk=tags.resource_id -> resources.id",
		}
		if len(got) != len(want) {
			t.Errorf("%d files: tables %v", len(files), got)
		}
		for table, w := range want {
			if got[table] != w {
				t.Errorf("%d files: %s:\n got %s\nwant %s", len(files), table, got[table], w)
			}
		}
		set := Rules(ms)
		if r := set.Rule("resources", "project_id"); r == nil || r.Kind.Name != "uuid" {
			t.Errorf("mixin markup: %+v", r)
		}
		if r := set.Rule("resources", "name"); r == nil || r.Kind.Name != "hostname" {
			t.Errorf("__confidential__: %+v", r)
		}
	}
}

// A models file copied out of its package cannot see its bases: the
// error says which base and what to do, never drops the table.
func TestBaseNotFound(t *testing.T) {
	dir := writeTree(t, map[string]string{"models.py": projectFiles["acme/db/models.py"]})
	_, err := Read(filepath.Join(dir, "models.py"))
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"models.py:7:13: class Owner: base b.BASE (acme.db.base.BASE) could not be found", "pass the file that defines it"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
}
