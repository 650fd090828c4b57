"""The HTML report: one self-contained ``report/`` folder a designer can open from disk.

``write_report(results, output)`` writes ``<output>/report/index.html`` (CSS, JS and the
run's data inlined), the images of every shot that did not pass under ``report/img/``
and a thumbnail of every shot under ``report/thumbs/``.
"""

from harness.report.build import write_report

__all__ = ["write_report"]
