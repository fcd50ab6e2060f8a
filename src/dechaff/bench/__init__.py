"""dechaff's benchmark harness: datasets, scoring, fair timing, reports (``dechaff bench``).

Needs the ``bench`` extra (trafilatura, rich, matplotlib); the product never imports it.
Scoring helpers other modules reuse: :mod:`dechaff.bench.scoring` (``title_matches``,
``authors_match``, ``date_matches``, ``tokenize``, ``match_shingles``).
"""
