"""A submission into the first free of its author's numbered places (three words each).

Every word a room sends comes through here: the places the person has taken are read, and the
new row goes into the first free one. On PostgreSQL that is one statement, so one round trip
instead of two; elsewhere (SQLite, the embedded default) the read and the insert are two.
Either way the unique constraint on (run, author, key, slot) decides between two sends at the
same moment, with no lock held: the loser finds no place free and the caller looks again.
"""

from __future__ import annotations

import functools
import itertools
import uuid
from contextlib import nullcontext

from django.db import IntegrityError, connections, router, transaction

from exercises.models import Submission
from workshops.live_cache import LiveDay, stamp_sql
from workshops.models import Attendee
from workshops.prepared import PreparedInsert, PreparedQuery

# (token, slot, text) of a place taken, oldest first.
Taken = list[tuple[uuid.UUID, int | None, str]]


def savepoint():
    # Inside a caller's transaction a failed insert must not break it; on its own an insert
    # needs no transaction at all (one round trip instead of three, in a burst of words).
    return transaction.atomic() if transaction.get_connection().in_atomic_block else nullcontext()


def _places_taken(run: int, author: int, key: str):
    return Submission.objects.filter(run=run, author=author, key=key).values_list(
        "token", "slot", "text"
    )


class FreePlace:
    """The statement's SQL is built once per database, as PreparedInsert's is; the row's values
    are prepared by its fields, as Django's own insert does."""

    def __init__(self) -> None:
        self._insert = PreparedInsert(Submission)
        self._taken = PreparedQuery(_places_taken, run=int, author=int, key=str)
        self._sql: dict[str, str] = {}

    def claim(self, fields: dict, limit: int) -> tuple[Taken, Submission | None]:
        """The places the author had taken under the key, and the new submission in the first
        free one; None instead when there was none to take, when this token is among those
        taken already, or when a send at the same moment took the free place first."""
        if connections[router.db_for_write(Submission)].vendor != "postgresql":
            return self._in_two(fields, limit)
        obj, connection, params = self._insert.prepare(**fields)
        sql = self._sql.get(connection.alias) or self._build(connection)
        where = [obj.run_id, obj.author_id, obj.key]
        fields_and_values = zip(self._insert.fields, params, strict=True)
        row = [value for field, value in fields_and_values if field.name != "slot"]
        with connection.cursor() as cursor:
            cursor.execute(sql, [*where, limit, *row, obj.token])
            rows = cursor.fetchall()
        taken = [(token, slot, text) for old, token, slot, text, _pk, _at in rows if old]
        saved = next(((slot, pk) for old, _token, slot, _text, pk, _at in rows if not old), None)
        if saved is None:
            return taken, None
        obj.slot, obj.pk = saved
        obj._state.adding = False
        obj._state.db = connection.alias
        return taken, obj

    def _in_two(self, fields: dict, limit: int) -> tuple[Taken, Submission | None]:
        taken = self._taken.fetch(
            run=fields["run"].pk, author=fields["author"].pk, key=fields["key"]
        )
        if len(taken) >= limit or any(token == fields["token"] for token, _s, _t in taken):
            return taken, None
        slots = {slot for _token, slot, _text in taken}
        slot = next(number for number in itertools.count() if number not in slots)
        try:
            with savepoint():
                return taken, self._insert.create(**fields, slot=slot)
        except IntegrityError:
            return taken, None

    def claim_as_phone(
        self, day: LiveDay, device_hash: str, fields: dict, limit: int
    ) -> tuple[Attendee, Taken] | None:
        """As claim(), with the author found by the phone's device in the same statement: the
        phone's attendee and the places it had taken before the new one. PostgreSQL only.

        None when nothing was saved, for any reason: a row of the day kept in `day` was written
        since (its stamp differs), the phone is not among the day's attendees, its places are
        full, this token was saved before, or a send at the same moment took the place. The
        caller then goes the usual way, which finds out which and says so."""
        obj, connection, params = self._insert.prepare(**fields)
        sql = self._sql.get(f"{connection.alias}:phone") or self._build(connection, phone=True)
        workshop, run = day.workshop, day.run
        ids = [workshop.pk, device_hash, workshop.pk, workshop.current_item_id, run.exercise_id]
        fields_and_values = zip(self._insert.fields, params, strict=True)
        row = [value for field, value in fields_and_values if field.name not in ("slot", "author")]
        with connection.cursor() as cursor:
            cursor.execute(
                sql, [*ids, run.pk, day.stamp, obj.run_id, obj.key, limit, *row, obj.token]
            )
            rows = cursor.fetchall()
        if not any(part == 2 for part, *_rest in rows):
            return None
        attendee = Attendee.from_db(connection.alias, self._attendee_attnames, rows[0][6:])
        taken = [(token, slot, text) for part, token, slot, text, *_rest in rows if part == 1]
        return attendee, taken

    def _build(self, connection, phone: bool = False) -> str:
        meta = Submission._meta
        quote = connection.ops.quote_name
        table = quote(meta.db_table)
        pk, run, author, key, text, token, slot, created = (
            quote(meta.get_field(name).column)
            for name in ("id", "run", "author", "key", "text", "token", "slot", "created_at")
        )
        columns = ", ".join(quote(field.column) for field in self._insert.fields)
        # Typed by a cast each: in an INSERT ... SELECT PostgreSQL does not take a value's
        # type from the column it goes into, and a NULL would otherwise be text.
        values = ", ".join(
            "place.slot"
            if field.name == "slot"
            else f"phone.{quote(Attendee._meta.pk.column)}"
            if phone and field.name == "author"
            else f"CAST(%s AS {field.cast_db_type(connection)})"
            for field in self._insert.fields
        )
        # The statement sees the table as it was when it began, so `taken` never holds the new
        # row; ON CONFLICT DO NOTHING turns a place (or this token) taken meanwhile into no row.
        tail = f"""
            place AS (
                SELECT min(n) AS slot FROM generate_series(0, CAST(%s AS integer) - 1) AS n
                WHERE n NOT IN (SELECT {slot} FROM taken WHERE {slot} IS NOT NULL)
            ), saved AS (
                INSERT INTO {table} ({columns})
                SELECT {values} FROM place{", phone" if phone else ""}
                WHERE place.slot IS NOT NULL
                    AND NOT EXISTS (SELECT FROM taken WHERE {token} = CAST(%s AS uuid))
                ON CONFLICT DO NOTHING
                RETURNING {pk}, {slot}
            )
        """
        if not phone:
            sql = f"""
                WITH taken AS (
                    SELECT {pk}, {token}, {slot}, {text}, {created} FROM {table}
                    WHERE {run} = %s AND {author} = %s AND {key} = %s
                ), {tail}
                SELECT true, {token}, {slot}, {text}, {pk}, {created} FROM taken
                UNION ALL
                SELECT false, NULL, {slot}, NULL, {pk}, NULL FROM saved
                ORDER BY 1 DESC, 6, 5
            """
            self._sql[connection.alias] = sql
            return sql
        sql = f"""
            WITH phone AS ({self._phone_sql(connection)}), taken AS (
                SELECT {pk}, {token}, {slot}, {text}, {created} FROM {table}
                WHERE {run} = %s AND {key} = %s
                    AND {author} = (SELECT {quote(Attendee._meta.pk.column)} FROM phone)
            ), {tail}
            SELECT 0, NULL, NULL, NULL, NULL, NULL, phone.* FROM phone
            UNION ALL
            SELECT 1, {token}, {slot}, {text}, {pk}, {created}, {self._no_attendee} FROM taken
            UNION ALL
            SELECT 2, NULL, {slot}, NULL, {pk}, NULL, {self._no_attendee} FROM saved
            ORDER BY 1, 6, 5
        """
        self._sql[f"{connection.alias}:phone"] = sql
        return sql

    def _phone_sql(self, connection) -> str:
        """The phone's attendee on the day, while none of the day's four rows kept in the
        process has been written since (the parameters: the day twice, the device's hash, the
        item, the exercise, the run and the stamp)."""
        from exercises.models import Exercise, Run
        from workshops.models import AgendaItem, Workshop

        quote = connection.ops.quote_name
        aliases = {"w": Workshop, "i": AgendaItem, "e": Exercise, "r": Run}
        tables = ", ".join(f"{quote(m._meta.db_table)} {a}" for a, m in aliases.items())
        ids = " AND ".join(f"{a}.{quote(m._meta.pk.column)} = %s" for a, m in aliases.items())
        attendee = Attendee._meta
        selected = ", ".join(f"a.{quote(column)}" for column in self._attendee_columns)
        return f"""
            SELECT {selected} FROM {quote(attendee.db_table)} a
            WHERE a.{quote(attendee.get_field("workshop").column)} = %s
                AND a.{quote(attendee.get_field("device_hash").column)} = %s
                AND EXISTS (
                    SELECT FROM {tables}
                    WHERE {ids}
                        AND {stamp_sql(quote, "w", "i", "e", "r")} = %s
                )
        """

    @functools.cached_property
    def _attendee_columns(self) -> list[str]:
        return [field.column for field in Attendee._meta.concrete_fields]

    @functools.cached_property
    def _attendee_attnames(self) -> list[str]:
        return [field.attname for field in Attendee._meta.concrete_fields]

    @functools.cached_property
    def _no_attendee(self) -> str:
        return ", ".join(["NULL"] * len(self._attendee_columns))


FREE_PLACE = FreePlace()
