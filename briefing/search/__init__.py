"""Full-text search over a content folder, on a persistent Whoosh index."""
