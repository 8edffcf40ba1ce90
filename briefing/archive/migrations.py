"""The archive's schema, as numbered migrations applied in order, each once.

``briefing archive init`` applies those not yet applied, in one transaction
each, under an advisory lock (two machines running it at once wait for each
other); running it again changes nothing. A newer Briefing adds migrations at
the end, never edits one already shipped.

Who may do what is decided in the database, not by the client:

- ``briefing_analyst`` (a group role): reads the articles and everyone's
  marks; writes only its own marks (row-level security: each row names its
  analyst, and a policy compares it with :func:`briefing.analyst`);
- ``briefing_ingest``: adds and updates articles and stories;
- an analyst is a role of their own (``GRANT briefing_analyst TO ana``), or a
  name registered in ``briefing.analysts`` for a shared role.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

LOCK_KEY = 0x42726966  # "Brif": the advisory lock of migrations and story placement
GROUP_ROLES = ("briefing_analyst", "briefing_ingest")


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    sql: str


_V1 = r"""
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;

-- What the list and the search read: narrow rows, so that a search touching
-- tens of thousands of matches reads few pages. The text itself is apart.
CREATE TABLE briefing.articles (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    path text NOT NULL UNIQUE,
    digest text NOT NULL UNIQUE,
    title text NOT NULL,
    source text,
    date date,
    tags text[] NOT NULL DEFAULT '{}',
    -- source words and tags as "source:reuters", "tag:syria": what source: and tag: look for
    labels text[] NOT NULL DEFAULT '{}',
    warnings text[] NOT NULL DEFAULT '{}',
    file_mtime timestamptz,
    ingested_at timestamptz NOT NULL DEFAULT now(),
    ingested_by text NOT NULL DEFAULT current_user,
    -- title A, key points B, body C; and the title alone, for title: without reading the whole vector
    doc tsvector NOT NULL,
    title_doc tsvector NOT NULL
);
ALTER TABLE briefing.articles ALTER COLUMN doc SET STORAGE EXTERNAL;
CREATE TABLE briefing.article_texts (
    article bigint PRIMARY KEY REFERENCES briefing.articles (id) ON DELETE CASCADE,
    key_points text NOT NULL DEFAULT '',
    body text NOT NULL DEFAULT '',
    raw bytea NOT NULL,
    words jsonb NOT NULL DEFAULT '{}'
);
CREATE SEQUENCE briefing.revisions;
CREATE INDEX articles_doc ON briefing.articles USING gin (doc);
CREATE INDEX articles_title_doc ON briefing.articles USING gin (title_doc);
CREATE INDEX articles_labels ON briefing.articles USING gin (labels);
CREATE INDEX articles_date ON briefing.articles (date);

-- What changes after an article is written: its revision (a reader asks for
-- "changed since") and its story. Narrow, so that numbering a batch and
-- placing a hundred thousand articles rewrite small rows, never the
-- articles' rows and their text indexes.
CREATE TABLE briefing.listing (
    article bigint PRIMARY KEY REFERENCES briefing.articles (id) ON DELETE CASCADE,
    revision bigint NOT NULL,
    story integer
);
CREATE INDEX listing_revision ON briefing.listing (revision);
CREATE INDEX listing_unplaced ON briefing.listing (article) WHERE story IS NULL;

-- Stories as placement keeps them (briefing.stories.grouping): their dates,
-- size and recent core, read a window of dates at a time.
CREATE TABLE briefing.stories (
    id integer PRIMARY KEY,
    first date NOT NULL,
    last date NOT NULL,
    size integer NOT NULL,
    core jsonb NOT NULL
);
CREATE INDEX stories_last ON briefing.stories (last);

-- The index's words, for fuzzy terms (pg_trgm) and "did you mean".
CREATE TABLE briefing.lexicon (word text PRIMARY KEY);
CREATE INDEX lexicon_trgm ON briefing.lexicon USING gin (word public.gin_trgm_ops);

-- Names analysts of a shared role work under (a role of one's own needs none).
CREATE TABLE briefing.analysts (
    name text PRIMARY KEY CHECK (name ~ '^[[:alnum:]][[:alnum:]._@-]{0,62}$'),
    role name NOT NULL,
    added_at timestamptz NOT NULL DEFAULT now()
);

-- Who this session is: the role, or a name registered for it; NULL (no writes) otherwise.
CREATE FUNCTION briefing.analyst() RETURNS text LANGUAGE sql STABLE AS $$
    SELECT CASE
        WHEN coalesce(current_setting('briefing.analyst', true), '') IN ('', current_user::text)
            THEN current_user::text
        WHEN EXISTS (SELECT 1 FROM briefing.analysts a
                     WHERE a.name = current_setting('briefing.analyst', true)
                       AND a.role = current_user)
            THEN current_setting('briefing.analyst', true)
    END
$$;

CREATE TABLE briefing.marks (
    article bigint NOT NULL REFERENCES briefing.articles (id) ON DELETE CASCADE,
    analyst text NOT NULL DEFAULT briefing.analyst(),
    read boolean NOT NULL DEFAULT false,
    read_at timestamptz,
    starred boolean NOT NULL DEFAULT false,
    starred_at timestamptz,
    flagged boolean NOT NULL DEFAULT false,
    flagged_at timestamptz,
    note text NOT NULL DEFAULT '' CHECK (length(note) <= 100000),
    noted_at timestamptz,
    PRIMARY KEY (article, analyst)
);
CREATE INDEX marks_analyst ON briefing.marks (analyst);

CREATE TABLE briefing.point_marks (
    article bigint NOT NULL REFERENCES briefing.articles (id) ON DELETE CASCADE,
    analyst text NOT NULL DEFAULT briefing.analyst(),
    point text NOT NULL CHECK (length(point) <= 5000),
    mark text NOT NULL CHECK (mark IN ('verified', 'disputed')),
    marked_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (article, analyst, point)
);

CREATE TABLE briefing.positions (
    analyst text PRIMARY KEY DEFAULT briefing.analyst(),
    path text NOT NULL,
    digest text NOT NULL DEFAULT '',
    position integer NOT NULL DEFAULT 0,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Everyone reads every mark; each changes only their own.
ALTER TABLE briefing.marks ENABLE ROW LEVEL SECURITY;
ALTER TABLE briefing.point_marks ENABLE ROW LEVEL SECURITY;
ALTER TABLE briefing.positions ENABLE ROW LEVEL SECURITY;
CREATE POLICY team_reads ON briefing.marks FOR SELECT USING (true);
CREATE POLICY own_writes ON briefing.marks FOR ALL
    USING (analyst = briefing.analyst()) WITH CHECK (analyst = briefing.analyst());
CREATE POLICY team_reads ON briefing.point_marks FOR SELECT USING (true);
CREATE POLICY own_writes ON briefing.point_marks FOR ALL
    USING (analyst = briefing.analyst()) WITH CHECK (analyst = briefing.analyst());
CREATE POLICY own_only ON briefing.positions FOR ALL
    USING (analyst = briefing.analyst()) WITH CHECK (analyst = briefing.analyst());

-- Live updates: a mark changed, articles added or changed.
CREATE FUNCTION briefing.notify_mark() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed bigint := CASE WHEN TG_OP = 'DELETE' THEN OLD.article ELSE NEW.article END;
BEGIN
    PERFORM pg_notify('briefing_marks', json_build_object(
        'path', (SELECT path FROM briefing.articles WHERE id = changed),
        'analyst', CASE WHEN TG_OP = 'DELETE' THEN OLD.analyst ELSE NEW.analyst END)::text);
    RETURN NULL;
END $$;
CREATE TRIGGER marks_notify AFTER INSERT OR UPDATE OR DELETE ON briefing.marks
    FOR EACH ROW EXECUTE FUNCTION briefing.notify_mark();
CREATE TRIGGER point_marks_notify AFTER INSERT OR UPDATE OR DELETE ON briefing.point_marks
    FOR EACH ROW EXECUTE FUNCTION briefing.notify_mark();

CREATE FUNCTION briefing.notify_articles() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('briefing_articles', '');
    RETURN NULL;
END $$;
CREATE TRIGGER listing_notify AFTER INSERT OR UPDATE ON briefing.listing
    FOR EACH STATEMENT EXECUTE FUNCTION briefing.notify_articles();
"""

_V1_GRANTS = """
GRANT USAGE ON SCHEMA briefing TO briefing_analyst, briefing_ingest;
GRANT SELECT ON ALL TABLES IN SCHEMA briefing TO briefing_analyst, briefing_ingest;
GRANT INSERT, UPDATE, DELETE ON briefing.marks, briefing.point_marks, briefing.positions TO briefing_analyst;
GRANT INSERT, UPDATE ON briefing.articles, briefing.article_texts, briefing.lexicon, briefing.stories,
    briefing.listing TO briefing_ingest;
GRANT USAGE ON SEQUENCE briefing.revisions TO briefing_ingest;
"""

_V2 = r"""
-- An ingest lets the text indexes' pending lists grow long (merged into the
-- indexes in large runs, far fewer index pages rewritten per article), then
-- merges what is left when it ends: a search reads the whole pending list.
-- Only an index's owner may merge it, hence a function that runs as the owner.
CREATE FUNCTION briefing.merge_pending() RETURNS bigint LANGUAGE sql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS $$
    SELECT sum(gin_clean_pending_list(i))::bigint FROM unnest(ARRAY[
        'briefing.articles_doc'::regclass, 'briefing.articles_title_doc'::regclass,
        'briefing.articles_labels'::regclass, 'briefing.lexicon_trgm'::regclass]) AS i
$$;
REVOKE ALL ON FUNCTION briefing.merge_pending() FROM PUBLIC;

-- How many articles hold each signature word (what story placement weighs
-- words by), kept as articles come and change instead of counted over the
-- whole archive at every placement. A batch queues its articles' words (and
-- an updated article's former words, to take off); placement, under its
-- lock, folds the queue into the counts: writers never wait on each other.
CREATE TABLE briefing.word_counts (word text PRIMARY KEY, articles integer NOT NULL);
CREATE TABLE briefing.words_to_count (article bigint NOT NULL, words jsonb NOT NULL, step smallint NOT NULL);
INSERT INTO briefing.word_counts (word, articles)
    SELECT w, count(*) FROM briefing.article_texts t, jsonb_object_keys(t.words) w GROUP BY w;
"""

_V2_GRANTS = """
GRANT EXECUTE ON FUNCTION briefing.merge_pending() TO briefing_ingest;
GRANT SELECT ON briefing.word_counts, briefing.words_to_count TO briefing_analyst, briefing_ingest;
GRANT INSERT, UPDATE ON briefing.word_counts TO briefing_ingest;
GRANT INSERT, DELETE ON briefing.words_to_count TO briefing_ingest;
"""

_V3 = r"""
-- Each story's core's words beside the core, indexed: placing a few articles
-- (an update's) looks up the stories within reach that share a word, and
-- decodes only those, not every core within three weeks of each article.
ALTER TABLE briefing.stories ADD COLUMN words text[] NOT NULL DEFAULT '{}';
UPDATE briefing.stories s SET words = coalesce((
    SELECT array_agg(DISTINCT w) FROM jsonb_array_elements(s.core) member, jsonb_object_keys(member -> 1) w), '{}');
CREATE INDEX stories_words ON briefing.stories USING gin (words);
"""

MIGRATIONS: list[Migration] = [
    Migration(1, "articles, full-text search, team marks with row-level security, notifications", _V1),
    Migration(2, "pending text-index entries merged after an ingest; word counts for stories kept up to date", _V2),
    Migration(3, "each story's words indexed, for placing a few articles without reading every story near them", _V3),
]
# Grants per migration, given when the group roles exist.
GRANTS: dict[int, str] = {1: _V1_GRANTS, 2: _V2_GRANTS}


@dataclass
class Applied:
    applied: list[Migration]
    version: int
    roles_missing: list[str]


def current_version(con) -> int:
    """The schema's version in this database: 0 when Briefing has never been set up here."""
    found = con.execute("SELECT to_regclass('briefing.schema_migrations')").fetchone()[0]
    if found is None:
        return 0
    return con.execute("SELECT coalesce(max(version), 0) FROM briefing.schema_migrations").fetchone()[0]


def latest() -> int:
    return MIGRATIONS[-1].version


def _ensure_roles(con) -> list[str]:
    """Create the group roles where this role may; the names of those still missing."""
    import psycopg

    missing = []
    for role in GROUP_ROLES:
        exists = con.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone()
        if exists:
            continue
        try:
            with con.transaction():
                con.execute(f"CREATE ROLE {role} NOLOGIN")
        except psycopg.errors.InsufficientPrivilege:
            missing.append(role)
    return missing


def migrate(con, say: Callable[[str], None] = lambda _: None) -> Applied:
    """Apply the migrations this database lacks (autocommit connection). Re-runnable."""
    con.execute("SELECT pg_advisory_lock(%s)", (LOCK_KEY,))
    try:
        missing = _ensure_roles(con)
        with con.transaction():
            con.execute("CREATE SCHEMA IF NOT EXISTS briefing")
            con.execute(
                "CREATE TABLE IF NOT EXISTS briefing.schema_migrations ("
                " version integer PRIMARY KEY, description text NOT NULL,"
                " applied_at timestamptz NOT NULL DEFAULT now(), applied_by text NOT NULL DEFAULT current_user)"
            )
        version = current_version(con)
        applied = []
        for migration in MIGRATIONS:
            if migration.version <= version:
                continue
            with con.transaction():
                con.execute(migration.sql)
                con.execute("INSERT INTO briefing.schema_migrations (version, description) VALUES (%s, %s)",
                            (migration.version, migration.description))
            applied.append(migration)
            say(f"applied migration {migration.version}: {migration.description}")
        if not missing:
            # Grants are given again at every run: harmless, and they catch a role made since.
            with con.transaction():
                for migration in MIGRATIONS:
                    if migration.version in GRANTS:
                        con.execute(GRANTS[migration.version])
                con.execute("GRANT USAGE ON SCHEMA briefing TO briefing_analyst, briefing_ingest")
        return Applied(applied, current_version(con), missing)
    finally:
        con.execute("SELECT pg_advisory_unlock(%s)", (LOCK_KEY,))


def check(con) -> None:
    """Raise :class:`ArchiveError` unless the schema is there and not newer than this Briefing knows."""
    from briefing.archive.connection import ArchiveError

    version = current_version(con)
    if version == 0:
        raise ArchiveError("the archive has no Briefing schema yet: run 'briefing archive init' first")
    if version > latest():
        raise ArchiveError(f"the archive's schema (version {version}) is newer than this Briefing knows "
                           f"({latest()}): upgrade Briefing")
    if version < latest():
        raise ArchiveError(f"the archive's schema (version {version}) is older than this Briefing's "
                           f"({latest()}): run 'briefing archive init' to bring it up to date")
