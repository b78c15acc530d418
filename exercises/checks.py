"""Django's system check that every registered exercise kind keeps the contract of
exercises/kinds/base.py: `manage.py check` (and every start) names the kind and what it lacks."""

from __future__ import annotations

import inspect
import typing

from django.core import checks

from exercises import kinds
from exercises.kinds import base

# What a hook must be called with, from the protocol's own methods (without `self`).
SIGNATURES = {
    name: inspect.signature(member)
    for name, member in vars(base.Kind).items()
    if inspect.isfunction(member) and name in typing.get_protocol_members(base.Kind)
}


def _takes(hook, signature: inspect.Signature) -> bool:
    """Whether `hook` can be called as the protocol calls it: with all of the protocol's
    parameters, and with only those that have no default."""
    parameters = list(signature.parameters.values())[1:]  # without self
    everything = [None] * len(parameters)
    required = [None] * sum(p.default is inspect.Parameter.empty for p in parameters)
    try:
        target = inspect.signature(hook)
        target.bind(*everything)
        target.bind(*required)
    except (TypeError, ValueError):
        return False
    return True


def check_kinds(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    errors = []
    for name, kind in kinds.KINDS.items():
        missing = sorted(
            member for member in typing.get_protocol_members(base.Kind) if not hasattr(kind, member)
        )
        if missing:
            errors.append(
                checks.Error(
                    f"The exercise kind {name!r} lacks {', '.join(missing)}.",
                    hint="Define them in the kind's module (exercises/kinds/base.py says what "
                    "each is), or list the module with kinds.register() to get the defaults "
                    "of the optional ones.",
                    obj=kind,
                    id="exercises.E001",
                )
            )
            continue
        if name != kind.NAME:
            errors.append(
                checks.Error(
                    f"The exercise kind {name!r} is registered under another name than its "
                    f"NAME ({kind.NAME!r}).",
                    obj=kind,
                    id="exercises.E002",
                )
            )
        for member, signature in SIGNATURES.items():
            hook = getattr(kind, member)
            if not callable(hook) or not _takes(hook, signature):
                wanted = str(signature).replace("(self, ", "(").replace("(self)", "()")
                errors.append(
                    checks.Error(
                        f"The exercise kind {name!r} has {member} that can't be called as "
                        f"{member}{wanted}.",
                        obj=kind,
                        id="exercises.E003",
                    )
                )
        for member in sorted(base.MAY_BE_NONE):
            hook = getattr(kind, member)
            if hook is not None and not callable(hook):
                errors.append(
                    checks.Error(
                        f"The exercise kind {name!r} has {member} that is neither a function "
                        "nor None.",
                        obj=kind,
                        id="exercises.E004",
                    )
                )
    return errors
