"""The phone's lookup keeps one plan in PostgreSQL, however many days the database holds."""

from __future__ import annotations

import datetime as dt

import psycopg
import pytest
from django.db import connection

from workshops.live_views import _LIVE_PHONE
from workshops.models import Workshop, new_join_code

pytestmark = pytest.mark.postgres


def test_the_phone_lookups_plan_for_any_code_reads_one_day(workshop, alice):
    # Years of ended days. A prepared statement's plan for any parameters cannot use the
    # unique index of live codes (the status is a parameter too); without an index of every
    # code it would read all the days, or PostgreSQL would plan each lookup anew.
    Workshop.objects.bulk_create(
        Workshop(
            programme=workshop.programme,
            number=number,
            date=dt.date(2020, 1, 1),
            status=Workshop.Status.ENDED,
            join_code=new_join_code(),
        )
        for number in range(100, 3100)
    )
    workshop.start_day(by=alice)
    _queryset, _compiler, sql, params, slots = _LIVE_PHONE._compile()
    numbered = sql % tuple(f"${number}" for number in range(1, len(params) + 1))
    connection.ensure_connection()
    # Sent as plain text (a client-side cursor): PREPARE's own $1 must reach the server as is.
    with psycopg.ClientCursor(connection.connection) as cursor:
        cursor.execute("ANALYZE workshops_workshop")
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        types = ", ".join(["text"] * len(params))  # the code, the device and the status
        cursor.execute(f"PREPARE phone_lookup ({types}) AS {numbered}")
        values = list(params)  # the status as compiled, the phone's values in their places
        for position, name in slots:
            values[position] = {"code": workshop.join_code, "device_hash": "x"}[name]
        cursor.execute(
            "EXPLAIN EXECUTE phone_lookup({})".format(", ".join(["%s"] * len(params))), values
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("DEALLOCATE phone_lookup")
    assert "Seq Scan on workshops_workshop" not in plan, plan
    assert "workshop_join_code on workshops_workshop" in plan, plan
