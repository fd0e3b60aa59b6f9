"""running cases: dashboard projections of the chronology, and the false-allegation setting

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 21:37:03.282011

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN (not batch mode): SQLite adds a column in place, whereas a batch copy drops
    # and recreates case_record, which the other tables' foreign keys refuse once there is data.
    op.add_column('case_record', sa.Column('potential_allegation', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column('case_record', sa.Column('lado_due_at', sa.DateTime(), nullable=True))
    op.add_column('case_record', sa.Column('next_due_at', sa.DateTime(), nullable=True))
    op.add_column('case_record', sa.Column('pattern_review_pending', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_index(op.f('ix_case_record_lado_due_at'), 'case_record', ['lado_due_at'], unique=False)
    op.create_index(op.f('ix_case_record_next_due_at'), 'case_record', ['next_due_at'], unique=False)
    op.add_column('school', sa.Column('remove_false_allegations', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('school', schema=None) as batch_op:
        batch_op.drop_column('remove_false_allegations')

    with op.batch_alter_table('case_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_record_next_due_at'))
        batch_op.drop_index(batch_op.f('ix_case_record_lado_due_at'))
        batch_op.drop_column('pattern_review_pending')
        batch_op.drop_column('next_due_at')
        batch_op.drop_column('lado_due_at')
        batch_op.drop_column('potential_allegation')

