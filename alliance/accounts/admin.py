"""Accounts in the admin, under separation of duties (accounts/services.py): memberships go
through the services (nobody edits their own; widening waits for a second administrator), and
administrators never set a password — they send a one-time reset link to the user."""

from allauth.account.decorators import reauthentication_required
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alliance.core.admin import AuditedAdmin, ConfigurationInline

from . import services, signin
from .models import Membership, Role, User


def _message(exc) -> str:
    return " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)


class MembershipForm(forms.ModelForm):
    roles = forms.MultipleChoiceField(label=gettext_lazy("Roles"), choices=Role.choices,
                                      widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Membership
        fields = ["agency", "roles", "sector", "is_active"]


class MembershipFormSet(forms.BaseInlineFormSet):
    """Asks the services whether each change may be made, so that a refusal is shown on the
    form with its reason and nothing is saved."""

    def clean(self):
        super().clean()
        changing = any(f.has_changed() for f in self.forms) or self.deleted_forms
        if changing and self.instance.pk == self.request_user.pk:
            raise ValidationError(_("Nobody changes their own memberships, roles or password: "
                                    "ask another administrator."))
        for form in self.forms:
            if not form.has_changed() or not hasattr(form, "cleaned_data"):
                continue
            data = form.cleaned_data
            if not data or not data.get("agency"):
                continue
            stored = Membership.objects.filter(pk=form.instance.pk).first()
            try:
                services.membership_check(actor=self.request_user, user=self.instance,
                                          agency=data["agency"], roles=data.get("roles", []),
                                          membership=stored)
            except (PermissionDenied, ValidationError) as exc:
                raise ValidationError(_message(exc)) from None


class MembershipInline(ConfigurationInline, admin.StackedInline):
    model = Membership
    fk_name = "user"
    form = MembershipForm
    formset = MembershipFormSet
    extra = 0
    readonly_fields = ["waiting_for_approval"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.request_user = request.user
        return formset

    @admin.display(description=gettext_lazy("Waiting for a second administrator"))
    def waiting_for_approval(self, membership):
        requested = membership.requested
        if not requested:
            return "—"
        labels = dict(Role.choices)
        return _("%(roles)s, requested by %(by)s") % {
            "roles": ", ".join(str(labels.get(r, r)) for r in requested["roles"]) or "—",
            "by": membership.requested_by}


class UserAddForm(forms.ModelForm):
    """A new account has no password: the user sets one from the reset link."""

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email"]

    def save(self, commit=True):
        user = super().save(commit=False)
        user.set_unusable_password()
        if commit:
            user.save()
        return user


@admin.register(User)
@method_decorator(reauthentication_required(allow_get=True), name="changeform_view")
@method_decorator(reauthentication_required(allow_get=True), name="changelist_view")
@method_decorator(reauthentication_required(allow_get=True), name="delete_view")
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "email", "is_active", "last_login"]
    list_filter = ["is_active", "memberships__agency"]
    search_fields = ["username", "first_name", "last_name"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["username"]}),
        (gettext_lazy("Person"), {"fields": ["first_name", "last_name", "email"]}),
        (gettext_lazy("Status"), {"fields": ["is_active", "last_login", "date_joined"]}),
    ]
    add_form = UserAddForm
    add_fieldsets = [(None, {"fields": ["username", "first_name", "last_name", "email"]})]
    readonly_fields = ["last_login", "date_joined"]
    actions = ["send_password_reset", "reset_second_factor", "unlock_sign_in"]

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        was_active = change and User.objects.filter(pk=obj.pk, is_active=True).exists()
        super().save_model(request, obj, form, change)
        if change and was_active and not obj.is_active:
            services.user_deactivated(actor=request.user, user=obj)
        if change and obj.is_active and not was_active:
            waiting = services.user_reactivated(actor=request.user, user=obj)
            if waiting:
                messages.warning(request, _("The account is active again; its memberships "
                                            "wait for a second administrator's approval."))

    def get_inline_instances(self, request, obj=None):
        # Memberships are added once the account exists (and each one goes through approval).
        return super().get_inline_instances(request, obj) if obj is not None else []

    def user_change_password(self, request, id, form_url=""):
        raise PermissionDenied(_("Administrators do not set passwords. Use “Send a password "
                                 "reset link”: the user chooses their own."))

    def get_readonly_fields(self, request, obj=None):
        # Nobody deactivates or renames their own account from here.
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.pk == request.user.pk:
            fields += ["username", "is_active"]
        return fields

    def save_formset(self, request, form, formset, change):
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        user = form.instance
        waiting = 0
        # What the admin's change message (its own history) reads after a save.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        with transaction.atomic():
            for sub in formset.deleted_forms:
                if sub.instance.pk:
                    formset.deleted_objects.append(sub.instance)
                    services.membership_delete(actor=request.user, membership=sub.instance)
            for sub in formset.forms:
                if not sub.has_changed() or sub in formset.deleted_forms:
                    continue
                data = sub.cleaned_data
                stored = Membership.objects.filter(pk=sub.instance.pk).first()
                saved = services.membership_save(
                    actor=request.user, user=user, agency=data["agency"], roles=data["roles"],
                    sector=data.get("sector", ""), is_active=data.get("is_active", False),
                    membership=stored)
                waiting += saved.requested is not None
                if stored is None:
                    formset.new_objects.append(saved)
                else:
                    formset.changed_objects.append((saved, sub.changed_data))
        if waiting:
            messages.warning(request, _("%(n)d change(s) widen access and wait for a second "
                                        "administrator's approval (Memberships waiting for "
                                        "approval).") % {"n": waiting})

    def _for_each(self, request, queryset, act, done):
        """Run `act(user)` for each selected account; say what happened to each."""
        for user in queryset:
            try:
                result = act(user)
            except (PermissionDenied, ValidationError) as exc:
                self.message_user(request, f"{user.username}: {_message(exc)}", messages.ERROR)
            else:
                self.message_user(request, done % {"user": user.username, "result": result})

    @admin.action(description=gettext_lazy("Send a password reset link (ends the current "
                                             "password)"))
    def send_password_reset(self, request, queryset):
        self._for_each(request, queryset, lambda user: services.password_reset_send(
            actor=request.user, user=user, request=request),
            _("%(user)s: a one-time reset link was sent to %(result)s."))

    @admin.action(description=gettext_lazy("Reset two-factor authentication"))
    def reset_second_factor(self, request, queryset):
        self._for_each(request, queryset, lambda user: services.second_factor_reset(
            actor=request.user, user=user),
            _("%(user)s will set up two-factor authentication again at their next sign-in."))

    @admin.action(description=gettext_lazy("Unlock sign-in (after too many failed attempts)"))
    def unlock_sign_in(self, request, queryset):
        self._for_each(request, queryset, lambda user: signin.unlock(actor=request.user,
                                                                     user=user),
                       _("%(user)s may sign in again."))


class WaitingFilter(admin.SimpleListFilter):
    title = gettext_lazy("approval")
    parameter_name = "waiting"

    def lookups(self, request, model_admin):
        return [("yes", _("Waiting for approval"))]

    def queryset(self, request, queryset):
        return queryset.filter(requested__isnull=False) if self.value() == "yes" else queryset


@admin.register(Membership)
@method_decorator(reauthentication_required(allow_get=True), name="changelist_view")
class MembershipAdmin(AuditedAdmin):
    """Where a second administrator approves or rejects the grants that wait. Memberships are
    edited on their user's page."""

    list_display = ["user", "agency", "roles_display", "sector", "is_active", "requested_display",
                    "requested_by", "requested_at"]
    list_filter = [WaitingFilter, "agency"]
    search_fields = ["user__username", "user__last_name", "agency__name"]
    actions = ["approve", "reject"]

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("Roles"))
    def roles_display(self, membership):
        return membership.get_roles_display()

    @admin.display(description=gettext_lazy("Waiting for approval"))
    def requested_display(self, membership):
        if not membership.requested:
            return "—"
        labels = dict(Role.choices)
        return ", ".join(str(labels.get(r, r)) for r in membership.requested["roles"])

    def _decide(self, request, queryset, approve: bool):
        for membership in queryset.filter(requested__isnull=False):
            try:
                services.membership_approve(actor=request.user, membership=membership,
                                            approve=approve)
            except (PermissionDenied, ValidationError) as exc:
                self.message_user(request, f"{membership}: {_message(exc)}", messages.ERROR)
            else:
                self.message_user(request, (_("%(m)s: approved.") if approve else
                                            _("%(m)s: rejected.")) % {"m": membership})

    @admin.action(description=gettext_lazy("Approve the waiting grants"))
    def approve(self, request, queryset):
        self._decide(request, queryset, True)

    @admin.action(description=gettext_lazy("Reject the waiting grants"))
    def reject(self, request, queryset):
        self._decide(request, queryset, False)
