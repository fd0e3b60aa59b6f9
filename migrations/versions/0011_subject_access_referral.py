"""subject access referral: a request the data-protection officer is named in goes to a second
office-holder

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 19:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('subject_access_referral',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.Column('requested_by_id', sa.Uuid(), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('produced_by_id', sa.Uuid(), nullable=True),
    sa.Column('produced_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_subject_access_referral_person_id_person')),
    sa.ForeignKeyConstraint(['produced_by_id'], ['user_account.id'], name=op.f('fk_subject_access_referral_produced_by_id_user_account')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user_account.id'], name=op.f('fk_subject_access_referral_requested_by_id_user_account')),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_subject_access_referral_school_id_school')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subject_access_referral'))
    )
    with op.batch_alter_table('subject_access_referral', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subject_access_referral_produced_at'), ['produced_at'], unique=False)


def downgrade():
    with op.batch_alter_table('subject_access_referral', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_subject_access_referral_produced_at'))
    op.drop_table('subject_access_referral')
