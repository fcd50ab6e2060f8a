"""dechaff's benchmark harness: datasets, scoring, fair timing, reports (``dechaff bench``).

Needs the ``bench`` extra (rich, matplotlib and the peers compared: trafilatura,
readability-lxml, resiliparse, jusText, newspaper4k, goose3, boilerpy3, html-text,
inscriptis); the product never imports it, and a missing peer is skipped.
Scoring helpers other modules reuse: :mod:`dechaff.bench.scoring` (``title_matches``,
``authors_match``, ``date_matches``, ``tokenize``, ``match_shingles``).
"""
