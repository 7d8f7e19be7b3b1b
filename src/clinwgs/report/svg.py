"""Small inline SVG plots for the report (no plotting library, so HTML and PDF look the same)."""

from __future__ import annotations

from html import escape


def bar_chart(labels: list[str], values: list[float], threshold: float, title: str) -> str:
    """Horizontal bars of fractions (0-1), one per label, with a vertical line at ``threshold``."""
    row, left, width = 18, 90, 300
    height = row * len(labels) + 30
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 60}" height="{height}" '
        f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = 10 + i * row
        colour = "#2e7d32" if value >= threshold else "#c62828"
        parts.append(
            f'<text x="{left - 6}" y="{y + 12}" font-size="11" text-anchor="end">{escape(label)}</text>'
        )
        parts.append(
            f'<rect x="{left}" y="{y}" width="{max(value, 0.0) * width:.1f}" height="{row - 4}" '
            f'fill="{colour}"/>'
        )
        parts.append(
            f'<text x="{left + max(value, 0.0) * width + 4:.1f}" y="{y + 12}" font-size="10">'
            f"{value * 100:.1f}%</text>"
        )
    x = left + threshold * width
    parts.append(
        f'<line x1="{x:.1f}" y1="5" x2="{x:.1f}" y2="{height - 18}" stroke="#333" stroke-dasharray="3,2"/>'
    )
    parts.append(
        f'<text x="{left}" y="{height - 4}" font-size="10">fraction of coding bases at or above the '
        f"threshold (dashed line = {threshold * 100:.0f}%)</text></svg>"
    )
    return "".join(parts)


def line_chart(
    points: list[tuple[float, float]], title: str, x_label: str, y_label: str, marker_x: float | None = None
) -> str:
    """A line through (x, y) points with y in 0-1; optional vertical marker at ``marker_x``."""
    left, top, width, height = 45, 10, 320, 150
    if not points:
        return ""
    max_x = max(x for x, _ in points) or 1.0

    def sx(x: float) -> float:
        return left + x / max_x * width

    def sy(y: float) -> float:
        return top + (1 - y) * height

    path = " ".join(f"{'M' if i == 0 else 'L'}{sx(x):.1f},{sy(y):.1f}" for i, (x, y) in enumerate(points))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 20}" height="{top + height + 40}" '
        f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>',
        f'<rect x="{left}" y="{top}" width="{width}" height="{height}" fill="none" stroke="#999"/>',
        f'<path d="{path}" fill="none" stroke="#1565c0" stroke-width="2"/>',
    ]
    for frac in (0.0, 0.5, 1.0):
        parts.append(
            f'<text x="{left - 4}" y="{sy(frac) + 4:.1f}" font-size="10" text-anchor="end">'
            f"{frac * 100:.0f}%</text>"
        )
    parts.append(f'<text x="{left}" y="{top + height + 14}" font-size="10">0</text>')
    parts.append(
        f'<text x="{left + width}" y="{top + height + 14}" font-size="10" text-anchor="end">'
        f"{max_x:.0f}</text>"
    )
    if marker_x is not None and marker_x <= max_x:
        parts.append(
            f'<line x1="{sx(marker_x):.1f}" y1="{top}" x2="{sx(marker_x):.1f}" y2="{top + height}" '
            f'stroke="#c62828" stroke-dasharray="3,2"/>'
        )
    parts.append(
        f'<text x="{left + width / 2}" y="{top + height + 30}" font-size="10" text-anchor="middle">'
        f"{escape(x_label)}; y: {escape(y_label)}</text></svg>"
    )
    return "".join(parts)
