"""Forms of the feedback: a comment (new, reply, edit), a vote, a flag, a moderator's decision.

The comment form owns the rules a member can run into: the version must take comments, a
reply goes three levels deep at most, and a comment that names people of the author's own
network is posted only once the author has seen which and said so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from entregent.method.models import MAX_DEPTH, Comment, Flag, StepVersion, Vote
from entregent.method.network_names import PersonNames, names_in_text

if TYPE_CHECKING:
    from entregent.accounts.models import User

MAX_COMMENT_LENGTH = 10_000


class CommentForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("This is a"),
        choices=Comment.Kind.choices,
        initial=Comment.Kind.REMARK,
        widget=forms.RadioSelect,
    )
    body = forms.CharField(
        label=_("Your comment"),
        max_length=MAX_COMMENT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Markdown: **bold**, *italics*, lists, links. Suggestions and criticisms are voted on."
        ),
    )
    confirm_names = forms.BooleanField(
        label=_("I have checked: post it with these names"), required=False
    )
    # The contacts the author was warned about, so that a name added after the warning is
    # warned about again.
    warned = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        author: User,
        version: StepVersion,
        parent: Comment | None = None,
        comment: Comment | None = None,
        **kwargs: Any,
    ) -> None:
        if comment is not None and not kwargs.get("initial") and not args:
            kwargs["initial"] = {"kind": comment.kind, "body": comment.body}
        super().__init__(*args, **kwargs)
        self.author = author
        self.version = version
        self.parent = parent
        self.comment = comment
        # The people of the author's network the text names, when they must confirm.
        self.named_people: list[PersonNames] = []
        self.fields["body"].widget.attrs["maxlength"] = MAX_COMMENT_LENGTH

    @property
    def names_to_confirm(self) -> str:
        return ", ".join(person.display_name for person in self.named_people)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.version.takes_comments:
            raise ValidationError(
                _("Version %(number)s of this step no longer takes comments."),
                code="closed",
                params={"number": self.version.number},
            )
        parent = self.parent
        if parent is not None:
            if parent.status != Comment.Status.PUBLISHED:
                raise ValidationError(
                    _("This comment is not published: it takes no replies."), code="parent"
                )
            if parent.depth >= MAX_DEPTH:
                raise ValidationError(
                    _(
                        "This conversation is already %(depth)s levels deep: reply to the "
                        "comment it answers instead."
                    ),
                    code="too_deep",
                    params={"depth": MAX_DEPTH},
                )
        comment = self.comment
        kind = data.get("kind")
        if (
            comment is not None
            and kind
            and kind != comment.kind
            and comment.vote_total()
            and kind not in Comment.VOTABLE_KINDS
        ):
            self.add_error(
                "kind",
                ValidationError(
                    _("Members have voted on it: it stays a suggestion or a criticism."),
                    code="voted",
                ),
            )
        body = data.get("body")
        if body:
            self._check_names(body)
        return data

    def _check_names(self, body: str) -> None:
        named = names_in_text(self.author, body)
        if not named:
            return
        ids = {str(person.contact_id) for person in named}
        warned = set(filter(None, (self.cleaned_data.get("warned") or "").split(",")))
        if self.cleaned_data.get("confirm_names") and ids <= warned:
            return
        self.named_people = named
        # Shown again with the warning: the checkbox unticked, the names just found.
        data = cast(QueryDict, self.data).copy()
        data["warned"] = ",".join(sorted(ids))
        data.pop("confirm_names", None)
        self.data = data
        raise ValidationError(
            _(
                "Your comment names people from your network: %(names)s. Readers will see "
                "these names. Post it anyway, or edit it."
            ),
            code="names",
            params={"names": self.names_to_confirm},
        )


class VoteForm(forms.Form):
    choice = forms.ChoiceField(label=_("Your vote"), choices=Vote.Choice.choices)


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong with it?"),
        choices=Flag.Reason.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Details for the moderators"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for “Other”. Only the moderators read it."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("reason") == Flag.Reason.OTHER and not (data.get("note") or "").strip():
            self.add_error(
                "note",
                ValidationError(_("Say what is wrong, for the moderators."), code="required"),
            )
        return data


class TrashForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason"),
        # Off topic first: the reason the method's trash exists for.
        choices=Comment.TrashReason.choices,
        initial=Comment.TrashReason.OFF_TOPIC,
    )
    note = forms.CharField(
        label=_("Note to the author (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Sent to the author with the reason, and kept in the moderation log."),
    )


class DecisionForm(forms.Form):
    """Restore, approve, keep: an optional note, for the author and the log."""

    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
