"""Assistance to vagrants and beggars (流浪乞讨人员救助): relief station intake, services, family search,
exits and settlement. Rules V-1 to V-10 (design/domain.md).
"""
