"""Checks qforge quantize's report.html: self-contained (no script, no
external resource), the three plots as inline SVG with one bar per layer and
one point per evaluated model, and the tables.

Usage: check_report_html.py REPORT.html REPORT.json
"""
import html.parser
import json
import sys

page, report = open(sys.argv[1]).read(), json.load(open(sys.argv[2]))


class Walker(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.svgs, self.bars, self.points, self.tables = [], {}, 0, []
        self.external, self.scripts, self.current = [], 0, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script":
            self.scripts += 1
        for key in ("src", "href"):
            if key in a:
                self.external.append(a[key])
        if tag == "svg":
            self.current = a.get("id")
            self.svgs.append(self.current)
            self.bars[self.current] = 0
        if tag == "rect" and a.get("class") == "bar":
            self.bars[self.current] += 1
        if tag == "circle" and a.get("class") == "point":
            self.points += 1
        if tag == "table":
            self.tables.append(a.get("id"))


w = Walker()
w.feed(page)
layers = len(report["layers"])
points = len(report["evaluation"]["points"])
assert w.scripts == 0 and not w.external, (w.scripts, w.external)
assert w.svgs == ["bits-per-layer", "error-per-layer", "quality-vs-bits"], w.svgs
assert w.bars["bits-per-layer"] == layers, w.bars
assert w.bars["error-per-layer"] == 3 * layers, w.bars
assert w.points == points, (w.points, points)
assert w.tables == ["summary", "points", "layers"], w.tables
print("report.html: %d layers, %d points, self-contained" % (layers, points))
