"""Drafts of long forms: what a person typed, kept on the server until the form is sent.

A form page that keeps drafts is marked with :func:`saas.drafts.keeping.keeps_drafts`; the form
recipe (saas.web.FormPage) then restores the draft, autosaves it (static/drafts.js) and discards it
when the form is sent, and the idle sign-out keeps what a late submission carried
(saas.auth.session). Nothing typed is lost to a closed tab, another device or an expired session;
a draft nobody comes back to is deleted after 60 days (saas.drafts.jobs).
"""

from saas.packages import Package

package = Package(
    models=("saas.drafts.models",),
    jobs=("saas.drafts.jobs:old_drafts",),
)
