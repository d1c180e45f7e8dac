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

# The stylesheet every page shows once (course.css beside this file), as a <style> block: it
# reaches the page in Voilà, in JupyterLab and in the hub's live view alike.
STYLE = f"<style>\n{(Path(__file__).with_name('course.css')).read_text()}</style>\n"
