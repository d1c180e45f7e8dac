"""For trainers: the trainer gate, reading trainees' progress, scores, exports, the report and the
live view.
"""
