module swarmnotes/benchmarks/pipeline

go 1.19
