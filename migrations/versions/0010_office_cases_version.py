"""office cases version: replaced with every counted change to an office's cases, so the dashboard
can reuse counts it made for the same version

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26 03:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('office_cases_version',
    sa.Column('office', sa.String(length=30), nullable=False),
    sa.Column('version', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('office', name=op.f('pk_office_cases_version'))
    )


def downgrade():
    op.drop_table('office_cases_version')
