"""The frame of every HTML page salestrack writes: one standalone HTML5 file, inline CSS, no
script and no link, laid out to print on A4 (``@media print``)."""

from __future__ import annotations

from html import escape

from salestrack.output.console import visible

CSS = """
:root { color-scheme: light; }
body { font: 13px/1.45 -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; margin: 2em auto;
  color: #1d2330; max-width: 60em; padding: 0 1.5em; }
h1 { font-size: 1.55em; margin: 0 0 0.2em; } h2 { font-size: 1.15em; margin: 1.5em 0 0.4em;
  border-bottom: 1px solid #ccd3e0; padding-bottom: 0.15em; }
h3 { font-size: 1em; margin: 1em 0 0.3em; }
p { margin: 0.3em 0 0.6em; }
.muted { color: #6b7385; } .lead { font-size: 1.05em; }
.kpis { display: flex; flex-wrap: wrap; gap: 0.8em; margin: 0.8em 0; }
.kpi { border: 1px solid #ccd3e0; border-radius: 6px; padding: 0.5em 0.9em; min-width: 9em; }
.kpi b { display: block; font-size: 1.45em; } .kpi small { color: #6b7385; display: block; }
.grid2 { display: grid; grid-template-columns: repeat(auto-fill, minmax(320px, 1fr));
  gap: 0.4em 1.2em; }
figure { margin: 0.3em 0 0.8em; break-inside: avoid; }
figcaption { font-size: 0.92em; color: #3a4255; }
svg.chart { max-width: 100%; height: auto; display: block; }
table { border-collapse: collapse; width: 100%; margin: 0.3em 0 0.8em; }
th, td { border-bottom: 1px solid #e3e7ef; padding: 0.25em 0.5em; text-align: left;
  vertical-align: top; }
th { font-weight: 600; } td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.flag-worse { color: #b3261e; font-weight: 600; } .flag-better { color: #2f855a; }
.grade { text-align: center; font-weight: 700; width: 3.2em; }
.grade-A { background: #d9f2e3; color: #1e6b3d; } .grade-B { background: #fdf3d0; color: #7a5a00; }
.grade-D { background: #fbe0de; color: #a32018; }
ol li, ul li { margin: 0.2em 0; }
.page-break { break-before: page; }
@media print {
  @page { size: A4; margin: 13mm 12mm; }
  body { margin: 0; padding: 0; max-width: none; font-size: 10.5pt; }
  h2 { break-after: avoid; } section, figure, table, .kpis { break-inside: avoid; }
  .grade-A, .grade-B, .grade-D { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
}
"""


def page(title: str, body: str, *, extra_css: str = "") -> str:
    """A whole HTML5 document around ``body`` (already escaped), titled ``title`` (escaped
    here)."""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(visible(title))}</title>\n<style>{CSS}{extra_css}</style>\n</head>\n"
        f"<body>\n{body}\n</body>\n</html>\n"
    )
