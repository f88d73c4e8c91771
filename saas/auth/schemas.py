"""Input schemas for signing in, passwords, two-factor set-up, accounts and members."""

from __future__ import annotations

from typing import Any

from flask import current_app
from marshmallow import ValidationError, validates_schema

from saas.auth.roles import Role
from saas.contact import Phone
from saas.forms import Boolean, Choice, Email, Form, Password, String
from saas.i18n import L_, LANGUAGES

#: A few of the most common long passwords (ASVS 6.2.4 asks to refuse well-known ones).
COMMON_PASSWORDS = frozenset({
    "1234567890", "12345678910", "123456789a", "qwertyuiop", "password123", "password1234",
    "wachtwoord1", "wachtwoord123", "welkom1234", "welkom12345", "iloveyou123", "1q2w3e4r5t",
    "qwerty12345", "abcdefghij", "0987654321", "1111111111", "samenoplopen", "samen-oplopen",
})


class LoginForm(Form):
    email = Email(required=True)
    password = Password(required=True, max_length=256)
    remember = Boolean()


class TwoFactorForm(Form):
    code = String(required=True, max_length=32)


class ForgotPasswordForm(Form):
    email = Email(required=True)


class NewPasswordForm(Form):
    """A new password typed twice, checked against the length policy and common passwords."""

    password = Password(required=True, max_length=256)
    password_confirm = Password(required=True, max_length=256)

    @validates_schema
    def _check_password(self, data: dict[str, Any], **_kwargs: Any) -> None:
        password = data.get("password", "")
        minimum = current_app.config["PASSWORD_MIN_LENGTH"]
        if len(password) < minimum:
            raise ValidationError(L_("Use at least {n} characters.").format(n=minimum), "password")
        if password.lower() in COMMON_PASSWORDS:
            raise ValidationError(L_("This password is too common. Choose another."), "password")
        if password != data.get("password_confirm"):
            raise ValidationError(L_("The two passwords are not the same."), "password_confirm")


class AcceptInvitationForm(NewPasswordForm):
    name = String(required=True, max_length=120)


class ChangePasswordForm(NewPasswordForm):
    current_password = Password(required=True, max_length=256)


class ConfirmPasswordForm(Form):
    current_password = Password(required=True, max_length=256)


class ProfileForm(Form):
    name = String(required=True, max_length=120)
    #: Optional; shown to the volunteers a coordinator guides.
    phone = Phone(allow_none=True)
    locale = Choice([*LANGUAGES, "auto"], required=True)


class LanguageForm(Form):
    locale = Choice(list(LANGUAGES), required=True)
    next = String(max_length=2000)


class InviteMemberForm(Form):
    email = Email(required=True)
    role = Choice(Role, required=True)


class ChangeRoleForm(Form):
    role = Choice(Role, required=True)


class SetActiveForm(Form):
    active = Boolean()
