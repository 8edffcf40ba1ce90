"""People, places and organisations across the archive.

The names each article gives (found by :mod:`briefing.facts`) are stored when
the folder is indexed (:mod:`.store`, brought up to date by :mod:`.sync`), so
that one entity's every mention, newest first, is a single indexed lookup.
Names written differently are one entity only where an article ties them
(an acronym given with its long form, a short form of that long form in the
same article); nothing is merged by resemblance alone.
"""
