"""The demo dataset: the foundation, three tenants and fictional people in every role.

Every name is invented. Staff accounts get an authenticator secret derived from their e-mail
address, so the demo can be tried without a phone: ``flask demo code <email>`` prints the code.
That derivation is for demo data only; real secrets are random (saas.auth.secrets).
"""

from __future__ import annotations

import base64
import hashlib
import random
from collections.abc import Mapping
from dataclasses import dataclass

import pyotp
from sqlalchemy import select

from saas import packages
from saas.audit.operations import record, record_platform
from saas.auth.models import Membership, User
from saas.auth.roles import FoundationRole, Role
from saas.auth.secrets import hash_password, store_totp_secret
from saas.crypto import DecryptionError, ensure_tenant_key, unseal
from saas.db import db, tenant_context
from saas.demo_size import DemoSize, demo_size
from saas.tenancy.models import Tenant

DEMO_PASSWORD = "samen-oplopen-demo"
DEMO_DOMAIN = "demo.samenoplopen.example"


@dataclass(frozen=True)
class DemoTenant:
    slug: str
    name: str
    municipalities: tuple[str, ...]
    people: tuple[tuple[str, str, Role], ...]  # (local part, name, role)


FOUNDATION = (("stichting", "Anne de Vries", FoundationRole.ADMIN),
              ("analist", "Joost Bakker", FoundationRole.STAFF))

TENANTS = (
    DemoTenant("heusden", "Samen Oplopen Heusden", ("Heusden",), (
        ("manager.heusden", "Marieke van den Berg", Role.MANAGER),
        ("coordinator.heusden", "Sanne Jansen", Role.COORDINATOR),
        ("fatima", "Fatima El Amrani", Role.COORDINATOR),
        ("vrijwilliger.heusden", "Kees Verhoeven", Role.VOLUNTEER),
        ("ingrid", "Ingrid Smit", Role.VOLUNTEER),
        ("gemeente.heusden", "Rob Hendriks", Role.REPORT_VIEWER),
    )),
    DemoTenant("zeist", "Samen Oplopen Zeist", ("Zeist",), (
        ("manager.zeist", "Peter de Graaf", Role.MANAGER),
        ("coordinator.zeist", "Lotte Mulder", Role.COORDINATOR),
        ("fatima", "Fatima El Amrani", Role.COORDINATOR),
        ("yasmina", "Yasmina Haddad", Role.VOLUNTEER),
        ("vrijwilliger.zeist", "Henk Dekker", Role.VOLUNTEER),
        ("gemeente.zeist", "Esther Vos", Role.REPORT_VIEWER),
    )),
    DemoTenant("papendrecht", "Samen Oplopen Papendrecht", ("Papendrecht", "Alblasserdam"), (
        ("manager.papendrecht", "Wendy Kok", Role.MANAGER),
        ("coordinator.papendrecht", "Bram Visser", Role.COORDINATOR),
        ("vrijwilliger.papendrecht", "Gerda Bos", Role.VOLUNTEER),
        ("ahmed", "Ahmed Yilmaz", Role.VOLUNTEER),
        ("gemeente.papendrecht", "Tom Willems", Role.REPORT_VIEWER),
    )),
)

#: Demo people who read the interface in another language than Dutch.
LOCALES = {"yasmina": "ar", "ahmed": "en"}


def demo_email(local_part: str) -> str:
    return f"{local_part}@{DEMO_DOMAIN}"


def demo_totp_secret(email: str) -> str:
    return base64.b32encode(hashlib.sha256(f"demo:{email}".encode()).digest()[:20]).decode()


class NotADemoCode(Exception):
    """Why no authenticator code can be printed for the address asked for."""


def demo_address(name: str) -> str:
    """The full address for ``name``: a local part (``coordinator.heusden``) gets the demo domain."""
    name = name.strip().lower()
    return name if "@" in name else demo_email(name)


def current_demo_code(name: str) -> str:
    """The authenticator code of a demo account right now; ``name`` is its address or local part.

    Raises :class:`NotADemoCode` with a reason a newcomer can act on."""
    email = demo_address(name)
    if not email.endswith("@" + DEMO_DOMAIN):
        raise NotADemoCode(f"{email} is not a demo account: codes are printed only for addresses "
                           f"ending in @{DEMO_DOMAIN} (or their local part, such as coordinator.heusden).")
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        raise NotADemoCode(f"There is no demo account {email}; `flask demo seed` lists the demo logins.")
    if user.totp_secret_encrypted is None:
        raise NotADemoCode(f"{email} signs in with the password only: volunteers and report viewers "
                           "need no authenticator code.")
    try:
        secret = unseal(user.totp_secret_encrypted, f"totp:{user.id}".encode()).decode()
    except DecryptionError as error:
        raise NotADemoCode(f"The authenticator secret of {email} does not open with this SAAS_MASTER_KEY.") from error
    return pyotp.TOTP(secret).now()


def _person(users: dict[str, User], local_part: str, name: str, *, two_factor: bool) -> User:
    if local_part not in users:
        email = demo_email(local_part)
        user = User(email=email, name=name, password_hash=_demo_hash(), locale=LOCALES.get(local_part))
        db.session.add(user)
        db.session.flush()
        users[local_part] = user
    user = users[local_part]
    if two_factor and user.totp_secret_encrypted is None:
        store_totp_secret(user, demo_totp_secret(user.email))
    if two_factor and user.phone is None:  # staff: a fictional number the volunteers they guide see
        user.phone = f"06-12345{900 + len(users) % 100:03d}"
    return user


_hash_cache: list[str] = []


def _demo_hash() -> str:
    if not _hash_cache:  # one Argon2 hash for all demo people: seeding stays fast
        _hash_cache.append(hash_password(DEMO_PASSWORD))
    return _hash_cache[0]


def demo_logins() -> list[str]:
    """One printable line per demo login: role, e-mail address, where to go."""
    lines = [f"{role.value:<14} {demo_email(local):<50} /foundation/" for local, _name, role in FOUNDATION]
    for spec in TENANTS:
        lines += [f"{role.value:<14} {demo_email(local):<50} /t/{spec.slug}/" for local, _name, role in spec.people]
    return lines


def seed_demo(sizes: Mapping[str, DemoSize] | None = None) -> None:
    """Create the demo data (see :func:`demo_logins` for who can sign in); ``sizes`` fixes the number
    of families and volunteers of tenants by slug (the benchmarks' large tenant)."""
    sizes = sizes or {}
    users: dict[str, User] = {}
    for local_part, name, foundation_role in FOUNDATION:
        user = _person(users, local_part, name, two_factor=True)
        user.foundation_role = foundation_role
    admin = users["stichting"]
    for spec in TENANTS:
        tenant = Tenant(slug=spec.slug, name=spec.name, municipalities=list(spec.municipalities), default_locale="nl")
        db.session.add(tenant)
        db.session.flush()
        record_platform("tenant.created", user=admin, tenant_id=tenant.id, slug=spec.slug)
        with tenant_context(db.session, tenant.id):
            ensure_tenant_key()
            record(admin, "tenant.created", tenant, slug=spec.slug)
            people: dict[Role, list[User]] = {}
            for local_part, name, role in spec.people:
                user = _person(users, local_part, name, two_factor=role.requires_two_factor)
                db.session.add(Membership(user_id=user.id, role=role))
                people.setdefault(role, []).append(user)
            db.session.flush()
            rng = random.Random(spec.slug)  # noqa: S311 - the same demo every time, not a secret
            with demo_size(sizes.get(spec.slug, DemoSize())):
                for seeder in packages.demo_seeders():
                    seeder(tenant, people, rng)
            db.session.flush()
