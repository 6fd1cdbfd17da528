// Command chanbench measures, in Go itself, what benchmarks/bench_chan.py
// measures in Python: unbuffered ping-pong round trips per second, buffered
// (cap 128) items per second, and the time to cancel a context tree with
// 10,000 descendants. It prints one JSON object; bench_chan.py runs it with
// `go run` and puts the numbers beside the Python ones.
package main

import (
	"context"
	"encoding/json"
	"os"
	"sort"
	"time"
)

func median(xs []float64) float64 {
	sort.Float64s(xs)
	return xs[len(xs)/2]
}

// pingPong: two goroutines bounce a value over two unbuffered channels.
func pingPong(n int) float64 {
	a, b := make(chan int), make(chan int)
	go func() {
		for i := 0; i < n; i++ {
			a <- <-b
		}
	}()
	start := time.Now()
	for i := 0; i < n; i++ {
		b <- i
		<-a
	}
	return float64(n) / time.Since(start).Seconds()
}

// buffered: one producer, one consumer, a channel with a buffer of 128.
func buffered(n int) float64 {
	c := make(chan int, 128)
	go func() {
		for i := 0; i < n; i++ {
			c <- i
		}
		close(c)
	}()
	start := time.Now()
	for range c {
	}
	return float64(n) / time.Since(start).Seconds()
}

// cancelTree: a root with 100 children of 99 children each (10,000
// descendants); with eager set every descendant's Done channel exists (as
// when something waits on it). Returns the milliseconds cancel() takes:
// every descendant's Done is closed when it returns.
func cancelTree(eager bool) float64 {
	root, cancel := context.WithCancel(context.Background())
	leaves := make([]context.Context, 0, 10000)
	for i := 0; i < 100; i++ {
		mid, _ := context.WithCancel(root)
		leaves = append(leaves, mid)
		for j := 0; j < 99; j++ {
			leaf, _ := context.WithCancel(mid)
			leaves = append(leaves, leaf)
		}
	}
	if eager {
		for _, c := range leaves {
			c.Done()
		}
	}
	start := time.Now()
	cancel()
	ms := float64(time.Since(start).Nanoseconds()) / 1e6
	for _, c := range leaves {
		<-c.Done()
	}
	return ms
}

func main() {
	const repeats = 5
	var pp, buf, lazy, eager []float64
	for r := 0; r < repeats; r++ {
		pp = append(pp, pingPong(200000))
		buf = append(buf, buffered(2000000))
		lazy = append(lazy, cancelTree(false))
		eager = append(eager, cancelTree(true))
	}
	json.NewEncoder(os.Stdout).Encode(map[string]float64{
		"pingpong_rt_per_s":    median(pp),
		"buffered_items_per_s": median(buf),
		"cancel_tree_ms_lazy":  median(lazy),
		"cancel_tree_ms_eager": median(eager),
	})
}
