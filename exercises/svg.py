"""The word cloud as an SVG image, laid out in rows like on the projector."""

from __future__ import annotations

from xml.sax.saxutils import escape

from exercises.aggregate import CloudWord

SIZES = {1: 18, 2: 24, 3: 32, 4: 42, 5: 54, 6: 68}
WIDTH = 1200


def cloud_svg(title: str, words: list[CloudWord]) -> str:
    # Rows are filled left to right with a rough width estimate (0.6 em per character): good
    # enough for a handout, and with no font metrics the file renders the same everywhere.
    rows: list[list[tuple[CloudWord, int]]] = [[]]
    used = 0
    for word in words:
        size = SIZES[word.weight]
        width = int(len(word.text) * size * 0.6) + 30
        if used + width > WIDTH - 40 and rows[-1]:
            rows.append([])
            used = 0
        rows[-1].append((word, width))
        used += width
    parts = []
    y = 90
    for row in rows:
        height = max((SIZES[w.weight] for w, _ in row), default=20) + 16
        y += height
        x = (WIDTH - sum(width for _, width in row)) // 2 + 15
        for word, width in row:
            parts.append(
                f'<text x="{x}" y="{y}" font-size="{SIZES[word.weight]}" '
                f'font-weight="{600 if word.weight > 3 else 400}">{escape(word.text)}</text>'
            )
            x += width
    height = y + 40
    label = escape(title, {'"': "&quot;"})
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" aria-label="{label}">'
        f"<title>{escape(title)}</title>"
        f'<rect width="100%" height="100%" fill="#ffffff"/>'
        f'<text x="40" y="50" font-size="26" fill="#4a5563" font-family="sans-serif">'
        f"{escape(title)}</text>"
        f'<g fill="#083f4c" font-family="sans-serif">{"".join(parts)}</g></svg>'
    )
