"""Supervision in numbers: staffing ratios and a month's supervision schedule from the SOP's
cadences.
"""
