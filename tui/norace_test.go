//go:build !race

package tui

// raceDetector is whether the tests run under -race (race_test.go).
const raceDetector = false
