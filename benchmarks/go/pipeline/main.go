// Command pipeline times the Go blog's final pipeline (gen -> 2 x sq -> merge,
// with a done channel) over n ints, for benchmarks/bench_pipeline.py.
//
// It is written for this benchmark after the shapes of golang/blog
// content/pipelines/sqdone3.go; it prints one JSON line:
// {"items": n, "seconds": s, "items_per_s": r, "sum": ...}.
package main

import (
	"encoding/json"
	"flag"
	"os"
	"sync"
	"time"
)

// gen fills a buffer that holds every number, so it needs no goroutine and
// may ignore done (its sends cannot block).
func gen(done <-chan struct{}, nums []int) <-chan int {
	out := make(chan int, len(nums))
	for _, n := range nums {
		out <- n
	}
	close(out)
	return out
}

// sq squares what it receives until in is closed or done is.
func sq(done <-chan struct{}, in <-chan int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		for n := range in {
			select {
			case out <- n * n:
			case <-done:
				return
			}
		}
	}()
	return out
}

// merge copies every input onto one channel, closed when all copiers end.
func merge(done <-chan struct{}, cs ...<-chan int) <-chan int {
	var wg sync.WaitGroup
	out := make(chan int)
	copyIn := func(c <-chan int) {
		defer wg.Done()
		for n := range c {
			select {
			case out <- n:
			case <-done:
				return
			}
		}
	}
	wg.Add(len(cs))
	for _, c := range cs {
		go copyIn(c)
	}
	go func() {
		wg.Wait()
		close(out)
	}()
	return out
}

func main() {
	n := flag.Int("n", 100000, "how many ints go through the pipeline")
	flag.Parse()
	nums := make([]int, *n)
	for i := range nums {
		nums[i] = i
	}
	start := time.Now()
	done := make(chan struct{})
	in := gen(done, nums)
	out := merge(done, sq(done, in), sq(done, in))
	count, sum := 0, 0
	for v := range out {
		count++
		sum += v
	}
	close(done)
	secs := time.Since(start).Seconds()
	json.NewEncoder(os.Stdout).Encode(map[string]any{
		"items": count, "seconds": secs, "items_per_s": float64(count) / secs, "sum": sum,
	})
}
