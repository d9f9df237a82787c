"""Synthetic exports, never imported by the dashboard: `sample` writes the Hequ sample (sample_data/)
and the world the oracle tests check against; `province` writes many counties for the benchmarks."""
