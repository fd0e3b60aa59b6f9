"""chronology guard: entries are never updated; deleted only while their case is being destroyed

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION casetracker_chronology_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' AND EXISTS (SELECT 1 FROM case_destruction WHERE case_id = OLD.case_id) THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'chronology entries are never changed: add a correction that supersedes this one';
END
$$ LANGUAGE plpgsql
"""


def upgrade():
    # A case being destroyed (by the one destruction service, in its own transaction) is listed
    # here; only then may its chronology rows be deleted.
    op.create_table(
        "case_destruction",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_case_destruction")),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        op.execute(
            "CREATE TRIGGER chronology_entry_guard BEFORE UPDATE OR DELETE ON chronology_entry "
            "FOR EACH ROW EXECUTE FUNCTION casetracker_chronology_guard()"
        )
    else:
        op.execute(
            "CREATE TRIGGER chronology_entry_no_update BEFORE UPDATE ON chronology_entry "
            "BEGIN SELECT RAISE(ABORT, 'chronology entries are never changed: add a correction that supersedes this one'); END"
        )
        op.execute(
            "CREATE TRIGGER chronology_entry_no_delete BEFORE DELETE ON chronology_entry "
            "WHEN NOT EXISTS (SELECT 1 FROM case_destruction WHERE case_id = OLD.case_id) "
            "BEGIN SELECT RAISE(ABORT, 'chronology entries are never changed: add a correction that supersedes this one'); END"
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS chronology_entry_guard ON chronology_entry")
        op.execute("DROP FUNCTION IF EXISTS casetracker_chronology_guard()")
    else:
        op.execute("DROP TRIGGER IF EXISTS chronology_entry_no_update")
        op.execute("DROP TRIGGER IF EXISTS chronology_entry_no_delete")
    op.drop_table("case_destruction")
