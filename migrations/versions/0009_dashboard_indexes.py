"""dashboard indexes: each count and page of an office's cases is one index range

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26 01:10:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

INDEXES = {
    'ix_case_record_office_queue': ['case_manager_office', 'status', 'next_due_at', 'opened_at'],
    'ix_case_record_office_age': ['case_manager_office', 'status', 'opened_at'],
    'ix_case_record_office_closed': ['case_manager_office', 'status', 'closed_at'],
    'ix_case_record_office_lado': ['case_manager_office', 'status', 'lado_due_at'],
    'ix_case_record_office_pattern': ['case_manager_office', 'pattern_review_pending', 'status'],
    'ix_case_record_office_retention': ['case_manager_office', 'retention_due', 'status'],
}


def upgrade():
    for name, columns in INDEXES.items():
        op.create_index(name, 'case_record', columns, unique=False)


def downgrade():
    for name in INDEXES:
        op.drop_index(name, table_name='case_record')
