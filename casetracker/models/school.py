"""The school record: everything school-specific lives here, so a trust can have several later."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casetracker.domain.people import LadoClockUnit, LowLevelConcernRoute, SchoolType
from casetracker.models.base import Base


class School(Base):
    __tablename__ = "school"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    school_type: Mapped[str] = mapped_column(String(20), default=SchoolType.MAINTAINED.value)
    local_authority: Mapped[str] = mapped_column(String(200), default="")
    lado_name: Mapped[str] = mapped_column(String(200), default="")
    lado_phone: Mapped[str] = mapped_column(String(50), default="")
    lado_email: Mapped[str] = mapped_column(String(320), default="")
    low_level_concern_route: Mapped[str] = mapped_column(String(20), default=LowLevelConcernRoute.DSL.value)
    lado_clock_unit: Mapped[str] = mapped_column(String(20), default=LadoClockUnit.WORKING_DAYS.value)
    lado_clock_amount: Mapped[int] = mapped_column(default=1)
    pattern_window_months: Mapped[int] = mapped_column(default=12)
    # KCSIE leaves it to the school whether a false allegation stays on the personnel record.
    remove_false_allegations: Mapped[bool] = mapped_column(default=False)
    # How long records are kept where the law leaves it to the school (DOMAIN.md section 7).
    low_level_years_after_leaving: Mapped[int] = mapped_column(default=6)
    whistleblowing_years_after_closure: Mapped[int] = mapped_column(default=6)

    terms: Mapped[list[TermDate]] = relationship(
        back_populates="school", order_by="TermDate.starts_on", cascade="all, delete-orphan"
    )

    @property
    def type(self) -> SchoolType:
        return SchoolType(self.school_type)


class TermDate(Base):
    __tablename__ = "term_date"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    starts_on: Mapped[dt.date]
    ends_on: Mapped[dt.date]

    school: Mapped[School] = relationship(back_populates="terms")
