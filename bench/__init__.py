"""The benchmark harness (`make bench`, `make bench-load`): see bench/run.py and README «Benchmarks»."""
