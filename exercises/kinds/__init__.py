"""The registry of exercise kinds. Each kind is one module of the same shape:

NAME, LABEL           the kind's code name and its label in the UI
SUMMARY, EXAMPLE      a line on what the kind does and an example of it (the exercise library)
MINUTES               the settings that time the phases: they fill the agenda item's minutes unless
                      set (common.fit), in the library, the set-up and at run time
LENGTH_FROM_ROOM      optional: True when the number of phases comes from the room (visits per
                      group, rounds per person); then only the set-up fits them to the item
SettingsForm          a form that validates the kind's settings and holds their defaults
phases(settings)      the timed phases, as Phase(key, label, minutes)
settings_of(run)      the run's settings with the form's defaults filled in
TEMPLATE              a template with the partials phone, mine, presenter and console
context(run, attendee=None)  what those partials need as `kind` (aggregates included; the
                      phone's own things only when an attendee is given; `form` is the
                      phone's entry form)
submit(run, attendee, data, token)  validate and save what a phone sends; returns the form
                      (with errors when refused), which the `mine` partial shows again
ACTIONS               the facilitator's actions on a run, name -> function(run, data)
planned_phases(settings)  optional: the phases as planned before the room is grouped, where
                      they depend on the groups (a gallery walk's visits); else phases()
STEP_LABELS           optional: a label for phases that repeat (a triad's "prepare-1",
                      "prepare-2", …), so the library shows each once with how many times
grouping(settings)    optional: how the room is grouped when the run starts, e.g.
                      {"mode": "pairs", "roles": [...], "rule": "fair"} (see exercises/grouping.py);
                      a kind without it is a whole-room exercise
group_context(run, group)  optional: what one group's phones see, pushed over that group's
                      own stream (the `group` partial; see exercises/groupcast.py). It is
                      redrawn whenever anyone in the group acts: what a person fills in
                      belongs in their own `mine` partial, never here, or another person's
                      send would wipe it
group_progress(run, groups)  optional: how far each group has come in the current phase,
                      {group id: (done, of)}, shown as ticks on the projector; a phase with
                      nothing to count leaves its groups out
group_output(run, group)  optional: the group's result as a list of lines, for a later
                      exercise that builds on it (a gallery walk's stations)
export(run)           header and rows for the CSV export
keep(run, leaving)    optional: what the submissions in `leaving`, about to be deleted for
                      privacy, added to the run's results, folded into run.state["kept"] as
                      counts only, never their text; context and export add it (see
                      exercises/privacy.py)
forget(run, leaving)  optional: take the texts of `leaving` out of the run's state where the
                      facilitator's choices quote them (hidden and merged words, a decision's
                      alternatives); the run's log is cleaned by exercises/privacy.py
DOWNLOADS             optional: more downloads of a run's results than its table (CSV and
                      XLSX, which every kind has), as (label, url name taking the run's pk)
CLOSING               optional: True when the room's result is a highlight of the day, shown
                      on the projector's closing screen (the cloud, the room's diamond); a
                      run that ended in a decision is shown there whatever its kind
participants(run)     optional: how many people took part, where that is not the number of
                      people who sent something (a check-in is saved on the personal pages)
onward(run)           optional: the results the lederplattform can take onward, as a list of
                      exercises.onward.Onward (a group's list, the room's diamond, the chosen
                      proposal), each naming the platform parts it may go to; the offer
                      that is what the room decided has the key "decision"

After the day (exercises/results.py) a run is drawn by its `presenter` partial at its last
phase, with run.state["revealed"] set: a kind that holds results back until they are revealed
keeps that flag there.

Adding a kind means adding a module and listing it here; no other kind changes.
"""

from __future__ import annotations

from types import ModuleType

from exercises.kinds import (
    checkin,
    diamond,
    duo,
    gallery,
    igp,
    proposals,
    reflection,
    round_robin,
    survey,
    triads,
    word_cloud,
)

KINDS: dict[str, ModuleType] = {
    module.NAME: module
    for module in (
        word_cloud,
        survey,
        proposals,
        diamond,
        duo,
        igp,
        reflection,
        round_robin,
        gallery,
        triads,
        checkin,
    )
}


def get(name: str) -> ModuleType:
    return KINDS[name]


def choices() -> list[tuple[str, str]]:
    return [(name, module.LABEL) for name, module in KINDS.items()]
