//go:build race

package lessons

// raceDetector is whether the tests run under -race: then the tests that
// replay one seed at a time skip (sequential, in helpers_test.go).
const raceDetector = true
