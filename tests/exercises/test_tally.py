"""A word cloud's texts counted as they arrive (exercises/tally.py)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db.models import Count, Min

from exercises import tally
from exercises.models import Submission
from exercises.privacy import delete_submissions
from workshops.models import Attendee

T0 = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


def test_a_row_that_shows_up_after_a_higher_one_is_counted_once():
    count = tally.Count()
    count.add([(1, "Tillit", 10, at(0)), (3, "Mot", 11, at(0))], now=at(0.5))
    # Row 2 began before row 3 but committed after the read: the next read still sees it.
    count.add([(2, "Tillit", 12, at(0)), (3, "Mot", 11, at(0))], now=at(1))
    assert count.result() == ([("Tillit", 2), ("Mot", 1)], 3, 3)
    # Once the rows are older than SETTLE, reads start above them and forget them.
    count.add([(4, "Ro", 10, at(3))], now=at(3))
    assert (count.settled, sorted(count.recent)) == (3, [4])
    count.add([(1, "Tillit", 10, at(0)), (4, "Ro", 10, at(3))], now=at(3.5))
    assert count.result() == ([("Tillit", 2), ("Mot", 1), ("Ro", 1)], 4, 3)


def test_a_text_first_sent_in_a_row_seen_late_moves_to_where_it_was_first_sent():
    count = tally.Count()
    count.add([(5, "Mot", 1, at(0)), (6, "Tillit", 2, at(0))], now=at(0))
    count.add([(4, "Tillit", 3, at(0))], now=at(0.1))
    assert count.result()[0] == [("Tillit", 2), ("Mot", 1)]


def send(run, author, text):
    return Submission.objects.create(
        run=run, author=author, key="word", text=text, token=uuid.uuid4()
    )


def as_the_database_counts(run):
    rows = run.submissions.filter(key="word")
    sent = rows.values("text").annotate(times=Count("pk"), first=Min("pk")).order_by("first")
    totals = rows.aggregate(entries=Count("pk"), people=Count("author", distinct=True))
    return [(r["text"], r["times"]) for r in sent], totals["entries"], totals["people"]


def test_the_counts_follow_the_rows_read_after_each_batch(word_run, workshop):
    kari, ola, per = (
        Attendee.objects.create(workshop=workshop, display_name=name, device_hash=name)
        for name in ("Kari", "Ola", "Per")
    )
    batches = [[(kari, "Tillit"), (ola, "Mot")], [(per, "Tillit"), (kari, "Ro")], [(ola, "Ro")]]
    for batch in batches:
        for author, text in batch:
            send(word_run, author, text)
        assert tally.texts(word_run, "word") == as_the_database_counts(word_run)
    assert tally.texts(word_run, "word") == ([("Tillit", 2), ("Mot", 1), ("Ro", 2)], 5, 3)


def test_rows_deleted_for_privacy_leave_the_count_at_once(word_run, workshop):
    kari = Attendee.objects.create(workshop=workshop, display_name="Kari", device_hash="k")
    ola = Attendee.objects.create(workshop=workshop, display_name="Ola", device_hash="o")
    send(word_run, kari, "Tillit")
    send(word_run, ola, "Mot")
    assert tally.texts(word_run, "word")[1:] == (2, 2)
    delete_submissions(word_run.submissions.filter(author=kari))
    word_run.refresh_from_db()  # its kept aggregates changed: the count starts afresh
    assert tally.texts(word_run, "word") == ([("Mot", 1)], 1, 1)


def test_every_recount_seconds_the_count_starts_afresh(word_run, workshop, monkeypatch):
    kari = Attendee.objects.create(workshop=workshop, display_name="Kari", device_hash="k")
    first = send(word_run, kari, "Tillit")
    send(word_run, kari, "Mot")
    clock = [1000.0]
    monkeypatch.setattr(tally.time, "monotonic", lambda: clock[0])
    assert tally.texts(word_run, "word")[1] == 2
    Submission.objects.filter(pk=first.pk).delete()  # not the privacy way: nothing says so
    clock[0] += tally.RECOUNT - 1
    assert tally.texts(word_run, "word")[1] == 2
    clock[0] += 2
    assert tally.texts(word_run, "word") == ([("Mot", 1)], 1, 1)
