"""Funeral and cemeteries (殡葬): deaths, bodies, cremations, burials, plots and funeral assistance,
including unidentified bodies. Rules F-1 to F-7 (design/domain.md).
"""
