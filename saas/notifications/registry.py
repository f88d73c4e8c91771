"""The one registry of notifications: which events exist, who hears of them, and over which channels.

An :class:`EventKind` is declared once, in :mod:`saas.notifications.kinds`, with its key (stored in
the tables), its label (the preferences page), the roles it goes to, whether it is a safety event
(always sent at once, whatever the person chose) and its channels. A channel (:class:`Channel`) is an
entry in :data:`CHANNELS` too: e-mail today; the phone app adds "push" later by adding one entry,
without touching the kinds or the senders.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from saas.auth.roles import STAFF_ROLES, Role
from saas.enums import LabelledEnum
from saas.i18n import L_
from saas.mail import Mail, deliver

if TYPE_CHECKING:
    from saas.auth.models import User


class Choice(LabelledEnum):
    """What a person chose for one kind of event."""

    AT_ONCE = "at_once", L_("At once")
    DIGEST = "digest", L_("In the daily digest")
    OFF = "off", L_("Off")


@dataclass(frozen=True)
class Channel:
    """A way to reach a person: ``send`` gets the recipient and the message rendered in their language."""

    key: str
    label: Any
    send: Callable[[User, Mail], None]


def _by_email(_user: User, mail: Mail) -> None:
    deliver(mail)


EMAIL = "email"
#: Every channel by key. Push for the phone app becomes one more entry here.
CHANNELS: dict[str, Channel] = {EMAIL: Channel(EMAIL, L_("E-mail"), _by_email)}


@dataclass(frozen=True)
class EventKind:
    #: Stable key, stored in the preferences and the sent notifications.
    key: str
    #: What the preferences page calls it.
    label: Any
    #: The roles (inside the tenant) that receive it, and so see it on their preferences page.
    audience: frozenset[Role]
    #: The mail template, ``mail/notifications/<template>.txt``: its first line is the subject.
    template: str
    #: A safety event is always sent at once: the choice is shown but cannot be changed.
    safety: bool = False
    channels: tuple[str, ...] = (EMAIL,)
    #: Staff hear of it at once unless they choose otherwise: someone waits for their next step.
    pressing: bool = False

    def default_for(self, role: Role | None) -> Choice:
        """At once for what a volunteer (or report viewer) gets, and for what is pressing; staff read
        the other ones in their daily digest."""
        if self.safety or self.pressing or role not in STAFF_ROLES:
            return Choice.AT_ONCE
        return Choice.DIGEST

    def concerns(self, role: Role | None) -> bool:
        return role in self.audience


#: Every kind by key (filled by saas.notifications.kinds when it is imported).
KINDS: dict[str, EventKind] = {}


def register(kind: EventKind) -> EventKind:
    if kind.key in KINDS and KINDS[kind.key] != kind:
        raise ValueError(f"two notification kinds are named {kind.key!r}")
    unknown = set(kind.channels) - set(CHANNELS)
    if unknown:
        raise ValueError(f"{kind.key}: unknown channels {sorted(unknown)}")
    KINDS[kind.key] = kind
    return kind


def kinds_for(role: Role | None) -> list[EventKind]:
    """The kinds that concern a member with ``role``, in the registry's order."""
    return [kind for kind in KINDS.values() if kind.concerns(role)]


def kind_named(key: str) -> EventKind | None:
    return KINDS.get(key)


def channels_of(kind: EventKind) -> Iterable[Channel]:
    return (CHANNELS[key] for key in kind.channels)
