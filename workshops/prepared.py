"""Queries compiled to SQL once per process, for the few that every word of a room goes through."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from django.db import connections
from django.db.models import QuerySet

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

    def fetch(self, **values: Any) -> list:
        """The rows as the queryset would give them (objects, or tuples for values_list)."""
        queryset, compiler, sql, params, slots = self._compiled or self._compile()
        bound = list(params)
        for position, name in slots:
            bound[position] = self._types[name](values[name])
        ours = copy.copy(compiler)
        ours.connection = connections[queryset.db]  # this thread's connection
        ours.as_sql = lambda *args, **kwargs: (sql, tuple(bound))
        run = queryset._chain()
        run.query.get_compiler = lambda *args, **kwargs: ours
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
