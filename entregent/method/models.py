"""A networking method built in the open, one step at a time, with the members.

- ``Method``: title, slug, description, language, public or members-only; its team
  (``MethodRole``: facilitators and moderators) and its ``Subscription``s.
- ``Step``: an ordered place in the method; its content lives in ``StepVersion``s.
- ``StepVersion``: one version of a step, with the lifecycle every later feature follows:
  draft -> scheduled -> open for feedback -> in synthesis -> validated -> superseded.
- ``Comment`` (typed, threaded to depth 3, with ``CommentRevision``s), ``Vote`` (agree,
  disagree, pass on suggestions and criticisms), ``Flag`` and ``ModerationAction`` (the audit
  log of every moderation decision).

State changes live here, as methods that check the transition and write it atomically with a
conditional UPDATE, so that two requests (or the scheduler and a facilitator) cannot both make
the same transition. Notifications and emails that follow a transition are in
``method/publication.py``.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from entregent.goals.models import Outcome, OwnedQuerySet

if TYPE_CHECKING:
    from entregent.accounts.models import User


# Comments nest this deep at most: a comment (1), a reply (2), a reply to the reply (3).
MAX_DEPTH = 3


class MethodQuerySet(models.QuerySet["Method"]):
    def visible_to(self, user: Any) -> MethodQuerySet:
        """Public methods for anyone; members-only ones for members; every method a member
        is on the team of."""
        if not getattr(user, "is_authenticated", False):
            return self.filter(visibility=Method.Visibility.PUBLIC)
        return self.all()


class Method(models.Model):
    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public: anyone can read it")
        MEMBERS = "members", _("Members only")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("short name in links"), max_length=80, unique=True)
    description = models.TextField(
        _("description"), blank=True, help_text=_("Markdown: **bold**, *italics*, lists, links.")
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="fr"
    )
    visibility = models.CharField(
        _("who can read it"),
        max_length=8,
        choices=Visibility.choices,
        default=Visibility.PUBLIC,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = MethodQuerySet.as_manager()

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("method")
        verbose_name_plural = _("methods")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("methods:detail", args=[self.slug])

    @property
    def is_public(self) -> bool:
        return self.visibility == self.Visibility.PUBLIC

    def roles_of(self, user: Any) -> set[str]:
        """The roles ``user`` holds on this method, cached on the instance per user."""
        if not getattr(user, "is_authenticated", False):
            return set()
        cache: dict[int, set[str]] = self.__dict__.setdefault("_roles", {})
        if user.pk not in cache:
            cache[user.pk] = set(self.roles.filter(user=user).values_list("role", flat=True))
        return cache[user.pk]

    def is_facilitator(self, user: Any) -> bool:
        return MethodRole.Role.FACILITATOR in self.roles_of(user)

    def is_moderator(self, user: Any) -> bool:
        """Moderators, and facilitators: they answer for the whole method."""
        return bool(self.roles_of(user) & {MethodRole.Role.FACILITATOR, MethodRole.Role.MODERATOR})

    def team(self, role: str) -> models.QuerySet[User]:
        from entregent.accounts.models import User

        return User.objects.filter(method_roles__method=self, method_roles__role=role).order_by(
            "display_name", "email"
        )

    def add_role(self, user: User, role: str) -> MethodRole:
        return MethodRole.objects.get_or_create(method=self, user=user, role=role)[0]


class MethodRole(models.Model):
    class Role(models.TextChoices):
        FACILITATOR = "facilitator", _("Facilitator")
        MODERATOR = "moderator", _("Moderator")

    method = models.ForeignKey(Method, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="method_roles"
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["method", "user", "role"], name="method_role_once")
        ]
        verbose_name = _("role in a method")
        verbose_name_plural = _("roles in methods")

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.method})"


class Subscription(models.Model):
    """A member who wants an email and a notification when a version of a step is published."""

    method = models.ForeignKey(Method, on_delete=models.CASCADE, related_name="subscriptions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="method_subscriptions"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["method", "user"], name="method_subscription_once")
        ]
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")

    def __str__(self) -> str:
        return f"{self.user} → {self.method}"


class Step(models.Model):
    method = models.ForeignKey(Method, on_delete=models.CASCADE, related_name="steps")
    number = models.PositiveSmallIntegerField(_("number"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["method", "number"]
        constraints = [
            models.UniqueConstraint(fields=["method", "number"], name="method_step_number_once")
        ]
        verbose_name = _("step")
        verbose_name_plural = _("steps")

    def __str__(self) -> str:
        return f"{self.method} #{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("methods:step", args=[self.method.slug, self.number])

    def current_version(self, user: Any = None) -> StepVersion | None:
        """The version a reader sees on the step's page: the latest validated one, else the
        latest published one (open or in synthesis). Facilitators, who have nothing
        published yet, see their latest draft or scheduled version."""
        versions = list(self.versions.all())
        by_number = sorted(versions, key=lambda v: v.number, reverse=True)
        for states in (
            {StepVersion.State.VALIDATED},
            {StepVersion.State.OPEN, StepVersion.State.SYNTHESIS},
        ):
            for version in by_number:
                if version.state in states:
                    return version
        if user is not None and self.method.is_facilitator(user):
            return by_number[0] if by_number else None
        return None


class StepVersionQuerySet(models.QuerySet["StepVersion"]):
    def published(self) -> StepVersionQuerySet:
        """Versions a reader can see: published and beyond (not drafts, not scheduled)."""
        return self.filter(state__in=StepVersion.PUBLISHED_STATES)

    def due_for_publication(self, now: dt.datetime) -> StepVersionQuerySet:
        return self.filter(state=StepVersion.State.SCHEDULED, publish_at__lte=now)

    def due_for_closing(self, now: dt.datetime) -> StepVersionQuerySet:
        return self.filter(state=StepVersion.State.OPEN, feedback_closes_at__lte=now)


class TransitionError(ValidationError):
    """A lifecycle change that the version's state does not allow (or that somebody else
    made first)."""


class StepVersion(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        OPEN = "open", _("Open for feedback")
        SYNTHESIS = "synthesis", _("In synthesis")
        VALIDATED = "validated", _("Validated")
        SUPERSEDED = "superseded", _("Superseded")

    # States a reader sees (public methods: anyone; members-only: members).
    PUBLISHED_STATES = (State.OPEN, State.SYNTHESIS, State.VALIDATED, State.SUPERSEDED)
    # States in which the version takes comments: a validated version still does, for the
    # next version of its step.
    COMMENTABLE_STATES = (State.OPEN, State.VALIDATED)
    # States in which the facilitator can still change its text.
    EDITABLE_STATES = (State.DRAFT, State.SCHEDULED)

    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    # The version this one was written from (a revision after a synthesis).
    based_on = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    reasoning = models.TextField(
        _("reasoning"), blank=True, help_text=_("Why this step: Markdown.")
    )
    recommendation = models.TextField(
        _("recommendation"), help_text=_("What to do, concretely: Markdown.")
    )
    # The concrete actions, one string each, in order.
    checklist = models.JSONField(_("checklist"), default=list, blank=True)
    # What the step will be judged against, as the results issue measures it: "at least
    # ``expected_count`` outcomes of ``expected_kind`` for ``expected_share``% of those who
    # apply it, within ``expected_window_days`` days".
    expected_kind = models.CharField(
        _("expected outcome"), max_length=16, choices=Outcome.Kind.choices, blank=True
    )
    expected_count = models.PositiveSmallIntegerField(_("at least"), null=True, blank=True)
    expected_share = models.PositiveSmallIntegerField(
        _("share of those who apply it (%)"), null=True, blank=True
    )
    expected_window_days = models.PositiveSmallIntegerField(
        _("within (days)"), null=True, blank=True
    )
    expectation_text = models.TextField(_("expectation, in words"), blank=True)

    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.DRAFT)
    publish_at = models.DateTimeField(_("publish at"), null=True, blank=True)
    # Optional: no closing date is imposed unless the facilitator sets one.
    feedback_closes_at = models.DateTimeField(_("feedback closes at"), null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    validated_at = models.DateTimeField(null=True, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)
    # The facilitator's synthesis of the feedback on this version (Markdown): written in the
    # synthesis workspace, public once this version or a revision of it is validated.
    synthesis = models.TextField(_("synthesis"), blank=True)
    synthesis_published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = StepVersionQuerySet.as_manager()

    class Meta:
        ordering = ["step", "number"]
        constraints = [
            models.UniqueConstraint(fields=["step", "number"], name="step_version_number_once"),
            models.CheckConstraint(
                condition=Q(expected_share__isnull=True) | Q(expected_share__lte=100),
                name="step_version_share_is_a_percentage",
            ),
        ]
        indexes = [models.Index(fields=["state", "publish_at"], name="step_version_due")]
        verbose_name = _("step version")
        verbose_name_plural = _("step versions")

    def __str__(self) -> str:
        return f"{self.step} v{self.number}: {self.title}"

    def get_absolute_url(self) -> str:
        step = self.step
        return reverse("methods:version", args=[step.method.slug, step.number, self.number])

    @property
    def is_published(self) -> bool:
        return self.state in self.PUBLISHED_STATES

    @property
    def takes_comments(self) -> bool:
        return self.state in self.COMMENTABLE_STATES

    @property
    def is_editable(self) -> bool:
        return self.state in self.EDITABLE_STATES

    def visible_to(self, user: Any) -> bool:
        return self.is_published or self.step.method.is_facilitator(user)

    # The lifecycle. Each change is one conditional UPDATE: it happens only if the version
    # is still in a state that allows it, so a double click, two facilitators or the
    # scheduler and a facilitator at once make it happen once. Returns whether it happened.

    def _move(self, allowed: tuple[str, ...], to: str, **fields: Any) -> bool:
        changed = StepVersion.objects.filter(pk=self.pk, state__in=allowed).update(
            state=to, updated_at=timezone.now(), **fields
        )
        if changed:
            self.state = to
            for name, value in fields.items():
                setattr(self, name, value)
        return bool(changed)

    def schedule(self, at: dt.datetime) -> bool:
        if at <= timezone.now():
            raise TransitionError(_("Choose a moment in the future to publish it."))
        return self._move(
            (self.State.DRAFT, self.State.SCHEDULED), self.State.SCHEDULED, publish_at=at
        )

    def unschedule(self) -> bool:
        return self._move((self.State.SCHEDULED,), self.State.DRAFT, publish_at=None)

    def publish(self, now: dt.datetime | None = None) -> bool:
        """Open the version for feedback, now. From a draft (a facilitator's "publish now")
        or a scheduled version (the scheduler, at its time)."""
        now = now or timezone.now()
        if self.feedback_closes_at is not None and self.feedback_closes_at <= now:
            raise TransitionError(_("The closing date of the feedback is already past."))
        return self._move(
            (self.State.DRAFT, self.State.SCHEDULED), self.State.OPEN, published_at=now
        )

    def close_feedback(self, now: dt.datetime | None = None) -> bool:
        """Feedback closed: the facilitator synthesises it (the synthesis issue)."""
        return self._move(
            (self.State.OPEN,), self.State.SYNTHESIS, closed_at=now or timezone.now()
        )

    def reopen_feedback(self) -> bool:
        """Back to open, for a synthesis closed too early; the closing date is cleared."""
        return self._move(
            (self.State.SYNTHESIS,), self.State.OPEN, closed_at=None, feedback_closes_at=None
        )

    @transaction.atomic
    def validate(self, now: dt.datetime | None = None) -> bool:
        """Validate the version as it stands (open or in synthesis) or a revised version
        written after the synthesis (a draft, validated directly). Every older validated
        version of the step becomes superseded."""
        now = now or timezone.now()
        validated = self._move(
            (self.State.DRAFT, self.State.OPEN, self.State.SYNTHESIS),
            self.State.VALIDATED,
            validated_at=now,
            published_at=self.published_at or now,
            closed_at=self.closed_at or now,
        )
        if validated:
            # The older versions still in discussion are done with too: a revised version
            # validated after the synthesis of version 1 closes version 1.
            StepVersion.objects.filter(
                step_id=self.step_id,
                state__in=(self.State.OPEN, self.State.SYNTHESIS, self.State.VALIDATED),
                number__lt=self.number,
            ).update(state=self.State.SUPERSEDED, superseded_at=now, updated_at=now)
            # The synthesis that led here is public from now on: this version's own, or the
            # one of the version it revises.
            StepVersion.objects.filter(
                Q(pk=self.pk) | Q(pk=self.based_on_id),
                synthesis_published_at__isnull=True,
            ).exclude(synthesis="").update(synthesis_published_at=now)
            Disposition.objects.waiting_for(self).update(integrated_in=self)
        return validated

    @property
    def is_revision(self) -> bool:
        """Written from an earlier version (after its synthesis, say): such a draft may be
        validated directly, its feedback having been given on the version it revises."""
        return self.based_on_id is not None

    def next_number(self) -> int:
        return (self.step.versions.aggregate(n=models.Max("number"))["n"] or 0) + 1

    def expectation_summary(self) -> str:
        """The structured expectation in words ("Reactivated contact: at least 2, for 60% of
        those who apply it, within 30 days"), or '' when none is set. Whole sentences, one
        per combination, so that each language can order its words."""
        from django.utils.translation import gettext, ngettext

        if not self.expected_kind or not self.expected_count:
            return ""
        values = {
            "what": Outcome.Kind(self.expected_kind).label,
            "count": self.expected_count,
            "share": self.expected_share or 0,
            "days": self.expected_window_days or 0,
        }
        if self.expected_share and self.expected_window_days:
            text = ngettext(
                "%(what)s: at least %(count)d, for %(share)d%% of those who apply it, "
                "within %(days)d day",
                "%(what)s: at least %(count)d, for %(share)d%% of those who apply it, "
                "within %(days)d days",
                self.expected_window_days,
            )
        elif self.expected_share:
            text = gettext("%(what)s: at least %(count)d, for %(share)d%% of those who apply it")
        elif self.expected_window_days:
            text = ngettext(
                "%(what)s: at least %(count)d, within %(days)d day",
                "%(what)s: at least %(count)d, within %(days)d days",
                self.expected_window_days,
            )
        else:
            text = gettext("%(what)s: at least %(count)d")
        return text % values


class Comment(models.Model):
    class Kind(models.TextChoices):
        REMARK = "remark", _("Remark")
        SUGGESTION = "suggestion", _("Suggestion")
        CRITICISM = "criticism", _("Criticism")
        QUESTION = "question", _("Question")

    class Status(models.TextChoices):
        PUBLISHED = "published", _("Published")
        # A new account's first comments, when the site holds them (METHOD_HOLD_FIRST_COMMENTS).
        HELD = "held", _("Held for review")
        # Flagged by METHOD_FLAGS_TO_HIDE members: hidden until a moderator decides.
        HIDDEN = "hidden", _("Hidden, pending review")
        TRASHED = "trashed", _("In the trash")

    class TrashReason(models.TextChoices):
        OFF_TOPIC = "off_topic", _("Off topic")
        SPAM = "spam", _("Spam or advertising")
        OFFENSIVE = "offensive", _("Offensive or disrespectful")
        PERSONAL_DATA = "personal_data", _("Names or details of a third party")
        DUPLICATE = "duplicate", _("Duplicate")
        OTHER = "other", _("Other")

    # Votes are taken on these kinds only: a remark or a question is not a proposal.
    VOTABLE_KINDS = (Kind.SUGGESTION, Kind.CRITICISM)

    # The version it was written on ("on version 1" once version 2 exists); the step is kept
    # beside it so that a step's page and its trash count read one index.
    version = models.ForeignKey(StepVersion, on_delete=models.CASCADE, related_name="comments")
    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="comments")
    # Null once the author erased their account: "former member", the text removed.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="method_comments",
    )
    # Set instead of ``author`` for a comment imported from a Polis-format export.
    imported_author = models.ForeignKey(
        "ImportedParticipant",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="comments",
    )
    # The comment's id in the export it was imported from ('' for the site's own comments).
    external_id = models.CharField(max_length=64, blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    depth = models.PositiveSmallIntegerField(default=1)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.REMARK)
    body = models.TextField(_("comment"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PUBLISHED
    )
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    author_erased = models.BooleanField(default=False)
    # Kept with the comment for its author and for readers; the audit log keeps the history.
    trash_reason = models.CharField(
        _("reason"), max_length=16, choices=TrashReason.choices, blank=True
    )
    trash_note = models.TextField(_("note to the author"), blank=True)
    # Counts kept with the comment, updated in the same transaction as the vote or flag, so
    # that a page of 500 comments and 20,000 votes reads them without a GROUP BY.
    agree_count = models.PositiveIntegerField(default=0)
    disagree_count = models.PositiveIntegerField(default=0)
    pass_count = models.PositiveIntegerField(default=0)
    open_flag_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["step", "status", "created_at"], name="comment_step_thread"),
            models.Index(fields=["version", "status"], name="comment_version"),
            models.Index(fields=["author", "created_at"], name="comment_author_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(depth__gte=1) & Q(depth__lte=MAX_DEPTH), name="comment_depth_range"
            )
        ]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    def get_absolute_url(self) -> str:
        """The comment in its thread, on its step's page (which shows every version's)."""
        step = self.step
        return reverse("methods:step", args=[step.method.slug, step.number]) + "#" + self.anchor

    @property
    def is_votable(self) -> bool:
        return self.kind in self.VOTABLE_KINDS

    def vote_total(self) -> int:
        return self.agree_count + self.disagree_count + self.pass_count

    # Feedback (method/feedback.py, moderation.py): where a comment is, and who sees it.

    @property
    def anchor(self) -> str:
        return f"comment-{self.pk}"

    @property
    def is_imported(self) -> bool:
        """Imported from a Polis-format export: its author is an imported participant, not
        a member (nor a former one)."""
        return self.imported_author_id is not None

    def is_readable_by(self, user: Any, moderator: bool) -> bool:
        """Whether ``user`` may read this comment's text: published ones for every reader of
        the method; held, hidden and trashed ones for their author and the moderators."""
        if self.status == self.Status.PUBLISHED or moderator:
            return True
        return self.author_id is not None and self.author_id == getattr(user, "pk", None)


class CommentRevision(models.Model):
    """A comment's text before an edit: its edit history."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="revisions")
    kind = models.CharField(max_length=12, choices=Comment.Kind.choices)
    body = models.TextField()
    # When this text was replaced.
    replaced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["comment", "replaced_at", "pk"]
        verbose_name = _("comment revision")
        verbose_name_plural = _("comment revisions")

    def __str__(self) -> str:
        return f"#{self.comment_id} before {self.replaced_at:%Y-%m-%d %H:%M}"


class Vote(models.Model):
    class Choice(models.TextChoices):
        AGREE = "agree", _("Agree")
        DISAGREE = "disagree", _("Disagree")
        PASS = "pass", _("Pass")

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="votes")
    # Null once the voter erased their account: the vote stays in the counts, unlinked.
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="method_votes",
    )
    # Set instead of ``voter`` for a vote imported from a Polis-format export.
    participant = models.ForeignKey(
        "ImportedParticipant",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="votes",
    )
    choice = models.CharField(_("vote"), max_length=8, choices=Choice.choices)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "voter"],
                condition=Q(voter__isnull=False),
                name="vote_once_per_member",
            ),
            models.UniqueConstraint(
                fields=["comment", "participant"],
                condition=Q(participant__isnull=False),
                name="vote_once_per_imported_participant",
            ),
        ]
        indexes = [models.Index(fields=["voter", "comment"], name="vote_by_voter")]
        verbose_name = _("vote")
        verbose_name_plural = _("votes")

    def __str__(self) -> str:
        return f"{self.choice} on #{self.comment_id}"

    COUNT_FIELDS: dict[str, str] = {
        Choice.AGREE: "agree_count",
        Choice.DISAGREE: "disagree_count",
        Choice.PASS: "pass_count",
    }

    @classmethod
    @transaction.atomic
    def cast(cls, comment: Comment, voter: User, choice: str) -> Vote:
        """Record or change ``voter``'s vote, keeping the comment's counts in step."""
        if not comment.is_votable:
            raise ValidationError(_("Votes are taken on suggestions and criticisms only."))
        vote = cls.objects.select_for_update().filter(comment=comment, voter=voter).first()
        counts: dict[str, Any] = {}
        if vote is None:
            vote = cls.objects.create(comment=comment, voter=voter, choice=choice)
            counts[cls.COUNT_FIELDS[choice]] = F(cls.COUNT_FIELDS[choice]) + 1
        elif vote.choice != choice:
            counts[cls.COUNT_FIELDS[vote.choice]] = F(cls.COUNT_FIELDS[vote.choice]) - 1
            counts[cls.COUNT_FIELDS[choice]] = F(cls.COUNT_FIELDS[choice]) + 1
            vote.choice = choice
            vote.updated_at = timezone.now()
            vote.save(update_fields=["choice", "updated_at"])
        if counts:
            Comment.objects.filter(pk=comment.pk).update(**counts)
            comment.refresh_from_db(fields=["agree_count", "disagree_count", "pass_count"])
        return vote


class Flag(models.Model):
    class Reason(models.TextChoices):
        OFF_TOPIC = "off_topic", _("Off topic")
        SPAM = "spam", _("Spam")
        OFFENSIVE = "offensive", _("Offensive")
        OTHER = "other", _("Other")

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="flags")
    flagger = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="method_flags",
    )
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    note = models.TextField(_("details"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Set when a moderator decided on the comment (trashed, restored, kept).
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "flagger"],
                condition=Q(flagger__isnull=False),
                name="flag_once_per_member",
            )
        ]
        indexes = [models.Index(fields=["comment", "resolved_at"], name="flag_open")]
        verbose_name = _("flag")
        verbose_name_plural = _("flags")

    def __str__(self) -> str:
        return f"{self.reason} on #{self.comment_id}"


class ModerationAction(models.Model):
    """One line of the audit log: who did what to which comment, when and why."""

    class Action(models.TextChoices):
        TRASH = "trash", _("Moved to the trash")
        RESTORE = "restore", _("Restored")
        APPROVE = "approve", _("Approved (held for review)")
        KEEP = "keep", _("Kept (flags dismissed)")
        # Done by the site itself, not a moderator: enough flags hid the comment.
        AUTO_HIDE = "auto_hide", _("Hidden after flags")
        HOLD = "hold", _("Held for review (new account)")

    method = models.ForeignKey(Method, on_delete=models.CASCADE, related_name="moderation_log")
    comment = models.ForeignKey(
        Comment, on_delete=models.SET_NULL, null=True, blank=True, related_name="moderation_log"
    )
    # Null for the site's own actions (auto-hide, hold) and once the moderator erased their
    # account; ``moderator_name`` says who it was for the record.
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="moderation_actions",
    )
    moderator_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    reason = models.CharField(
        _("reason"), max_length=16, choices=Comment.TrashReason.choices, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["method", "-created_at"], name="moderation_log_recent")]
        verbose_name = _("moderation action")
        verbose_name_plural = _("moderation actions")

    def __str__(self) -> str:
        return f"{self.action} #{self.comment_id} ({self.created_at:%Y-%m-%d %H:%M})"


class PublicationEmail(models.Model):
    """The email telling one subscriber that a version was published: made with the
    publication (one row per version and subscriber, so never twice), sent by the worker,
    retried by the scheduler's job when it fails (``method/publication.py``)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    version = models.ForeignKey(
        StepVersion, on_delete=models.CASCADE, related_name="publication_emails"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    # Attempts started; a worker claims attempt n by moving this from n - 1 to n.
    attempts = models.PositiveSmallIntegerField(default=0)
    # For operators (the admin), never shown to the member: a traceback can quote data.
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "recipient"], name="publication_email_once")
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="publication_email_due")]
        verbose_name = _("publication email")
        verbose_name_plural = _("publication emails")

    def __str__(self) -> str:
        return f"v{self.version_id} → {self.recipient_id} ({self.status})"


class ImportedParticipant(models.Model):
    """Someone who took part in a conversation imported from a Polis-format export
    (``method/polis_io.py``). No account is created: an imported participant cannot log in,
    counts in the statistics like a member, and is shown as "imported participant"."""

    version = models.ForeignKey(
        StepVersion, on_delete=models.CASCADE, related_name="imported_participants"
    )
    # The participant's id in the export, so that importing the same files twice is noticed.
    external_id = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["version", "external_id"], name="imported_participant_once"
            )
        ]
        verbose_name = _("imported participant")
        verbose_name_plural = _("imported participants")

    def __str__(self) -> str:
        return f"imported participant {self.external_id} (v{self.version_id})"


class DispositionQuerySet(models.QuerySet["Disposition"]):
    def waiting_for(self, version: StepVersion) -> DispositionQuerySet:
        """The "integrated in the next version" decisions that ``version``, validated, is
        the next version of: on comments of older versions of its step, not yet tied to a
        validated version. Older versions rather than only the one it is ``based_on``: when
        a revision was published for feedback and then revised again, the suggestions the
        first one took in first reach members with the version validated last."""
        return self.filter(
            decision=Disposition.Decision.INTEGRATED,
            integrated_in__isnull=True,
            comment__step_id=version.step_id,
            comment__version__number__lt=version.number,
        )


class Disposition(models.Model):
    """What became of one suggestion or criticism after the synthesis: integrated in the next
    version, rejected with a reason, or deferred. Public on the step page, as the record of
    what the feedback changed."""

    class Decision(models.TextChoices):
        INTEGRATED = "integrated", _("Integrated in the next version")
        REJECTED = "rejected", _("Rejected")
        DEFERRED = "deferred", _("Deferred")

    comment = models.OneToOneField(Comment, on_delete=models.CASCADE, related_name="disposition")
    decision = models.CharField(_("decision"), max_length=12, choices=Decision.choices)
    # Required for a rejection: the author, and every reader, is owed the reason.
    reason = models.TextField(_("reason"), blank=True)
    # The validated version that integrates it, set when that version is validated.
    integrated_in = models.ForeignKey(
        StepVersion,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="integrated_dispositions",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DispositionQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(decision="rejected") | ~Q(reason=""),
                name="disposition_rejection_has_reason",
            )
        ]
        verbose_name = _("disposition")
        verbose_name_plural = _("dispositions")

    def __str__(self) -> str:
        return f"{self.decision} #{self.comment_id}"

    @classmethod
    @transaction.atomic
    def record(cls, comment: Comment, decision: str, reason: str, by: User) -> Disposition:
        """Set or change what became of ``comment``, who decided it and when. A decision
        changed away from "integrated" no longer points to the version that integrated it;
        one kept "integrated" keeps it (only its reason was reworded)."""
        if not comment.is_votable:
            raise ValidationError(
                _("Dispositions are given to suggestions and criticisms only."), code="kind"
            )
        disposition = cls.objects.select_for_update().filter(comment=comment).first()
        if disposition is None:
            disposition = cls(comment=comment)
        elif disposition.decision != decision:
            disposition.integrated_in = None
        disposition.decision = decision
        disposition.reason = reason.strip()
        disposition.decided_by = by
        disposition.decided_at = timezone.now()
        disposition.save()
        return disposition


class OpinionAnalysis(models.Model):
    """The opinion analysis of one version's votes (``method/opinions.py``: consensus,
    opinion groups, representative statements), computed by the worker and cached here. The
    synthesis workspace reads it and never computes it in the request."""

    version = models.OneToOneField(
        StepVersion, on_delete=models.CASCADE, related_name="opinion_analysis"
    )
    # What the votes were when it was computed (see ``method/analysis.py``); when the
    # version's votes no longer match it, the analysis is stale and the worker redoes it.
    signature = models.CharField(max_length=100, blank=True)
    # ``opinions.Analysis.to_json()``.
    result = models.JSONField(default=dict, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("opinion analysis")
        verbose_name_plural = _("opinion analyses")

    def __str__(self) -> str:
        return f"analysis of v{self.version_id} ({self.computed_at})"


# --- Applying a step, debriefing it, and its results (docs/architecture.md, "Results") ---


class Adoption(models.Model):
    """A member applying one validated step version in their own network: private to them.
    The adoption date starts the measurement of what it brings (``method/measure.py``)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Applying it")
        ABANDONED = "abandoned", _("Abandoned")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="adoptions"
    )
    version = models.ForeignKey(StepVersion, on_delete=models.CASCADE, related_name="adoptions")
    objective = models.ForeignKey(
        "goals.Objective",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="adoptions",
        verbose_name=_("objective"),
    )
    adopted_on = models.DateField(_("applied since"), default=timezone.localdate)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    # An abandoned adoption still counts in the verdict once its window has ended and its
    # member debriefed: giving up is a result too.
    abandoned_on = models.DateField(_("abandoned on"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-adopted_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "version"], name="adoption_once_per_version")
        ]
        indexes = [models.Index(fields=["version", "status"], name="adoption_version")]
        verbose_name = _("adoption")
        verbose_name_plural = _("adoptions")

    def __str__(self) -> str:
        return f"{self.owner_id} applies v{self.version_id} since {self.adopted_on}"


class ChecklistItem(models.Model):
    """One line of a member's own checklist for an adoption: copied from the step's checklist
    when they apply it, or added by them. Private, as the adoption is."""

    adoption = models.ForeignKey(Adoption, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(_("item"), max_length=500)
    from_step = models.BooleanField(default=False)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")

    def __str__(self) -> str:
        return self.text


class Debrief(models.Model):
    """What applying a step brought one member: the numbers their own log measured since the
    adoption (with their corrections kept beside), and in their words what they obtained, the
    problems met, the solutions adopted. The numbers never leave the member's space except
    inside aggregates (``method/results.py``); the text is published only if they choose.
    A member may debrief the same adoption more than once: results use the latest."""

    class Assessment(models.TextChoices):
        WORKED = "worked", _("It worked")
        PARTLY = "partly", _("It partly worked")
        DID_NOT = "did_not", _("It did not work")

    class Visibility(models.TextChoices):
        PRIVATE = "private", _("Private: only me")
        FACILITATORS = "facilitators", _("Shared with the method's facilitators")
        ANONYMOUS = "anonymous", _("Published anonymously")
        SIGNED = "signed", _("Published with my name")

    PUBLISHED = (Visibility.ANONYMOUS, Visibility.SIGNED)
    # Readable by the method's facilitators (the next step's synthesis quotes them).
    SHARED = (Visibility.FACILITATORS, *PUBLISHED)
    # What the results read of a debrief, in this order (``releases``): editing anything else
    # (the words, who may read them) must not count towards a new release.
    FIGURES = (
        "measured",
        "corrected",
        "window_measured",
        "window_corrected",
        "assessment",
        "usefulness",
    )

    adoption = models.ForeignKey(Adoption, on_delete=models.CASCADE, related_name="debriefs")
    # The adoption's owner and version, kept here so that owner-scoped reads and the results'
    # aggregates read one table.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="debriefs"
    )
    version = models.ForeignKey(StepVersion, on_delete=models.CASCADE, related_name="debriefs")
    written_on = models.DateField(_("date"), default=timezone.localdate)
    # What the member's log measured from the adoption to ``written_on``, frozen then: one
    # number per outcome kind and "objectives_reached" ({"meeting": 3, ...}).
    measured = models.JSONField(default=dict, blank=True)
    # The member's corrections, for the numbers they changed only ({"meeting": 4}).
    corrected = models.JSONField(default=dict, blank=True)
    # The verdict's number: outcomes of the version's expected kind from the adoption to the
    # end of its expected window, measured and as corrected (null: no expectation, or the
    # window had not ended when the member debriefed).
    window_measured = models.PositiveIntegerField(null=True, blank=True)
    window_corrected = models.PositiveIntegerField(null=True, blank=True)
    obtained = models.TextField(_("what I obtained that I did not have before"), blank=True)
    problems = models.TextField(_("the problems I met"), blank=True)
    solutions = models.TextField(_("the solutions I adopted"), blank=True)
    assessment = models.CharField(_("did it work?"), max_length=10, choices=Assessment.choices)
    usefulness = models.PositiveSmallIntegerField(_("usefulness, from 1 to 5"), null=True)
    visibility = models.CharField(
        _("who may read my text"),
        max_length=12,
        choices=Visibility.choices,
        default=Visibility.PRIVATE,
    )
    # The text names some of the member's contacts: it is shared or published only once the
    # member has edited it or confirmed that it may be.
    names_confirmed = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    # When the numbers the results read last changed (``releases.changed_since``): editing
    # only the words or who may read them leaves it, unlike ``updated_at``.
    figures_changed_at = models.DateTimeField(default=timezone.now)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-written_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(usefulness__isnull=True)
                | (Q(usefulness__gte=1) & Q(usefulness__lte=5)),
                name="debrief_usefulness_1_to_5",
            )
        ]
        indexes = [
            models.Index(fields=["version", "owner", "-written_on"], name="debrief_version"),
            models.Index(fields=["owner", "-written_on"], name="debrief_owner"),
        ]
        verbose_name = _("debrief")
        verbose_name_plural = _("debriefs")

    def __str__(self) -> str:
        return f"debrief of {self.owner_id} on v{self.version_id}, {self.written_on}"


class ResultsRelease(models.Model):
    """The published figures of one version at one time (``method/results.py``), frozen: a
    new release is made only once at least 5 members have debriefed the version since the
    previous one, so that comparing two releases never reveals one member's numbers."""

    version = models.ForeignKey(
        StepVersion, on_delete=models.CASCADE, related_name="results_releases"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # ``results.VersionResults.to_json()``.
    figures = models.JSONField(default=dict)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["version", "-created_at"], name="results_release_latest")]
        verbose_name = _("results release")
        verbose_name_plural = _("results releases")

    def __str__(self) -> str:
        return f"results of v{self.version_id} at {self.created_at:%Y-%m-%d %H:%M}"


class ProgressReport(models.Model):
    """A dated progress report (compte rendu) of a method, by its facilitators: their text
    and the results' figures at the time of publication, frozen there. A draft until
    published; then on the method page and in its feed."""

    method = models.ForeignKey(Method, on_delete=models.CASCADE, related_name="reports")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), help_text=_("Markdown."))
    # The published results of the method's versions when the report was published:
    # {"<version pk>": figures}, frozen.
    figures = models.JSONField(default=dict, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_at", "-created_at", "-pk"]
        indexes = [models.Index(fields=["method", "-published_at"], name="report_latest")]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")

    def __str__(self) -> str:
        return self.title
