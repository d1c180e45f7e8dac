"""The nbgrader bridge: assignments generated from the bank, a trainee's hand-in, and the grading
kernel's helpers.
"""
