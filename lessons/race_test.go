//go:build race

package lessons

// raceDetector is whether the tests run under -race: then the seed sweeps,
// which the plain run already makes, shrink to what exercises the hunts'
// goroutines (see helpers_test.go).
const raceDetector = true
