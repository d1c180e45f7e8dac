"""The course's one palette, for figures, charts and dashboards alike.

Every colour is dark enough for text and lines on white and on its light fill (the ratios are
given); nothing in the course is told by colour alone.
"""

from pathlib import Path

INK = "#1a1a1a"  # text
BLUE = "#0b4f8a"  # main lines and edges (8.4:1 on white)
BLUE_FILL = "#e6f0fa"
RED = "#a4262c"  # returns to an earlier step (7.3:1 on white)
GREEN = "#1e6b34"  # edges of the internal analysis and of referrals (6.5:1 on white)
GREEN_FILL = "#e8f4ea"
ORANGE = "#8a4b00"  # edges of community-based support (6.8:1 on white)
ORANGE_FILL = "#fdf1e2"
GREY_FILL = "#f2f2f2"

FONT = 15  # body text, in points: at the image's width of 72/15 em per inch, about 1em
DPI = 150

# The course's one stylesheet ships with its Voilà template, which links it in every page's
# head. Pages opened elsewhere (JupyterLab, the hub's live view, a notebook run on its own)
# get it from this <style> block, which every page also shows.
STYLESHEET = (
    Path(__file__).parents[2]
    / "share"
    / "jupyter"
    / "voila"
    / "templates"
    / "cm101"
    / "static"
    / "course.css"
)
STYLE = f"<style>\n{STYLESHEET.read_text()}</style>\n"
