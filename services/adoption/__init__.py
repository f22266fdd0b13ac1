"""Adoption registration (收养登记): assessments, foundling notices, registration, dissolution, void and revoked
registrations, and their certificates. Rules A-1 to A-17 and K-1, K-2 (docs/adoption.md).
"""
