"""Print, as JSON, the tables SQLAlchemy itself maps for the modules named
on the command line: every declarative class's __table__, every Table kept
in a module or in a class body, and every table of the MetaData objects
they use (Base.metadata). A table declared in two MetaData objects is
listed twice. The reference fuzzy's text reader is compared
with (modelmarkup's TestSQLAlchemyProjects); run with Debian's python3."""
import importlib
import json
import sys
import warnings

warnings.simplefilter("ignore")
import sqlalchemy as sa  # noqa: E402


def tables_of(modules):
    tables, metas = {}, []

    def add_meta(md):
        if isinstance(md, sa.MetaData) and not any(md is m for m in metas):
            metas.append(md)

    for name in modules:
        mod = importlib.import_module(name)
        for value in list(vars(mod).values()):
            if isinstance(value, sa.Table):
                tables.setdefault(id(value), value)
                add_meta(value.metadata)
            elif isinstance(value, sa.MetaData):
                add_meta(value)
            elif isinstance(value, type):
                t = getattr(value, "__table__", None)
                if isinstance(t, sa.Table):
                    tables.setdefault(id(t), t)
                add_meta(getattr(value, "metadata", None))
                for attr in list(vars(value).values()):
                    if isinstance(attr, sa.Table):
                        tables.setdefault(id(attr), attr)
                        add_meta(attr.metadata)
    for md in metas:
        for t in md.tables.values():
            tables.setdefault(id(t), t)
    return sorted(tables.values(), key=lambda t: t.name)


def describe(t):
    fks = []
    for fk in t.foreign_key_constraints:
        targets = [e.target_fullname.split(".") for e in fk.elements]
        fks.append({
            "columns": [e.parent.name for e in fk.elements],
            "ref_table": targets[0][-2],
            "ref_columns": [parts[-1] for parts in targets],
        })
    return {
        "table": t.name,
        "columns": [{"name": c.name, "primary_key": bool(c.primary_key)} for c in t.columns],
        "foreign_keys": fks,
    }


json.dump([describe(t) for t in tables_of(sys.argv[1:])], sys.stdout, indent=1)
