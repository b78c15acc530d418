"""Queries and inserts compiled to SQL once per process, for the few that every word of a room
goes through."""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from typing import Any

from django.db import connections, router
from django.db.models import Model, QuerySet

# Stand-ins for the values while the queryset is compiled: nothing a query would hold itself.
_STAND_IN = {str: "\x00stand-in:{}\x00", int: -(2**62)}


class PreparedQuery:
    """A queryset compiled to SQL once, then run again with new values.

    Django compiles a queryset afresh every time it is evaluated; for the phone's lookup (the
    attendee with the day, its item, exercise and run) that takes about 2 ms of CPU, ten times
    what PostgreSQL needs to answer it, and a room sends hundreds of words a second through
    it. Here the queryset is built once with stand-ins for the values and compiled; each call
    puts the real values in the stand-ins' places and lets Django's own iterable turn the rows
    into objects, select_related, field converters and all.

    `build` takes the values as keyword arguments; `types` names each one's type (str or int),
    which is what the query's parameter is, too (give a foreign key's id, not the object).
    A value the compiled query does not hold as a parameter of its own (inside a LIKE pattern,
    say) is refused on first use.
    """

    def __init__(self, build: Callable[..., QuerySet], **types: type) -> None:
        self._build = build
        self._types = types
        self._compiled: tuple | None = None
        self._converters = threading.local()

    def fetch(self, **values: Any) -> list:
        """The rows as the queryset would give them (objects, or tuples for values_list)."""
        queryset, compiler, sql, params, slots = self._compiled or self._compile()
        bound = list(params)
        for position, name in slots:
            bound[position] = self._types[name](values[name])
        ours = copy.copy(compiler)
        connection = ours.connection = connections[queryset.db]  # this thread's connection
        ours.as_sql = lambda *args, **kwargs: (sql, tuple(bound))
        # Which columns need converting (a JSON field's text into a dict, say) is worked out
        # per column and per call otherwise: a fifth of the phone's lookup. The backend's
        # converters are bound to a connection, which is the thread's own: they are kept per
        # thread, and go when the thread does.
        kept = getattr(self._converters, "kept", None)
        if kept is None or kept[0] is not connection:
            kept = self._converters.kept = (
                connection,
                compiler.get_converters(
                    [column for column, *_rest in compiler.select[: compiler.col_count]]
                ),
            )
        converters = kept[1]
        ours.get_converters = lambda expressions: converters
        # A shallow copy of the queryset, on a shallow copy of its query that hands out our
        # compiler: the query is never changed, and chaining it (a deep clone) cost a tenth of
        # the lookup's CPU.
        query = copy.copy(queryset.query)
        query.get_compiler = lambda *args, **kwargs: ours
        run = object.__new__(type(queryset))
        run.__dict__ = {**queryset.__dict__, "_query": query, "_result_cache": None}
        return list(run)

    def _compile(self) -> tuple:
        # The app has one database. Two threads compiling at once both store the same thing.
        stand_ins = {
            name: _STAND_IN[kind].format(name) if kind is str else _STAND_IN[kind] - number
            for number, (name, kind) in enumerate(self._types.items())
        }
        queryset = self._build(**stand_ins)
        compiler = queryset.query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        slots = [
            (position, name)
            for position, param in enumerate(params)
            for name, stand_in in stand_ins.items()
            if type(param) is type(stand_in) and param == stand_in
        ]
        missing = set(stand_ins) - {name for _position, name in slots}
        if missing:
            raise ValueError(f"not a parameter of the compiled query: {', '.join(missing)}")
        self._compiled = (queryset, compiler, sql, params, slots)
        return self._compiled


class PreparedInsert:
    """One row into a model's table, with the INSERT's SQL built once per database.

    `Model.objects.create()` compiles its INSERT afresh every time: in the burst benchmark's
    room a word's row cost 0.48-0.58 ms of CPU that way and costs 0.30 ms here, and a room's
    words are saved one row per request. Here each field's value is prepared by the field itself
    (pre_save, so auto_now_add is filled in, then get_db_prep_save), as Django's own insert
    does; only the SQL text is kept. The model's save() and its signals are not run: use this
    only for a model that has neither of its own (one with its own save() is refused).
    """

    def __init__(self, model: type[Model]) -> None:
        if model.save is not Model.save:
            raise TypeError(f"{model.__name__} has a save() of its own, which this would skip")
        self._model = model
        meta = model._meta
        self.fields = [f for f in meta.concrete_fields if f is not meta.auto_field]
        self._sql: dict[str, str] = {}

    def create(self, **values: Any) -> Model:
        """The saved object; an IntegrityError as from create() when a constraint refuses it."""
        obj, connection, params = self.prepare(**values)
        sql = self._sql.get(connection.alias) or self._build(connection)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            (obj.pk,) = cursor.fetchone()
        obj._state.adding = False
        obj._state.db = connection.alias
        return obj

    def prepare(self, **values: Any) -> tuple[Model, Any, list]:
        """The unsaved object, the connection to write it on, and its row's values in the order
        of `fields`, each prepared by its field as Django's own insert does."""
        obj = self._model(**values)
        connection = connections[router.db_for_write(self._model)]
        params = [
            field.get_db_prep_save(field.pre_save(obj, True), connection) for field in self.fields
        ]
        return obj, connection, params

    def _build(self, connection) -> str:
        quote = connection.ops.quote_name
        meta = self._model._meta
        returning, _params = connection.ops.returning_columns([meta.pk])
        sql = "INSERT INTO {} ({}) VALUES ({}) {}".format(
            quote(meta.db_table),
            ", ".join(quote(field.column) for field in self.fields),
            ", ".join(["%s"] * len(self.fields)),
            returning,
        )
        self._sql[connection.alias] = sql
        return sql
