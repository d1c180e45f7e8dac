"""Nadia's case study and the short cases: the trainee's own case file, its panels, plan editor and
figures.
"""
