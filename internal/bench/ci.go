package bench

import (
	"math"
	"time"
)

// The CI jobs' shape; BENCHMARKS.md states each of these.
const (
	// deployJobLeast and deployJobSpread: a deploy job (runner start, checkout, the action's
	// prebuilt image, zip and upload) takes 30 to 55 s.
	deployJobLeast  = 30 * time.Second
	deployJobSpread = 25 * time.Second
	// finishJobLeast and finishJobSpread: a finish job (runner start, the image, the result
	// and its artifacts) takes 20 to 40 s.
	finishJobLeast  = 20 * time.Second
	finishJobSpread = 20 * time.Second
	// resultsTime is what a job that waited spends after the end, writing its results.
	resultsTime = 10 * time.Second
	// minutePrice is GitHub's Linux 2-core price per billed minute (facts/github.md).
	minutePrice = 0.006
)

// Jobs is one deployment's billed CI minutes both ways.
type Jobs struct {
	Waiting int // one job that deploys and waits for the end, polling every second
	Product int // this product's deploy job and finish job
}

// billedMinutes rounds a job up to whole minutes, as GitHub bills it.
func billedMinutes(d time.Duration) int { return int(math.Ceil(d.Minutes())) }

// CIMinutes bills d's jobs; waited is how the job that waits fared.
func CIMinutes(d Deployment, waited Watch) Jobs {
	deploy := deployJobLeast + spread(d.noise>>8, deployJobSpread)
	finish := finishJobLeast + spread(d.noise>>24, finishJobSpread)
	waiting := deploy + d.Watched() + waited.Delay + resultsTime
	return Jobs{Waiting: billedMinutes(waiting),
		Product: billedMinutes(deploy) + billedMinutes(finish)}
}

// spread is a share of width picked by the hash h.
func spread(h uint64, width time.Duration) time.Duration {
	return time.Duration(float64(width) * float64(mix64(h)%1000) / 1000)
}
