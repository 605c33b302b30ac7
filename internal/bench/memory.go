package bench

import (
	"bufio"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"time"
)

// heapSample is how often the heap is sampled while a measured step runs.
const heapSample = time.Millisecond

// Cost is what one measured step took.
type Cost struct {
	Time      time.Duration
	PeakHeap  uint64 // the heap's highest sampled size above its size at the start
	Allocated uint64 // bytes allocated during the step
	// PeakRSS is the process's peak resident memory above the start (Linux), 0 when unknown.
	PeakRSS uint64
}

// measure runs step and returns its time, heap (sampled) and resident (Linux) peaks.
func measure(step func() error) (Cost, error) {
	// The heap counts live and not yet collected objects, sampled every millisecond.
	runtime.GC()
	debug.FreeOSMemory()
	rssBase, rssOK := resetPeakRSS()
	base := readHeap()
	stop, peak := make(chan struct{}), make(chan uint64)
	go sampleHeap(stop, peak)

	start := time.Now()
	err := step()
	c := Cost{Time: time.Since(start)}
	close(stop)
	top := max(<-peak, readHeap().objects)
	end := readHeap()

	if top > base.objects {
		c.PeakHeap = top - base.objects
	}
	c.Allocated = end.allocs - base.allocs
	if hwm, ok := peakRSS(); rssOK && ok && hwm > rssBase {
		c.PeakRSS = hwm - rssBase
	}
	return c, err
}

// sampleHeap sends the largest heap size seen until stop closes.
func sampleHeap(stop <-chan struct{}, peak chan<- uint64) {
	var top uint64
	t := time.NewTicker(heapSample)
	defer t.Stop()
	for {
		select {
		case <-stop:
			peak <- top
			return
		case <-t.C:
			top = max(top, readHeap().objects)
		}
	}
}

// heap is the runtime's count of heap bytes in objects and of bytes ever allocated.
type heap struct{ objects, allocs uint64 }

func readHeap() heap {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	return heap{objects: s[0].Value.Uint64(), allocs: s[1].Value.Uint64()}
}

// resetPeakRSS resets Linux's resident high-water mark and returns the resident size now.
func resetPeakRSS() (uint64, bool) {
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		return 0, false
	}
	return procStatus("VmRSS:")
}

// peakRSS is the resident high-water mark since the last reset.
func peakRSS() (uint64, bool) { return procStatus("VmHWM:") }

// procStatus reads one kB field of /proc/self/status, in bytes.
func procStatus(field string) (uint64, bool) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), field)
		if !ok {
			continue
		}
		kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
		return kb << 10, err == nil
	}
	return 0, false
}
