"""Feeds: the feed list, polite fetching, and items written into the content folder as Markdown briefings."""
