"""What the synthesis workspace shows of one version's feedback: each suggestion and
criticism with its votes, agreement rate and disposition; the consensus, divisive statements
and opinion groups of the cached analysis (``method/analysis.py``, computed by the worker).

``workspace()`` reads a fixed number of queries whatever the number of comments (the
version's comments with their authors and dispositions, and the cached analysis), and never
computes the analysis: a stale or missing one is asked of the worker and said to be on its
way. The statistics are pure functions below (``agreement``, ``divisive``), tested by hand.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from html import escape as esc
from typing import Any

from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext

from entregent.lib.stats import wilson
from entregent.method import analysis
from entregent.method.feedback import (
    COMMENT_FIELDS,
    DISPOSITION_FIELDS,
    Dates,
    author_name,
    decision_text,
    disposition_of,
    excerpt,
    public_name,
    rendered,
)
from entregent.method.forms_synthesis import DispositionForm
from entregent.method.models import (
    Comment,
    Debrief,
    Disposition,
    OpinionAnalysis,
    Step,
    StepVersion,
)

# Under this many votes a statement's rate says "not enough votes" rather than a percentage.
MIN_VOTES = 5
# Divisive: at least this share of the voters on each side, agree and disagree.
DIVISIVE_SHARE = 0.25
# How many consensus and divisive statements are listed (as Polis does: 5 of each).
TOP = 5

Decision = Disposition.Decision
# A number no comment has, replaced in the reversed URL by each comment's id.
_PK = 987654321


@dataclass(frozen=True)
class Agreement:
    """A statement's votes and its agreement rate (agree / all votes, passes included, as
    Polis counts those who saw it), with the 95% Wilson interval of that rate."""

    agree: int
    disagree: int
    passes: int
    rate: float
    low: float
    high: float

    @property
    def votes(self) -> int:
        return self.agree + self.disagree + self.passes

    @property
    def enough(self) -> bool:
        return self.votes >= MIN_VOTES

    @property
    def divisiveness(self) -> float:
        """The share of voters on the smaller side, agree or disagree: 0.5 is an even
        split of everyone; 0 is a side nobody took."""
        return min(self.agree, self.disagree) / self.votes if self.votes else 0.0

    def percent(self, value: float) -> int:
        return round(value * 100)

    @property
    def rate_percent(self) -> int:
        return self.percent(self.rate)

    @property
    def low_percent(self) -> int:
        return self.percent(self.low)

    @property
    def high_percent(self) -> int:
        return self.percent(self.high)

    @property
    def bar(self) -> SafeString:
        """A small bar: the interval as a band on a 0-100% track, the rate as a tick. For
        the eye only (the same figures are in the text beside it)."""
        low, high, rate = (round(v * 100, 1) for v in (self.low, self.high, self.rate))
        return SafeString(
            '<svg class="rate-bar" viewBox="0 0 100 12" preserveAspectRatio="none" '
            'aria-hidden="true" focusable="false">'
            '<rect class="rate-track" x="0" y="4" width="100" height="4"/>'
            f'<rect class="rate-interval" x="{low}" y="2" width="{round(high - low, 1)}" '
            'height="8"/>'
            f'<rect class="rate-point" x="{max(0.0, rate - 1)}" y="0" width="2" height="12"/>'
            "</svg>"
        )


def agreement(agree: int, disagree: int, passes: int) -> Agreement:
    votes = agree + disagree + passes
    low, high = wilson(agree, votes)
    return Agreement(agree, disagree, passes, agree / votes if votes else 0.0, low, high)


def divisive(agreements: dict[int, Agreement], top: int = TOP) -> list[int]:
    """The statements that split the voters: enough votes, and at least ``DIVISIVE_SHARE``
    of them on each side; the most evenly split first."""
    split = [
        (pk, a) for pk, a in agreements.items() if a.enough and a.divisiveness >= DIVISIVE_SHARE
    ]
    split.sort(key=lambda item: (-item[1].divisiveness, -item[1].votes, item[0]))
    return [pk for pk, _ in split[:top]]


@dataclass
class Row:
    """One suggestion or criticism in the workspace's table."""

    comment: Comment
    html: SafeString
    author: str
    agreement: Agreement
    disposition: Disposition | None
    thread_url: str
    # Where its disposition form posts.
    action: str
    # Bound, with its errors, when the facilitator's last try did not go through.
    form: DispositionForm | None = None

    @property
    def pk(self) -> int:
        return self.comment.pk

    @property
    def excerpt(self) -> str:
        return "" if self.comment.author_erased else excerpt(self.comment.body, 200)

    @property
    def reason_errors(self) -> list[str]:
        if self.form is None:
            return []
        return [str(e) for e in self.form.errors.get("reason", [])]

    @property
    def decision_errors(self) -> list[str]:
        if self.form is None:
            return []
        return [str(e) for e in self.form.errors.get("decision", [])]

    @property
    def decision(self) -> str:
        return self.disposition.decision if self.disposition else ""

    @property
    def decision_value(self) -> str:
        """The decision the form shows as chosen: the one just tried, else the recorded."""
        if self.form is not None:
            return str(self.form.data.get("decision", ""))
        return self.decision

    @property
    def reason_value(self) -> str:
        if self.form is not None:
            return str(self.form.data.get("reason", ""))
        return self.disposition.reason if self.disposition else ""


def sort_rows(rows: list[Row], sort: str) -> list[Row]:
    def most_votes(row: Row) -> tuple[int, int]:
        return (-row.agreement.votes, row.pk)

    keys: dict[str, Any] = {
        "undecided": lambda r: (r.disposition is not None, *most_votes(r)),
        # By the interval's lower bound: 3 agrees out of 3 is not surer than 60 out of 80.
        "agreement": lambda r: (not r.agreement.enough, -r.agreement.low, *most_votes(r)),
        "disagreement": lambda r: (
            not r.agreement.enough,
            -wilson(r.agreement.disagree, r.agreement.votes)[0],
            *most_votes(r),
        ),
        "votes": most_votes,
        "oldest": lambda r: (r.comment.created_at, r.pk),
    }
    return sorted(rows, key=keys.get(sort, keys["undecided"]))


def filter_rows(rows: list[Row], show: str) -> list[Row]:
    if show == "undecided":
        return [r for r in rows if r.disposition is None]
    if show in Decision.values:
        return [r for r in rows if r.decision == show]
    return rows


@dataclass
class Statement:
    """A statement the analysis names (consensus, representative of a group), with its
    comment when the workspace has it (a statement trashed since is left out)."""

    row: Row
    agree: int
    disagree: int
    passes: int
    seen: int
    probability: float
    direction: str = ""
    other_probability: float | None = None

    @property
    def percent(self) -> int:
        return round(self.probability * 100)

    @property
    def bars(self) -> SafeString:
        """The group's rate above the others', as two bars (for the eye; the text says it)."""
        group = round(self.probability * 100, 1)
        others = round((self.other_probability or 0) * 100, 1)
        return SafeString(
            '<svg class="group-bars" viewBox="0 0 100 14" preserveAspectRatio="none" '
            'aria-hidden="true" focusable="false">'
            '<rect class="rate-track" x="0" y="0" width="100" height="6"/>'
            f'<rect class="group-rate" x="0" y="0" width="{group}" height="6"/>'
            '<rect class="rate-track" x="0" y="8" width="100" height="6"/>'
            f'<rect class="others-rate" x="0" y="8" width="{others}" height="6"/>'
            "</svg>"
        )

    @property
    def other_percent(self) -> int:
        return round((self.other_probability or 0) * 100)


@dataclass
class Group:
    label: str
    size: int
    representative: list[Statement]


@dataclass
class Opinions:
    """What the page shows of the cached analysis."""

    # "fresh", "stale" (shown, and being refreshed) or "missing" (being computed).
    status: str
    computed_at: Any = None
    participants: int = 0
    statements: int = 0
    clustered: int = 0
    groups_shown: bool = False
    groups: list[Group] = field(default_factory=list)
    consensus_agree: list[Statement] = field(default_factory=list)
    consensus_disagree: list[Statement] = field(default_factory=list)
    group_consensus: list[Statement] = field(default_factory=list)

    @property
    def refreshing(self) -> bool:
        return self.status != "fresh"


def _statement(rows: dict[int, Row], item: dict[str, Any]) -> Statement | None:
    row = rows.get(int(item.get("statement", 0)))
    if row is None:
        return None
    return Statement(
        row=row,
        agree=int(item.get("agree", 0)),
        disagree=int(item.get("disagree", 0)),
        passes=int(item.get("pass", 0)),
        seen=int(item.get("seen", 0)),
        probability=float(item.get("probability", 0.0)),
        direction=str(item.get("direction", "")),
        other_probability=item.get("other_probability"),
    )


def read_opinions(cached: OpinionAnalysis | None, stale: bool, rows: dict[int, Row]) -> Opinions:
    """The cached analysis (``OpinionAnalysis.result``, see ``opinions.Analysis``) as the
    page shows it, each statement tied to its row."""
    if cached is None or not cached.result:
        return Opinions(status="missing")
    result = cached.result

    def statements(items: list[dict[str, Any]]) -> list[Statement]:
        found = (_statement(rows, item) for item in items)
        return [s for s in found if s is not None]

    consensus = result.get("consensus") or {}
    groups = [
        Group(
            label=str(g.get("label", "")),
            size=int(g.get("size", 0)),
            representative=statements(g.get("representative") or []),
        )
        for g in result.get("groups") or []
    ]
    return Opinions(
        status="stale" if stale else "fresh",
        computed_at=cached.computed_at,
        participants=int(result.get("participants", 0)),
        statements=int(result.get("statements", 0)),
        clustered=int(result.get("clustered", 0)),
        groups_shown=bool(result.get("groups_shown")) and bool(groups),
        groups=groups,
        consensus_agree=statements(consensus.get("agree") or []),
        consensus_disagree=statements(consensus.get("disagree") or []),
        group_consensus=statements(result.get("group_consensus") or []),
    )


@dataclass
class Note:
    """A remark or a question: read, not voted on, given no disposition."""

    comment: Comment
    html: SafeString
    author: str
    thread_url: str


@dataclass
class Workspace:
    version: StepVersion
    suggestions: list[Row]
    criticisms: list[Row]
    remarks: list[Note]
    questions: list[Note]
    divisive: list[Row]
    opinions: Opinions
    # How many suggestions and criticisms have each decision, and none yet.
    decided: dict[str, int]
    undecided: int
    # Comments waiting for a moderator: not counted here until they are published.
    waiting: int
    sort: str
    show: str

    @property
    def votable(self) -> int:
        return self.undecided + sum(self.decided.values())

    @property
    def tables(self) -> list[tuple[str, str, list[Row]]]:
        return [
            (Comment.Kind.SUGGESTION, gettext("Suggestions"), self.suggestions),
            (Comment.Kind.CRITICISM, gettext("Criticisms"), self.criticisms),
        ]

    @property
    def notes(self) -> list[tuple[str, list[Note]]]:
        return [(gettext("Remarks"), self.remarks), (gettext("Questions"), self.questions)]

    @property
    def decision_counts(self) -> list[tuple[str, str, int]]:
        return [
            (value, str(label), self.decided.get(value, 0)) for value, label in Decision.choices
        ]


def workspace(
    step: Step,
    version: StepVersion,
    *,
    sort: str = "undecided",
    show: str = "all",
    bound: DispositionForm | None = None,
    bound_pk: int | None = None,
) -> Workspace:
    """The feedback on ``version`` as the workspace shows it. ``bound`` is a disposition form
    sent back with its errors, for comment ``bound_pk``."""
    comments = list(
        Comment.objects.filter(version=version)
        .select_related("author", "disposition__decided_by")
        .only(*COMMENT_FIELDS, "author__display_name", *DISPOSITION_FIELDS)
        .order_by("created_at", "pk")
    )
    published = [c for c in comments if c.status == Comment.Status.PUBLISHED]
    waiting = sum(1 for c in comments if c.status in (Comment.Status.HELD, Comment.Status.HIDDEN))
    thread = step.get_absolute_url() + "#"
    # One reverse for every row's form (a reverse per row costs more than the row).
    before, _pk, after = reverse(
        "methods:comment-disposition", args=[step.method.slug, _PK]
    ).partition(str(_PK))
    rows: dict[int, Row] = {}
    for comment in published:
        if not comment.is_votable:
            continue
        rows[comment.pk] = Row(
            comment=comment,
            html=rendered(comment.body) if not comment.author_erased else SafeString(""),
            author=author_name(comment),
            agreement=agreement(comment.agree_count, comment.disagree_count, comment.pass_count),
            disposition=disposition_of(comment),
            thread_url=thread + comment.anchor,
            action=f"{before}{comment.pk}{after}",
            form=bound if bound is not None and comment.pk == bound_pk else None,
        )
    cached, stale = analysis.state(version)
    if cached is None or stale:
        analysis.request_refresh(version)
    opinions = read_opinions(cached, stale, rows)

    decided = Counter(r.decision for r in rows.values() if r.disposition is not None)
    shown = sort_rows(filter_rows(list(rows.values()), show), sort)
    return Workspace(
        version=version,
        suggestions=[r for r in shown if r.comment.kind == Comment.Kind.SUGGESTION],
        criticisms=[r for r in shown if r.comment.kind == Comment.Kind.CRITICISM],
        remarks=[note(c, thread) for c in published if c.kind == Comment.Kind.REMARK],
        questions=[note(c, thread) for c in published if c.kind == Comment.Kind.QUESTION],
        divisive=[rows[pk] for pk in divisive({pk: r.agreement for pk, r in rows.items()})],
        opinions=opinions,
        decided=dict(decided),
        undecided=sum(1 for r in rows.values() if r.disposition is None),
        waiting=waiting,
        sort=sort,
        show=show,
    )


def note(comment: Comment, thread: str) -> Note:
    return Note(
        comment=comment,
        html=rendered(comment.body) if not comment.author_erased else SafeString(""),
        author=author_name(comment),
        thread_url=thread + comment.anchor,
    )


def default_version(step: Step) -> StepVersion | None:
    """The version a facilitator most likely synthesises: the latest one in discussion (open
    or in synthesis), else the latest validated one (it still takes comments, for the next
    version), else the latest published one."""
    versions = sorted(step.versions.all(), key=lambda v: -v.number)
    for states in (
        (StepVersion.State.OPEN, StepVersion.State.SYNTHESIS),
        (StepVersion.State.VALIDATED,),
        StepVersion.PUBLISHED_STATES,
    ):
        for version in versions:
            if version.state in states:
                return version
    return None


def workspace_url(step: Step, version: StepVersion) -> str:
    return (
        reverse("methods:synthesis", args=[step.method.slug, step.number]) + f"?v={version.number}"
    )


@dataclass
class Cause:
    """A disposition beside a diff: the suggestion or criticism, and what became of it."""

    comment: Comment
    excerpt: str
    url: str
    decision: str
    decision_value: str
    reason: str
    # The version the comment was written on.
    on_version: int


def diff_dispositions(step: Step, a: int, b: int) -> tuple[list[Cause], list[Cause]]:
    """The dispositions behind the changes from version ``a`` to ``b`` (either order): the
    suggestions and criticisms integrated in a version after the older one up to the newer
    one (or still waiting for a version, when written on one in between), and those
    rejected or deferred on the versions from the older one up to the newer one. One query."""
    low, high = sorted((a, b))
    numbers = {v.pk: v.number for v in step.versions.all()}
    versions = {v.pk: v for v in step.versions.all()}
    dispositions = (
        Disposition.objects.filter(comment__step=step, comment__status=Comment.Status.PUBLISHED)
        .select_related("comment")
        .order_by("comment__created_at", "comment__pk")
    )
    thread = step.get_absolute_url() + "#"
    integrated: list[Cause] = []
    others: list[Cause] = []
    for disposition in dispositions:
        comment = disposition.comment
        written_on = numbers.get(comment.version_id, 0)
        target = numbers.get(disposition.integrated_in_id or 0)
        # An integrated one counts where it was integrated; one still waiting for its
        # version, and the others, where they were written.
        if disposition.decision == Decision.INTEGRATED and target is not None:
            keep = low < target <= high
        else:
            keep = low <= written_on < high
        if not keep:
            continue
        bucket = integrated if disposition.decision == Decision.INTEGRATED else others
        bucket.append(
            Cause(
                comment=comment,
                excerpt="" if comment.author_erased else excerpt(comment.body, 240),
                url=thread + comment.anchor,
                decision=decision_text(disposition, versions),
                decision_value=disposition.decision,
                reason=disposition.reason,
                on_version=written_on,
            )
        )
    return integrated, others


class TableHTML:
    """The rows of the workspace's tables as HTML, written here rather than by a template,
    as the thread is (``feedback.ThreadHTML``): the template engine took about half a
    millisecond a row, a tenth of a second for 200 statements. Every text is escaped.

    Each row is a ``<tr id="row-N">``: the statement, its votes, its agreement (in words and
    figures, the bar beside them only repeats it) and the disposition form, which posts to
    ``comment_disposition`` and works without JavaScript."""

    def __init__(self, request: HttpRequest, next_url: str, language: str) -> None:
        token = esc(get_token(request))
        self.hidden = (
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
            f'<input type="hidden" name="next" value="{esc(next_url)}">'
        )
        self.lang = esc(language)
        self.dates = Dates()
        self.decisions = [(value, esc(str(label))) for value, label in Decision.choices]
        self.labels = {value: esc(str(label)) for value, label in Decision.choices}
        self.text = {
            key: esc(value)
            for key, value in {
                "statement": gettext("Statement"),
                "votes": gettext("Votes"),
                "agreement": gettext("Agreement"),
                "decision": gettext("Decision"),
                "removed": gettext("(text removed)"),
                "in_thread": gettext("#%(pk)d in the thread"),
                "agree": gettext("%(n)d agree"),
                "disagree": gettext("%(n)d disagree"),
                "pass": gettext("%(n)d pass"),
                "interval": gettext("of %(votes)d votes (95%%: %(low)d–%(high)d%%)"),
                "percent": gettext("%(percent)d%%"),
                "integrated_in": gettext("Integrated in version %(number)d"),
                "legend": gettext("Decision on #%(pk)d"),
                "reason": gettext("Reason"),
                "required": gettext("(required to reject)"),
                "record": gettext("Record"),
                "change": gettext("Change"),
                "save": gettext("Save"),
                "on": gettext("the decision on #%(pk)d"),
            }.items()
        }
        self.numbers: dict[int, int] = {}

    def rows(self, rows: list[Row], numbers: dict[int, int]) -> SafeString:
        """``numbers``: each version's number by its id, for "in version 2"."""
        self.numbers = numbers
        return SafeString("".join(self.row(row) for row in rows))

    def row(self, row: Row) -> str:
        t = self.text
        a = row.agreement
        d = row.disposition
        pk = row.pk
        classes = (
            "statement-row" + ("" if d else " undecided") + (" has-error" if row.form else "")
        )
        if row.html:
            statement = f'<div class="prose" lang="{self.lang}">{row.html}</div>'
        else:
            statement = f'<p class="muted">{t["removed"]}</p>'
        in_thread = t["in_thread"] % {"pk": pk}
        votes = "".join(
            f'<span class="vote-figure">{t[key] % {"n": n}}</span> '
            for key, n in (("agree", a.agree), ("disagree", a.disagree), ("pass", a.passes))
        )
        if a.enough:
            interval = t["interval"] % {
                "votes": a.votes,
                "low": a.low_percent,
                "high": a.high_percent,
            }
            rate = (
                f"<strong>{t['percent'] % {'percent': a.rate_percent}}</strong> "
                f'<span class="rate-interval-text">{interval}</span>{a.bar}'
            )
        else:
            few = ngettext("Not enough votes (%(count)d)", "Not enough votes (%(count)d)", a.votes)
            rate = f'<span class="muted">{esc(few % {"count": a.votes})}</span>'
        return (
            f'<tr id="row-{pk}" class="{classes}">'
            f'<td data-label="{t["statement"]}" class="statement-cell">{statement}'
            f'<p class="statement-meta"><span class="comment-author">{esc(row.author)}</span>'
            f' · <a href="{esc(row.thread_url)}">{in_thread}</a></p></td>'
            f'<td data-label="{t["votes"]}" class="votes-cell">{votes}</td>'
            f'<td data-label="{t["agreement"]}" class="rate-cell">{rate}</td>'
            f'<td data-label="{t["decision"]}" class="decision-cell">'
            f"{self.now(d)}{self.form(row)}</td></tr>"
        )

    def now(self, d: Disposition | None) -> str:
        if d is None:
            return ""
        label = self.labels[d.decision]
        number = self.numbers.get(d.integrated_in_id or 0)
        if d.decision == Decision.INTEGRATED and number is not None:
            label = esc(self.text["integrated_in"] % {"number": number})
        who = self.dates.day(d.decided_at)
        if d.decided_by is not None:
            who = f"{esc(public_name(d.decided_by))}, {who}"
        reason = f' <span class="decision-reason">{esc(d.reason)}</span>' if d.reason else ""
        return (
            f'<p class="decision-now"><span class="decision-tag decision-{d.decision}">'
            f'{label}</span>{reason}<br><span class="muted">{who}</span></p>'
        )

    def form(self, row: Row) -> str:
        t = self.text
        pk = row.pk
        chosen = row.decision_value
        errors = ""
        described = ""
        if row.decision_errors:
            items = "".join(f"<li>{esc(e)}</li>" for e in row.decision_errors)
            errors = f'<ul class="errorlist" id="d{pk}-decision-error">{items}</ul>'
            described = f' aria-describedby="d{pk}-decision-error"'
        radios = "".join(
            f'<label class="decision-choice"><input type="radio" name="decision" '
            f'value="{value}" id="d{pk}-{value}"{" checked" if chosen == value else ""}> '
            f"{label}</label>"
            for value, label in self.decisions
        )
        reason_errors = ""
        invalid = ""
        field = "field"
        if row.reason_errors:
            items = "".join(f"<li>{esc(e)}</li>" for e in row.reason_errors)
            reason_errors = f'<ul class="errorlist" id="d{pk}-reason-error">{items}</ul>'
            invalid = f' aria-invalid="true" aria-describedby="d{pk}-reason-error"'
            field = "field has-error"
        button = t["save"] if row.disposition else t["record"]
        form = (
            f'<form method="post" action="{esc(row.action)}" class="disposition-form">'
            f"{self.hidden}"
            f'<fieldset class="plain"{described}><legend class="visually-hidden">'
            f"{t['legend'] % {'pk': pk}}</legend>{errors}{radios}</fieldset>"
            f'<div class="{field}"><label for="d{pk}-reason">{t["reason"]} '
            f'<span class="muted">{t["required"]}</span></label>{reason_errors}'
            f'<textarea name="reason" id="d{pk}-reason" rows="2"{invalid}>'
            f"{esc(row.reason_value)}</textarea></div>"
            f'<button type="submit" class="secondary">{button}'
            f'<span class="visually-hidden"> {t["on"] % {"pk": pk}}</span></button></form>'
        )
        if row.disposition is None or row.form is not None:
            return form
        # Decided: the form folds away until the facilitator wants to change it.
        return (
            f'<details class="change-decision"><summary>{t["change"]}'
            f'<span class="visually-hidden"> {t["on"] % {"pk": pk}}</span></summary>'
            f"{form}</details>"
        )


# --- What members met applying the previous step ------------------------------------------


@dataclass(frozen=True)
class Quote:
    text: str
    # "A member, version 2, it partly worked": anonymous unless the member signed it.
    attribution: str


@dataclass
class Lessons:
    """The debriefs of step n that members shared with the facilitators or published, for
    drafting step n + 1 from what members met: their problems and their solutions side by
    side, each quotable as it stands (no name unless signed)."""

    step_number: int
    debriefs: int = 0
    problems: list[Quote] = field(default_factory=list)
    solutions: list[Quote] = field(default_factory=list)
    obtained: list[Quote] = field(default_factory=list)


def lessons(step: Step) -> Lessons | None:
    """What members met applying the step before ``step`` (None for step 1): one query.
    Only texts cleared for sharing (``names_confirmed``: they name none of the member's
    contacts, or the member confirmed the names); each member's latest debrief per version."""
    if step.number <= 1:
        return None
    found = Lessons(step_number=step.number - 1)
    debriefs = (
        Debrief.objects.filter(
            version__step__method_id=step.method_id,
            version__step__number=step.number - 1,
            visibility__in=Debrief.SHARED,
            names_confirmed=True,
        )
        .select_related("version", "owner")
        .order_by("-written_on", "-pk")
    )
    seen: set[tuple[int, int]] = set()
    for debrief in debriefs:
        key = (debrief.owner_id, debrief.version_id)
        if key in seen:
            continue
        seen.add(key)
        found.debriefs += 1
        attribution = _attribution(debrief)
        for text, into in (
            (debrief.problems, found.problems),
            (debrief.solutions, found.solutions),
            (debrief.obtained, found.obtained),
        ):
            if text.strip():
                into.append(Quote(text.strip(), attribution))
    return found


def _attribution(debrief: Debrief) -> str:
    assessment = Debrief.Assessment(debrief.assessment).label if debrief.assessment else ""
    who = (
        public_name(debrief.owner)
        if debrief.visibility == Debrief.Visibility.SIGNED
        else gettext("A member")
    )
    return gettext("%(who)s, version %(number)d: %(assessment)s") % {
        "who": who,
        "number": debrief.version.number,
        "assessment": str(assessment).lower() if assessment else gettext("no assessment"),
    }
