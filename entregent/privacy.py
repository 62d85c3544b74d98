"""The one allow-list of routes that answer without a member's own login.

Every other route is private: it needs a logged-in member and shows only what that member owns.
``entregent/tests/test_privacy.py`` walks every URL pattern and holds the site to this list;
each route here has tests of its own. Later issues add their public method pages, feeds and the
calendar's secret link here, with their tests.
"""

from __future__ import annotations

# Open to anyone: the presentation page, the language switch, the way in.
PUBLIC_ROUTES: frozenset[str] = frozenset(
    {
        "home",
        "set_language",
        "accounts:set-language",
        "account_login",
        "account_logout",
        "account_signup",
        "account_confirm_email",
        "account_email_verification_sent",
        "account_inactive",
        "account_reset_password",
        "account_reset_password_done",
        "account_reset_password_from_key",
        "account_reset_password_from_key_done",
        "mfa_authenticate",
        "accounts:goodbye",
        # The Django admin, for operators: its own login, everything else needs staff.
        "admin:login",
        "admin:logout",
        # The method built in the open: a public method's pages, its published versions, the
        # differences between them and its Atom feed (members-only methods and drafts answer
        # 404 to visitors: entregent/method/access.py; feeds exist for public methods only).
        "methods:list",
        "methods:detail",
        "methods:step",
        "methods:version",
        "methods:diff",
        "methods:feed",
        # A published comment's edit history, public as the comment is (held, hidden and
        # trashed comments answer 404 to all but their author and the method's moderators).
        "methods:comment-history",
        # The guide: a method's validated steps as one page and as Markdown, as visible as it.
        "methods:guide",
        "methods:guide-markdown",
        # Results, as visible as the method: released figures (5 members or nothing) and the
        # debriefs their members chose to publish.
        "methods:results",
        "methods:results-json",
        # Progress reports, as visible as the method: the published ones (drafts answer 404
        # to all but the facilitators), each quoting released figures only.
        "methods:reports",
        "methods:report-detail",
    }
)

# Reached through a secret in the URL rather than a login: the follow-ups calendar feed
# (a wrong secret answers 404; the member can regenerate it from their profile).
SECRET_LINK_ROUTES: frozenset[str] = frozenset({"calendar:feed"})
