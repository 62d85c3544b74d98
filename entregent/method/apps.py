from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MethodConfig(AppConfig):
    """The method built in the open: methods, steps, versions, feedback and moderation.

    The top of the import chain: it may use goals' outcome kinds and network's names, and
    nothing below ever imports it.
    """

    name = "entregent.method"
    verbose_name = _("Methods")

    def ready(self) -> None:
        from entregent.accounts import registry
        from entregent.method import erasure, models

        registry.register(models.MethodRole, "user")
        registry.register(models.Subscription, "user")
        registry.register(models.Method, "created_by", erase=erasure.forget_method_creator)
        registry.register(models.StepVersion, "created_by", erase=erasure.forget_version_author)
        registry.register(models.Comment, "author", erase=erasure.anonymise_comments)
        # Registered after Comment, so erased before it: the old texts go first.
        registry.register(
            models.CommentRevision, "comment__author", erase=erasure.forget_revisions
        )
        registry.register(models.Vote, "voter", erase=erasure.unlink_votes)
        registry.register(models.Flag, "flagger", erase=erasure.unlink_flags)
        registry.register(
            models.ModerationAction, "moderator", erase=erasure.unlink_moderation_actions
        )
        # Deleted with the member: a record of emails sent to them, nothing of the community's.
        registry.register(models.PublicationEmail, "recipient", exclude=["last_error"])
        # A disposition is the method's record: it stays, without who decided it.
        registry.register(models.Disposition, "decided_by", erase=erasure.forget_decider)
        # Applying a step and debriefing it are the member's own: deleted with them (the
        # results' next release is computed without their numbers).
        registry.register(models.Adoption)
        registry.register(models.ChecklistItem, "adoption__owner")
        registry.register(models.Debrief)
        registry.register(models.ProgressReport, "author", erase=erasure.forget_report_author)
        # Declares the scheduler's method.publish_scheduled and method.refresh_opinions jobs.
        from entregent.method import jobs  # noqa: F401
