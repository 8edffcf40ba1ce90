"""Which names are one entity: the ties articles make (an acronym given with its long form), and only those.

An acronym joins its long forms where they are spellings of one name
("International Coffee Organization" and "... Organisation"); an acronym tied
to long forms that are not ("ICO" for a coffee organisation and a coin
offering) joins none of them, since which one a bare "ICO" means is not known.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict


def join(con: sqlite3.Connection) -> list[tuple[int, int]]:
    """Each tied name's entity set anew from the ties; (name, its entity before) for those that changed."""
    changed: list[tuple[int, int]] = []
    names = dict(con.execute("SELECT id, key FROM names WHERE id IN (SELECT acronym FROM ties UNION "
                             "SELECT long FROM ties UNION SELECT id FROM names WHERE entity != id)"))
    parent = {n: n for n in names}

    def find(n: int) -> int:
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    def union(a: int, b: int) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    longs: dict[int, set[int]] = defaultdict(set)
    for acronym, long in con.execute("SELECT DISTINCT acronym, long FROM ties"):
        longs[acronym].add(long)
    for acronym, forms in longs.items():
        groups = _spellings([(f, names[f]) for f in forms])
        for group in groups:
            for other in group[1:]:
                union(group[0], other)
        if len(groups) == 1:
            union(acronym, groups[0][0])
    before = dict(con.execute("SELECT id, entity FROM names WHERE id IN ({})".format(",".join(map(str, names)))))
    for name in names:
        # The entity is named by its lowest name id: the name the archive gave first.
        entity = find(name)
        if before.get(name) != entity:
            con.execute("UPDATE names SET entity = ? WHERE id = ?", (entity, name))
            changed.append((name, before.get(name, name)))
    # An entity left without its names is counted again (and removed when empty).
    changed += [(old, old) for old in set(before.values())]
    return changed


def _spellings(forms: list[tuple[int, str]]) -> list[list[int]]:
    """Long forms grouped where they are one name spelt differently (same words, a letter or two apart)."""
    groups: list[list[tuple[int, str]]] = []
    for form in sorted(forms):
        for group in groups:
            if _same_name(group[0][1], form[1]):
                group.append(form)
                break
        else:
            groups.append([form])
    return [[f for f, _ in group] for group in groups]


def _same_name(a: str, b: str) -> bool:
    wa, wb = a.split(), b.split()
    if len(wa) != len(wb):
        # "U.S. Department of Transportation" and "Department of Transportation": one ends the other.
        short, long = sorted((wa, wb), key=len)
        return len(short) >= 2 and long[-len(short):] == short
    return all(x == y or (x[:4] == y[:4] and _edits(x, y) <= 2) for x, y in zip(wa, wb))


def _edits(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]
