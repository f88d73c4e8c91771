"""VOG expiring, as a notification: the daily :data:`vog_reminders` job tells the volunteer (when
they have an account) and the coordinators whose caseload it is, once per VOG. The rule is the
start page's VOG_EXPIRING signal (tenants.home.queries), so the mail and the signal agree."""

from __future__ import annotations

from saas.auth.models import User
from saas.db import db
from saas.jobs.registry import Daily, Details, Job
from saas.notifications import kinds
from saas.notifications.jobs import each_tenant
from saas.notifications.sending import notify, tenant_link
from saas.tenancy.models import Tenant
from tenants.home.queries import vog_signals
from tenants.volunteers.models import Volunteer


def notify_expiring_vogs(tenant: Tenant) -> int:
    made = 0
    for signal in vog_signals():
        volunteer = db.session.get_one(Volunteer, (tenant.id, signal.subject_id))
        params = {"volunteer": volunteer.name, "expires_on": signal.facts["expires_on"]}
        # The VOG's issue date: a new VOG is a new event, the same one a second day is not.
        event_key = signal.key.split("/")[0]
        own = db.session.get(User, volunteer.user_id) if volunteer.user_id else None
        made += len(notify(kinds.VOG_EXPIRING, [own], subject_id=volunteer.id, event_key=event_key,
                           link=tenant_link("self_service.index"), **params))
        coordinators = [db.session.get(User, user_id) for user_id in signal.coordinator_ids]
        made += len(notify(kinds.VOG_EXPIRING, coordinators, subject_id=volunteer.id, event_key=event_key,
                           link=tenant_link("volunteers.show", volunteer_id=volunteer.id), **params))
    return made


def send_vog_reminders() -> Details:
    return each_tenant(notify_expiring_vogs)


#: At 06:00, so what coordinators read in their digest is there for the 07:00 digest.
vog_reminders = Job("vog_reminders", send_vog_reminders, Daily(hour=6),
                    "tell volunteers and their coordinators of a VOG about to expire")
