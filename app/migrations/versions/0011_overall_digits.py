"""overalls to nine decimal places (issue: scale)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05

`scoring.weighted_overall` now rounds the overall to a billionth of a point, so that equal weighted
means reached by different sums (12.499999999999998, 12.5, 12.500000000000002) are equal and rank as
ties. The stored ranking rows and their specs' totals are rebuilt from the rows (`stats.rebuild`, as
0007 filled them), and the stored aggregates recomputed: the distribution reads the overall.
No schema changes; the downgrade leaves the rounded values, which the older code reads as they are.
"""
from __future__ import annotations

from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    from app.dashboard import aggregates, stats

    stats.rebuild(op.get_bind())
    aggregates.recompute_all(op.get_bind())


def downgrade() -> None:
    pass
