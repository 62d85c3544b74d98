"""The guide: a method's validated steps, in order, as one document to read, print or download.

Each step appears with its current validated version (number, validation date, its verdict,
reasoning, recommendation, checklist, expectation), and the verdicts of the versions it
replaced: what members who applied them obtained, from the versions' released figures
(``releases.latest()``), "not enough data yet" until five members have debriefed one. A step
that readers can see but that has no validated version yet is listed as "not validated yet"
with the version in discussion, so that the guide never skips a step silently. Steps with
nothing published (drafts, scheduled versions) do not appear at all, for anyone: the guide is
the public record, not the facilitators' workbench.

``build()`` reads the steps, their published versions and their released figures in three
queries whatever their number; ``to_markdown()`` and ``demoted_markdown()`` are pure functions
of what it built.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from entregent.lib.markdown import render_markdown
from entregent.method import releases, results
from entregent.method.models import Method, Step, StepVersion
from entregent.method.templatetags.method_results import outcome_labels

State = StepVersion.State
Figures = dict[str, Any]


@dataclass(frozen=True)
class Replaced:
    """A version validated before the step's current one, and its verdict: a step that
    failed and was revised says so."""

    version: StepVersion
    figures: Figures

    @property
    def validated_on(self) -> str:
        return validated_on(self.version)


@dataclass(frozen=True)
class GuideStep:
    step: Step
    # The step's current validated version; None while it has none.
    validated: StepVersion | None
    # The newest published version when it is newer than the validated one (open or in
    # synthesis): the step's next version, in discussion.
    in_discussion: StepVersion | None
    # The validated version's released figures ({} while it has no release: "not enough
    # data yet"), and the versions it replaced with theirs, newest first.
    figures: Figures = field(default_factory=dict)
    replaced: tuple[Replaced, ...] = ()

    @property
    def number(self) -> int:
        return self.step.number

    @property
    def anchor(self) -> str:
        return f"step-{self.step.number}"

    @property
    def title(self) -> str:
        """The validated version's title, else the one in discussion (readers see it on the
        step's page already)."""
        version = self.validated or self.in_discussion
        return version.title if version is not None else ""

    @property
    def validated_on(self) -> str:
        return validated_on(self.validated) if self.validated is not None else ""

    # The validated version's texts as the guide shows them (see ``demoted_markdown``).

    @property
    def reasoning_html(self) -> SafeString:
        return demoted_markdown(self.validated.reasoning if self.validated else "")

    @property
    def recommendation_html(self) -> SafeString:
        return demoted_markdown(self.validated.recommendation if self.validated else "")

    @property
    def expectation_html(self) -> SafeString:
        return demoted_markdown(self.validated.expectation_text if self.validated else "")


@dataclass(frozen=True)
class Guide:
    method: Method
    steps: tuple[GuideStep, ...]

    @property
    def validated_count(self) -> int:
        return sum(s.validated is not None for s in self.steps)

    @property
    def description_html(self) -> SafeString:
        return demoted_markdown(self.method.description)


def build(method: Method) -> Guide:
    """The guide of ``method`` (already fetched with ``access.get_method``): three queries."""
    published = StepVersion.objects.published().order_by("number")
    steps = Step.objects.filter(method=method).prefetch_related(
        Prefetch("versions", queryset=published)
    )
    rows = []
    for step in steps.order_by("number"):
        step.method = method
        versions = list(step.versions.all())
        if not versions:
            continue
        for version in versions:
            version.step = step
        validated = next((v for v in reversed(versions) if v.state == State.VALIDATED), None)
        newest = versions[-1]
        in_discussion = (
            newest
            if newest.state in (State.OPEN, State.SYNTHESIS)
            and (validated is None or newest.number > validated.number)
            else None
        )
        rows.append(GuideStep(step=step, validated=validated, in_discussion=in_discussion))
    # Members apply validated versions only: those ever validated have results to show.
    judged = [
        version
        for row in rows
        if row.validated is not None
        for version in row.step.versions.all()
        if version.validated_at is not None and version.number <= row.validated.number
    ]
    figures = releases.latest(judged)
    judged_ids = {version.pk for version in judged}
    with_results = []
    for row in rows:
        if row.validated is None:
            with_results.append(row)
            continue
        current = row.validated
        replaced = tuple(
            Replaced(version, figures.get(version.pk, {}))
            for version in reversed(row.step.versions.all())
            if version.pk in judged_ids and version.number < current.number
        )
        with_results.append(
            GuideStep(
                step=row.step,
                validated=current,
                in_discussion=row.in_discussion,
                figures=figures.get(current.pk, {}),
                replaced=replaced,
            )
        )
    return Guide(method=method, steps=tuple(with_results))


# HTML ----------------------------------------------------------------------------------------

_HEADING = re.compile(r"<(/?)h([3-6])>")


def demoted_markdown(text: str) -> SafeString:
    """A version's Markdown as HTML with its headings one level down (h3 -> h4, ...): in the
    guide a step is an h2 and its parts ("Why", "What to do") h3, so the text's own headings
    come below them rather than beside them."""
    html = _HEADING.sub(lambda m: f"<{m[1]}h{min(6, int(m[2]) + 1)}>", render_markdown(text))
    # render_markdown's output is sanitised by nh3; only heading tags were renamed.
    return mark_safe(html)


def validated_on(version: StepVersion) -> str:
    """ "3 March 2026": the validation date in the reader's time zone, without the hour (a
    document's date, not a moment)."""
    if version.validated_at is None:
        return ""
    return date_format(timezone.localtime(version.validated_at), "j F Y")


# Markdown ------------------------------------------------------------------------------------

_MD_HEADING = re.compile(r"^(#{1,6})(?=\s|$)")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")


def shift_headings(text: str) -> str:
    """``text``'s ATX headings moved below the guide's own (the method is #, a step ##, its
    parts ###): any heading becomes at least ####, outside fenced code."""
    lines = []
    fenced = False
    for line in text.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced:
            line = _MD_HEADING.sub(lambda m: "#" * min(6, max(len(m[1]), 3) + 1), line)
        lines.append(line)
    return "\n".join(lines)


def _block(text: str) -> str:
    return shift_headings(text.replace("\r\n", "\n").replace("\r", "\n")).strip()


def state_phrase(version: StepVersion) -> str:
    """ "version 1 is open for feedback": where a step not validated yet stands."""
    if version.state == State.SYNTHESIS:
        return _("version %(number)d is in synthesis") % {"number": version.number}
    return _("version %(number)d is open for feedback") % {"number": version.number}


def filename(method: Method) -> str:
    return f"{method.slug}-guide.md"


def to_markdown(guide: Guide) -> str:
    """The guide as one Markdown document, in the method's own language (its labels and
    dates with its text: a downloaded document is read away from the site), with absolute
    links back to each step."""
    method = guide.method
    with translation.override(method.language):
        return _markdown(guide, method)


def _markdown(guide: Guide, method: Method) -> str:
    site = settings.SITE_URL
    parts = [f"# {method.title}"]
    parts.append(
        _("The validated steps of this method, in order. Online: <%(url)s>")
        % {"url": site + method.get_absolute_url()}
    )
    if method.description.strip():
        parts.append(_block(method.description))
    if guide.steps:
        parts.append("## " + _("Contents"))
        parts.append(
            "\n".join(f"{n}. {_toc_line(row)}" for n, row in enumerate(guide.steps, start=1))
        )
    else:
        parts.append(_("No step is published yet."))
    for row in guide.steps:
        parts.extend(_step_markdown(row, site))
    return "\n\n".join(parts) + "\n"


def _toc_line(row: GuideStep) -> str:
    line = _("Step %(number)d: %(title)s") % {"number": row.number, "title": row.title}
    if row.validated is None:
        return line + " (" + _("not validated yet") + ")"
    return line


def _step_markdown(row: GuideStep, site: str) -> list[str]:
    parts = ["## " + _("Step %(number)d: %(title)s") % {"number": row.number, "title": row.title}]
    step_url = site + row.step.get_absolute_url()
    version = row.validated
    if version is None:
        assert row.in_discussion is not None  # a listed step has a published version
        parts.append(
            "_"
            + _("Not validated yet: %(state)s.") % {"state": state_phrase(row.in_discussion)}
            + "_ "
            + f"<{step_url}>"
        )
        return parts
    parts.append(
        _("Version %(number)d, validated on %(date)s.")
        % {"number": version.number, "date": validated_on(version)}
        + f" <{step_url}>"
    )
    parts.extend(verdict_markdown(row))
    if version.reasoning.strip():
        parts += ["### " + _("Why"), _block(version.reasoning)]
    parts += ["### " + _("What to do"), _block(version.recommendation)]
    if version.checklist:
        parts += [
            "### " + _("Checklist"),
            "\n".join(f"{n}. {item}" for n, item in enumerate(version.checklist, start=1)),
        ]
    summary = version.expectation_summary()
    if summary or version.expectation_text.strip():
        parts.append("### " + _("What it should bring"))
        if summary:
            parts.append(f"**{summary[:1].upper()}{summary[1:]}**")
        if version.expectation_text.strip():
            parts.append(_block(version.expectation_text))
    if row.in_discussion is not None:
        parts.append(
            "_"
            + _("A newer version is in discussion: %(state)s.")
            % {"state": state_phrase(row.in_discussion)}
            + "_"
        )
    return parts


def verdict_markdown(row: GuideStep) -> list[str]:
    """The validated version's verdict with its rule, and those of the versions it replaced,
    in the words of the pages (``results.present``)."""
    labels = outcome_labels()
    words = results.present(row.figures, labels)
    line = f"**{_('Results: %(verdict)s.') % {'verdict': words.label}}** {words.summary}"
    if words.released_at is not None:
        day = date_format(timezone.localtime(words.released_at), "j F Y")
        line += " " + _("Figures released on %(date)s.") % {"date": day}
    parts = [line]
    if words.rule:
        parts.append("_" + _("The rule:") + " " + words.rule + "_")
    for earlier in row.replaced:
        before = results.present(earlier.figures, labels)
        parts.append(
            "_"
            + _("Version %(number)d, validated on %(date)s and since replaced:")
            % {"number": earlier.version.number, "date": earlier.validated_on}
            + f"_ **{before.label}.** {before.summary}"
        )
    return parts
