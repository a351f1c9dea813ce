"""`ids_in`: a column among a set of ids passed as one parameter, not one per id.

`field__in=[...]` writes one placeholder per id: for a practitioner on thousands of case teams
every access filter carried thousands of parameters, which Django prepared one by one and
PostgreSQL parsed and planned in every query of every page. `field__ids_in=Ids([...])` passes the
set whole: `IN (SELECT unnest(%s::bigint[]))` with an array on PostgreSQL, `IN (SELECT value FROM
json_each(%s))` with a JSON list on SQLite. The access filters use it above a few dozen ids
(people.access.LONG_ID_LIST); below that, the plain IN list gives the planners exact figures.
"""

import json

from django.db.models import Field, ForeignObject, Lookup


class Ids:
    """The right-hand side of `ids_in`: the ids, sorted, kept whole (Django resolves a
    list or tuple given to a lookup element by element, thousands of calls for nothing)."""

    __slots__ = ("ids",)

    def __init__(self, ids):
        self.ids = sorted({int(i) for i in ids})

    def __len__(self):
        return len(self.ids)


class IdsIn(Lookup):
    lookup_name = "ids_in"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        ids = self.rhs.ids if isinstance(self.rhs, Ids) else [int(i) for i in self.rhs]
        if connection.vendor == "postgresql":
            # Not `= ANY(array)`: PostgreSQL's planner estimates that element by element (about
            # 5 ms for 2,500 ids, in every query); a subquery over unnest() it plans at once.
            return f"{lhs} IN (SELECT unnest(%s::bigint[]))", (*lhs_params, ids)
        # The column is compiled by Django; the ids go as a parameter.
        sql = f"{lhs} IN (SELECT value FROM json_each(%s))"  # noqa: S608
        return sql, (*lhs_params, json.dumps(ids))


# On every field, and on foreign keys, which keep their own lookups (person_id__ids_in=...).
Field.register_lookup(IdsIn)
ForeignObject.register_lookup(IdsIn)
