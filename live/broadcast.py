"""Render what each audience of a live day sees, once, and publish it on the live bus."""

from __future__ import annotations

import datetime as dt
import functools
import threading

import segno
from django.conf import settings
from django.db import connection
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from exercises.results import closing as closing_screen
from exercises.results import own_day
from exercises.runs import current_run, role_overview
from workshops import identity
from workshops.bus import get_bus
from workshops.models import ClaimRequest, KnownDevice, Workshop

TEMPLATES = {
    "console": "live/console.html#state",
    "presenter": "live/presenter.html#stage",
    "participants": "live/participant.html#now",
}


LANGUAGES = [code for code, _name in settings.LANGUAGES]


def channel(workshop_id: int, audience: str, language: str) -> str:
    # One channel per audience and language: a fragment is rendered once for each and every
    # stream of that audience gets the same bytes.
    return f"day:{workshop_id}:{audience}:{language}"


@functools.lru_cache(maxsize=64)
def join_qr(code: str) -> str:
    """The QR code of the day's join link, as inline SVG (made by segno; no user text in it)."""
    url = f"{settings.SITE_URL}/j/{code}/"
    # With a viewBox and no fixed size, the stylesheet sizes it and it stays centred in its box.
    return mark_safe(
        segno.make(url, error="m").svg_inline(
            omitsize=True, dark="#000", light="#fff", svgclass="join-qr"
        )
    )


def clock(remaining: dt.timedelta | None) -> str:
    """m:ss as the countdown shows it, so the page is right before (or without) the script."""
    if remaining is None:
        return ""
    seconds = int(remaining.total_seconds())
    sign, seconds = ("−", -seconds) if seconds < 0 else ("", seconds)
    return f"{sign}{seconds // 60}:{seconds % 60:02d}"


def live_context(workshop: Workshop, *, broadcast: bool = False, attendee=None, run=None) -> dict:
    """What the live partials show. With `broadcast`, it is drawn once for a whole audience;
    with an attendee, for that one phone (a caller that has the run passes it along)."""
    scheduled = workshop.scheduled_items()
    now = timezone.now()
    items = [s.item for s in scheduled]
    current = workshop.current_item
    index = next((i for i, item in enumerate(items) if item.pk == workshop.current_item_id), -1)
    late_minutes = None
    if current and current.started_at and index >= 0:
        # Planned times are times of day; compare on the day the agenda is actually run, so a
        # rehearsal on another date still says how late the room is running.
        started = timezone.localtime(current.started_at)
        planned = timezone.make_aware(
            dt.datetime.combine(started.date(), scheduled[index].starts_at.time())
        )
        late_minutes = round((started - planned).total_seconds() / 60)
    remaining = workshop.timer.remaining(now)
    exercise = exercise_context(workshop, attendee, run)
    bus = get_bus()
    return {
        "workshop": workshop,
        # Asked for when a template shows it (the projector does, a phone does not): a phone's
        # day is looked up without its programme.
        "programme": lambda: workshop.programme,
        "scheduled": scheduled,
        "current": current,
        "next_item": items[index + 1] if 0 <= index + 1 < len(items) else None,
        "has_previous": index > 0,
        "late_minutes": late_minutes,
        "timer": workshop.timer,
        "remaining_seconds": int(remaining.total_seconds()) if remaining is not None else None,
        "remaining_text": clock(remaining),
        "server_now_ms": int(now.timestamp() * 1000),
        "ends_at_ms": int(workshop.timer_ends_at.timestamp() * 1000)
        if workshop.timer_ends_at
        else None,
        **exercise,
        # The projector gives the whole screen to joining while the room arrives: on the
        # day's first item, unless that is already an exercise.
        "joining_screen": workshop.is_live and index == 0 and exercise["run"] is None,
        "join_url": f"{settings.SITE_URL}/j/",
        "join_qr": join_qr(workshop.join_code) if workshop.is_live else "",
        # None ("–" on the screens) while Redis, which counts them, is away.
        "connected": bus.connected(phones(workshop.pk)),
        # The console says so while updates are fetched instead of pushed.
        "live_delayed": not bus.available(),
        # For the console only, asked for when its template shows them.
        "claims": lambda: pending_claims(workshop),
        # When the day has ended: the projector's closing screen, and for one phone what its
        # person did (asked for by the templates that show them, each once with {% with %}).
        "closing": lambda: closing(workshop),
        "today": lambda: today(workshop, attendee),
        # Drawn once for everyone, without a request: no per-user CSRF token in it. The
        # page's htmx sends the token from <body hx-headers>.
        "broadcast": broadcast,
    }


def closing(workshop: Workshop) -> dict | None:
    if workshop.status != Workshop.Status.ENDED:
        return None

    return closing_screen(workshop)


def today(workshop: Workshop, attendee) -> list:
    if workshop.status != Workshop.Status.ENDED or attendee is None:
        return []

    return own_day(workshop, attendee)


def people_of(workshop: Workshop) -> list[dict]:
    """Who is on the day, for the console: each phone with its person and whether it has shown
    it is them (a known device), those taken off the day last."""
    attendees = list(
        workshop.attendees.select_related("participant").exclude(
            device_hash__startswith=identity.RELEASED
        )
    )
    known = set(
        KnownDevice.objects.filter(
            participant__in=[a.participant_id for a in attendees if a.participant_id]
        ).values_list("participant_id", "device_hash")
    )
    rows = [
        {
            "attendee": a,
            "on_list": a.participant_id is not None,
            "proven": (a.participant_id, a.device_hash) in known,
        }
        for a in attendees
    ]
    return sorted(rows, key=lambda row: (row["attendee"].is_removed, row["attendee"].display_name))


def pending_claims(workshop: Workshop) -> list:
    return list(
        ClaimRequest.objects.filter(workshop=workshop, status=ClaimRequest.Status.PENDING)
        .select_related("participant")
        .order_by("created_at")
    )


def exercise_context(workshop: Workshop, attendee=None, run=None) -> dict:
    """The current item's exercise run and what its kind's partials need, if there is one.

    A caller that has just looked the run up passes it, to spare the query.
    """

    run = run or current_run(workshop)
    if run is None:
        return {"run": None}
    module = run.module
    settings = module.settings_of(run)
    phases = run.phases(settings)
    # The room's part, and for one phone its person's part laid over it: each worked out once.
    kind = module.room_context(run)
    if attendee is not None:
        kind = {**kind, **module.phone_context(run, attendee)}
    # For the console's group list, fetched once instead of per group and per person.
    groups = (
        list(run.groups.prefetch_related("members__attendee"))
        if module.grouping is not None
        else []
    )
    return {
        "run": run,
        "phases": phases,
        # How far each group has come in this phase, for the projector (kinds that say).
        "group_progress": _progress(run, groups) if groups and attendee is None else [],
        # Who is on the day, for "all 20 have answered".
        "joined": lambda: (
            workshop.attendees.filter(removed_at__isnull=True)
            .exclude(device_hash__startswith=identity.RELEASED)
            .count()
        ),
        "phase": run.current_phase(settings),
        "run_groups": groups,
        # The playful rule for a role, and the groups choosing who takes it themselves.
        "run_roles": role_overview(run, groups) if groups and attendee is None else None,
        "kind": kind,
        "kind_template": {
            part: f"{module.TEMPLATE}#{part}" for part in ("phone", "presenter", "console")
        },
    }


def _progress(run, groups: list) -> list[dict]:
    """Each group with how much of this phase's work it has done (a kind's `group_progress`),
    and a mark per part for the projector's ticks."""
    if run.module.group_progress is None:
        return []
    done_of = run.module.group_progress(run, groups)
    rows = []
    for group in groups:
        if group.pk not in done_of:
            continue
        done, total = done_of[group.pk]
        rows.append(
            {
                "group": group,
                "done": done,
                "total": total,
                "marks": [number < done for number in range(total)],
            }
        )
    return rows


def render(
    workshop: Workshop, audience: str, language: str | None = None, context: dict | None = None
) -> str:
    with translation.override(language or settings.LANGUAGE_CODE):
        return render_to_string(
            TEMPLATES[audience], context or live_context(workshop, broadcast=True)
        )


def sse_message(event: str, html: str, event_id: int) -> str:
    data = "\n".join(f"data: {line}" for line in html.splitlines() or [""])
    return f"id: {event_id}\nevent: {event}\n{data}\n\n"


def snapshot(workshop_id: int, audience: str, language: str) -> bytes:
    """A full SSE message with the current state, for a stream that (re)connects."""
    workshop = Workshop.objects.select_related("programme", "current_item").get(pk=workshop_id)
    message = sse_message(audience, render(workshop, audience, language), workshop.version).encode()
    # Streams live for hours; don't let one sit on a database connection while it waits.
    if not connection.in_atomic_block:
        connection.close()
    return message


ALL_AUDIENCES = ("participants", "presenter", "console")  # the phones first: the room waits


def day_changed(workshop_id: int, audiences: tuple[str, ...] = ALL_AUDIENCES) -> None:
    bus = get_bus()
    wanted = [
        (audience, language, channel(workshop_id, audience, language))
        for audience in audiences
        for language in LANGUAGES
    ]
    listening = bus.listening([name for _audience, _language, name in wanted])
    if not listening:  # no screen is open, or Redis is away and the screens poll
        return
    workshop = Workshop.objects.select_related("programme", "current_item").get(pk=workshop_id)
    context = live_context(workshop, broadcast=True)  # once: the same for every screen
    # Everything is drawn first and sent after: rendering while the streams fan out would
    # make the two fight over the interpreter, and the phones would wait for both.
    messages = [
        (
            name,
            sse_message(audience, render(workshop, audience, language, context), workshop.version),
        )
        for audience, language, name in wanted
        if name in listening
    ]
    for name, message in messages:
        bus.publish(name, message)


def tell_phones(workshop_id: int, event: str, data: str) -> None:
    """Send every phone of the day a short event (no HTML): e.g. "gone" with a device's tag,
    which the phone it names acts on (static/js/live.js)."""
    bus = get_bus()
    for language in LANGUAGES:
        bus.publish(
            channel(workshop_id, "participants", language), f"event: {event}\ndata: {data}\n\n"
        )


def phones(workshop_id: int) -> str:
    return f"day:{workshop_id}:participants"


def watch_phones(workshop_id: int) -> None:
    """Tell the console and the projector whenever the number of connected phones changes."""
    get_bus().watch_count(
        phones(workshop_id),
        [
            channel(workshop_id, audience, language)
            for audience in ("console", "presenter")
            for language in LANGUAGES
        ],
    )


_coalescing: dict[tuple[int, tuple[str, ...]], threading.Timer] = {}
_coalescing_lock = threading.Lock()


def day_changed_soon(workshop_id: int, audiences: tuple[str, ...] = ALL_AUDIENCES) -> None:
    """Publish soon, once for a burst: a room sending words at once redraws the cloud a few
    times a second, not once per word."""
    delay = settings.LIVE_COALESCE_SECONDS
    if delay <= 0:
        day_changed(workshop_id, audiences)
        return
    key = (workshop_id, audiences)
    with _coalescing_lock:
        if key in _coalescing:
            return
    # With several web processes (each with its own timers), one of them redraws for the whole
    # burst. The claim runs out a little before the redraw reads the database, so a submission
    # committed after that read finds the claim gone and asks for another. (Asked outside the
    # lock: a round trip to Redis must not hold up this process's other requests.)
    name = f"redraw:{workshop_id}:{','.join(audiences)}"
    if not get_bus().claim(name, max(1, round(delay * 1000) - 20)):
        return
    with _coalescing_lock:
        if key in _coalescing:
            return
        timer = threading.Timer(delay, _publish_coalesced, args=(key,))
        timer.daemon = True
        _coalescing[key] = timer
    timer.start()


def _publish_coalesced(key: tuple[int, tuple[str, ...]]) -> None:
    with _coalescing_lock:
        _coalescing.pop(key, None)
    try:
        day_changed(*key)
    finally:
        connection.close()  # this timer thread is done with the database
