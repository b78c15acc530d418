"""What the live app does when the layers below say something changed (workshops.push)."""

from __future__ import annotations

from django.dispatch import receiver

from live import broadcast, groupcast
from workshops import push


@receiver(push.day_note)
def redraw_day(sender, *, day_id: int, audiences: tuple[str, ...], burst: bool, **kwargs) -> None:
    if burst:
        broadcast.day_changed_soon(day_id, audiences)
    else:
        broadcast.day_changed(day_id, audiences)


@receiver(push.group_note)
def redraw_groups(sender, *, run_id: int, group_ids: list[int] | None, **kwargs) -> None:
    groupcast.groups_changed(run_id, group_ids)


@receiver(push.group_left_note)
def tell_group_someone_left(sender, *, run_id: int, group_id: int, **kwargs) -> None:
    groupcast.regroup(run_id, group_id)


@receiver(push.phones_note)
def tell_phones(sender, *, day_id: int, event: str, data: str, **kwargs) -> None:
    broadcast.tell_phones(day_id, event, data)
