"""What every course page loads: paths, the outline, who the trainee is, the progress store, the
question bank and its renderers, the page itself, results, certificate, and the server.
"""
