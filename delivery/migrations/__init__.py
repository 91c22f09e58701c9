"""Alembic migrations of the delivery store (run by ``delivery.migrate.upgrade``)."""
