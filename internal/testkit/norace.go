//go:build !race

package testkit

// Race is whether the race detector is on (race.go).
const Race = false
