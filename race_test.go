//go:build race

package main

// raceDetector is whether the tests run under -race (see sequential).
const raceDetector = true
