"""Child welfare (儿童福利): one file per orphan or de facto unattended child (事实无人抚养儿童),
eligibility decisions, guardianship agreements and visits, the monthly allowance ledger.
Rules C-1 to C-8 (design/domain.md).
"""
