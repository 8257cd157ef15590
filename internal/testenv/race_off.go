//go:build !race

package testenv

// raceEnabled says the tests run with -race, so BuildFerry builds ferry with it too.
const raceEnabled = false
