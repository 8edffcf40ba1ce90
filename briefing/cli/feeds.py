"""``briefing feeds add|list|remove`` and ``briefing fetch``: registered here, written with the feeds."""

from __future__ import annotations

from briefing.cli.common import content_options


def register(commands) -> None:
    from briefing.feeds.commands import register as register_feeds

    register_feeds(commands, content_options)
