"""Marriage registration (婚姻登记): registry offices across the city register marriages and divorces,
reissue and verify certificates, record court outcomes and revocations, import paper-era records.
Rules M-1 to M-13 (design/domain.md).
"""
