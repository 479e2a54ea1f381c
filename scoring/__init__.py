"""Evaluation core: indicator systems, procedure checks, scores, problems.

Pure Python (stdlib, PyYAML, numpy, scipy) so the domain can be tested in
microseconds and reused from a CLI or batch job; never import the web stack.
"""
