"""One-time submissions: a double click or a client's retry of the same form writes nothing twice.

Every form rendered with the shared ``csrf()`` macro carries a fresh submission token (a JSON
client sends an ``Idempotency-Key`` header instead, e.g. the id a phone app generates for the
thing it creates). The form recipe (saas.web.run_form) claims the token in the transaction of the
change: a repeat of a sent form answers the first result (its redirect) and runs nothing; a
concurrent repeat waits on the unique constraint until the first commits. Tokens are forgotten
after a few days (saas.submissions.jobs).
"""

from saas.packages import Package

package = Package(
    models=("saas.submissions.models",),
    jobs=("saas.submissions.jobs:old_submissions",),
)
