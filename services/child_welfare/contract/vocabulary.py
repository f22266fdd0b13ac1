"""The words of the child welfare domain and the shapes of its values (api.md "Child welfare").

Every text is bounded and free of control characters (shared/text.py), so hostile input is refused as a
schema break before any rule runs.
"""

from __future__ import annotations

from typing import Literal

from shared.reference.text import line

Name = line(100)
Note = line(500)
EvidenceRef = line(100)  # the certificate, judgment or police report number proving a condition

Care = Literal["dispersed", "institution", "foster"]  # 散居 / 机构集中养育 / 家庭寄养 (C-4)
Category = Literal["orphan", "de_facto_unattended"]  # 孤儿 / 事实无人抚养儿童 (C-1)
Institution = Literal["welfare_institution", "minors_protection_centre"]  # 儿童福利院 / 未成年人救助保护中心
Condition = Literal[
    "none", "deceased", "declared_dead", "declared_missing", "untraceable", "serious_disability",
    "serious_illness", "imprisoned", "compulsory_rehab", "detained", "lost_contact", "guardianship_revoked",
]
TerminationReason = Literal["adult", "death", "adoption", "adopted", "parent_condition_ended", "moved_away", "other"]
AgreementKind = Literal["guardianship", "entrusted_care"]

# C-1: a parent who is gone — an orphan has two of them.
GONE: frozenset[str] = frozenset({"deceased", "declared_dead", "declared_missing", "untraceable"})
# C-1 (民发〔2019〕62号): a parent in one of these cannot bring the child up.
SERIOUS: frozenset[str] = frozenset({"serious_disability", "serious_illness", "imprisoned", "compulsory_rehab",
                                     "detained", "lost_contact", "guardianship_revoked"})
# Conditions whose "6 months or more" threshold is the length of the deprivation of liberty (C-1).
DEPRIVATION_OF_LIBERTY: frozenset[str] = frozenset({"imprisoned", "detained"})
# Care arrangements an officer visits on a cycle (C-7).
VISITED_CARE: frozenset[str] = frozenset({"dispersed", "foster"})

