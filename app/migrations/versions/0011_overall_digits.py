"""overalls to nine decimal places (issue: scale)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05

`scoring.weighted_overall` now rounds the overall to a billionth of a point, so that equal weighted
means reached by different sums (12.499999999999998, 12.5, 12.500000000000002) are equal and rank as
ties. The stored ranking rows, their specs' totals and the stored aggregates (the distribution and
adjusted scores read the overall) are brought to what the current code computes from the rows.
No schema changes; the downgrade leaves the rounded values, which the older code reads as they are.
"""
from __future__ import annotations

from alembic import op
from sqlalchemy import select

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    from app.dashboard import aggregates, stats
    from app.models import Interview

    conn = op.get_bind()
    stats.refresh(conn, conn.execute(select(Interview.id)).scalars().all())
    aggregates.recompute_all(conn)


def downgrade() -> None:
    pass
