"""Polis' thresholds for opinion groups, apart from ``opinions`` so that the pages that state
them (the synthesis workspace) do not load numpy: only the worker computes the analysis."""

from __future__ import annotations

# A participant is placed in a group once they voted on this many statements; groups are
# shown once this many participants are placed (fewer would make "groups" of two or three
# people, and name them).
MIN_VOTES_TO_CLUSTER = 7
MIN_CLUSTERED_FOR_GROUPS = 15
