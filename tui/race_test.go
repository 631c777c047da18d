//go:build race

package tui

// raceDetector is whether the tests run under -race (see TestMain).
const raceDetector = true
