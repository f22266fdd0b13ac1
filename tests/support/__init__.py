"""Helpers shared by the integration, end-to-end and benchmark suites."""
