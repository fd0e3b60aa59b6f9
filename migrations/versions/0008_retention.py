"""retention: review dates, legal holds, tombstones and the school's retention periods

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25 22:52:36.351550

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('case_tombstone',
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('reference', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('opened_at', sa.DateTime(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('destroyed_at', sa.DateTime(), nullable=False),
    sa.Column('authorised_by_id', sa.Uuid(), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['authorised_by_id'], ['user_account.id'], name=op.f('fk_case_tombstone_authorised_by_id_user_account')),
    sa.ForeignKeyConstraint(['case_id'], ['case_record.id'], name=op.f('fk_case_tombstone_case_id_case_record')),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_case_tombstone'))
    )
    op.create_table('legal_hold',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('set_at', sa.DateTime(), nullable=False),
    sa.Column('set_by_id', sa.Uuid(), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('lifted_at', sa.DateTime(), nullable=True),
    sa.Column('lifted_by_id', sa.Uuid(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case_record.id'], name=op.f('fk_legal_hold_case_id_case_record')),
    sa.ForeignKeyConstraint(['lifted_by_id'], ['user_account.id'], name=op.f('fk_legal_hold_lifted_by_id_user_account')),
    sa.ForeignKeyConstraint(['set_by_id'], ['user_account.id'], name=op.f('fk_legal_hold_set_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_legal_hold'))
    )
    with op.batch_alter_table('legal_hold', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_legal_hold_case_id'), ['case_id'], unique=False)

    # Plain ADD COLUMN (not batch mode): see migration 0007.
    op.add_column('case_record', sa.Column('retention_review_on', sa.Date(), nullable=True))
    op.add_column('case_record', sa.Column('retention_due', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_index(op.f('ix_case_record_retention_review_on'), 'case_record', ['retention_review_on'], unique=False)
    op.add_column('school', sa.Column('low_level_years_after_leaving', sa.Integer(), nullable=False, server_default='6'))
    op.add_column('school', sa.Column('whistleblowing_years_after_closure', sa.Integer(), nullable=False, server_default='6'))


def downgrade():
    with op.batch_alter_table('school', schema=None) as batch_op:
        batch_op.drop_column('whistleblowing_years_after_closure')
        batch_op.drop_column('low_level_years_after_leaving')

    with op.batch_alter_table('case_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_record_retention_review_on'))
        batch_op.drop_column('retention_due')
        batch_op.drop_column('retention_review_on')

    with op.batch_alter_table('legal_hold', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_legal_hold_case_id'))

    op.drop_table('legal_hold')
    op.drop_table('case_tombstone')
