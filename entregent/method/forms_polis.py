"""Importing a Polis conversation (its comments.csv and votes.csv) into a version: the form
reads and checks both files, ``save()`` writes everything in one transaction.

Polis' participants become ``ImportedParticipant`` rows (no account: they cannot log in, and
count in the statistics like members); its comments become suggestions written by them, with
their agree, disagree and pass counts from the latest votes; its votes become votes of theirs.
A comment moderated out in Polis (-1) arrives in the trash (reason "other"), one not moderated
(0) or moderated in (1) arrives published.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from entregent.method import analysis, polis_io
from entregent.method.models import (
    Comment,
    ImportedParticipant,
    ModerationAction,
    StepVersion,
    Vote,
)

# Polis' largest public conversations export votes.csv files of a few megabytes.
MAX_BYTES = 50 * 1024 * 1024
# A conversation goes into a version that is or was discussed, the ones analysed: not a
# draft nor a version already superseded (its synthesis is done).
IMPORTABLE_STATES = analysis.ANALYSED_STATES
# Polis' 1, -1, 0 as the site's choices.
CHOICES = {value: choice for choice, value in analysis.CHOICE_VALUES.items()}


class AlreadyImported(Exception):
    """The conversation was imported into the version meanwhile (a second submit)."""


@dataclass(frozen=True)
class ImportSummary:
    participants: int
    comments: int
    trashed: int
    votes: int


def already_imported_message(version: StepVersion) -> str:
    return gettext(
        "This conversation is already imported into version %(number)d: importing it again "
        "would count its votes twice."
    ) % {"number": version.number}


def _moment(milliseconds: int | None, default: dt.datetime) -> dt.datetime:
    if milliseconds is None:
        return default
    try:
        return dt.datetime.fromtimestamp(milliseconds / 1000, tz=dt.UTC)
    except (OverflowError, OSError, ValueError):
        return default


class PolisImportForm(forms.Form):
    comments = forms.FileField(
        label=_("Comments (comments.csv)"),
        help_text=_("The statements: comment-id, author-id, moderated and comment-body."),
    )
    votes = forms.FileField(
        label=_("Votes (votes.csv)"),
        help_text=_("Every vote: comment-id, voter-id and vote (1, -1 or 0)."),
    )

    def __init__(self, *args: Any, version: StepVersion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.version = version
        self.conversation: polis_io.Conversation | None = None
        for name in ("comments", "votes"):
            self.fields[name].widget.attrs["accept"] = ".csv,text/csv"

    def _text(self, name: str) -> str | None:
        file: UploadedFile | None = self.cleaned_data.get(name)
        if file is None:
            return None
        if file.size and file.size > MAX_BYTES:
            self.add_error(
                name,
                forms.ValidationError(
                    _("This file is %(size)s: files up to %(limit)s can be imported."),
                    code="too_big",
                    params={
                        "size": filesizeformat(file.size),
                        "limit": filesizeformat(MAX_BYTES),
                    },
                ),
            )
            return None
        try:
            return polis_io.decode(file.read(), f"{name}.csv")
        except polis_io.PolisFormatError as error:
            self.add_error(name, forms.ValidationError(str(error), code="format"))
            return None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.version.state not in IMPORTABLE_STATES:
            raise forms.ValidationError(
                _(
                    "A conversation can be imported into a version open for feedback, in "
                    "synthesis or validated; version %(number)d is %(state)s."
                ),
                code="state",
                params={
                    "number": self.version.number,
                    "state": self.version.get_state_display().lower(),
                },
            )
        comments, votes = self._text("comments"), self._text("votes")
        if comments is None or votes is None:
            return cleaned
        try:
            self.conversation = polis_io.read_conversation(comments, votes)
        except polis_io.PolisFormatError as error:
            field = "votes" if error.file == "votes.csv" else "comments"
            self.add_error(field, forms.ValidationError(str(error), code="format"))
            return cleaned
        if self.is_imported(self.conversation):
            raise forms.ValidationError(
                already_imported_message(self.version), code="already_imported"
            )
        return cleaned

    def is_imported(self, conversation: polis_io.Conversation) -> bool:
        return ImportedParticipant.objects.filter(
            version=self.version, external_id__startswith=f"{conversation.fingerprint}:"
        ).exists()

    def save(self) -> ImportSummary:
        """Write the conversation into the version, all of it or nothing (``AlreadyImported``
        when another import of it got there first)."""
        assert self.conversation is not None, "save() is for a valid form"
        try:
            with transaction.atomic():
                summary = import_conversation(self.version, self.conversation)
        except IntegrityError:
            raise AlreadyImported from None
        return summary


def import_conversation(
    version: StepVersion, conversation: polis_io.Conversation
) -> ImportSummary:
    """Write ``conversation`` into ``version`` (inside the caller's transaction)."""
    now = timezone.now()
    # External ids carry the conversation's fingerprint: a second import of the same
    # conversation collides with the first (a unique constraint), another one does not.
    key = conversation.fingerprint
    ImportedParticipant.objects.bulk_create(
        [
            ImportedParticipant(version=version, external_id=f"{key}:{pid}", created_at=now)
            for pid in conversation.participant_ids()
        ],
        batch_size=500,
    )
    participants = dict(
        ImportedParticipant.objects.filter(
            version=version, external_id__startswith=f"{key}:"
        ).values_list("external_id", "pk")
    )
    counts = conversation.counts()
    Comment.objects.bulk_create(
        [
            Comment(
                version=version,
                step_id=version.step_id,
                imported_author_id=participants[f"{key}:{c.author_id}"],
                external_id=f"{key}:{c.comment_id}",
                kind=Comment.Kind.SUGGESTION,
                body=c.body,
                status=Comment.Status.TRASHED if c.is_moderated_out else Comment.Status.PUBLISHED,
                trash_reason=Comment.TrashReason.OTHER if c.is_moderated_out else "",
                created_at=_moment(c.timestamp, now),
                agree_count=counts[c.comment_id][0],
                disagree_count=counts[c.comment_id][1],
                pass_count=counts[c.comment_id][2],
            )
            # In Polis' order, so that the statements keep it on the site (by id).
            for c in conversation.comments
        ],
        batch_size=500,
    )
    comments = dict(
        Comment.objects.filter(version=version, external_id__startswith=f"{key}:").values_list(
            "external_id", "pk"
        )
    )
    trashed = [c for c in conversation.comments if c.is_moderated_out]
    # The audit log keeps why these are in the trash, as for any moderation decision.
    ModerationAction.objects.bulk_create(
        [
            ModerationAction(
                method_id=version.step.method_id,
                comment_id=comments[f"{key}:{c.comment_id}"],
                action=ModerationAction.Action.TRASH,
                reason=Comment.TrashReason.OTHER,
                note=gettext("Moderated out in the Polis conversation it was imported from."),
                created_at=now,
            )
            for c in trashed
        ],
        batch_size=500,
    )
    votes = []
    for v in conversation.votes:
        at = _moment(v.timestamp, now)
        votes.append(
            Vote(
                comment_id=comments[f"{key}:{v.comment_id}"],
                participant_id=participants[f"{key}:{v.voter_id}"],
                choice=CHOICES[v.vote],
                created_at=at,
                updated_at=at,
            )
        )
    Vote.objects.bulk_create(votes, batch_size=1000)
    transaction.on_commit(lambda: analysis.request_refresh(version))
    return ImportSummary(
        participants=len(participants),
        comments=len(comments) - len(trashed),
        trashed=len(trashed),
        votes=len(votes),
    )
