package service

import (
	"context"
	"errors"
	"time"

	"golang.org/x/sys/windows"
)

// ListenStop returns a context that is done when ctx is, or when another
// process sets the stop event for configFile (StopEventName). The release
// function closes the event; call it when the run is over.
func ListenStop(ctx context.Context, configFile string) (context.Context, func(), error) {
	name, err := windows.UTF16PtrFromString(StopEventName(configFile))
	if err != nil {
		return ctx, func() {}, err
	}
	// Manual reset: the event stays set until this process ends, so a stop
	// cannot be missed.
	ev, err := windows.CreateEvent(nil, 1, 0, name)
	if err != nil {
		return ctx, func() {}, err
	}
	ctx, cancel := context.WithCancel(ctx)
	quit, err := windows.CreateEvent(nil, 1, 0, nil)
	if err != nil {
		windows.CloseHandle(ev)
		cancel()
		return ctx, func() {}, err
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		r, _ := windows.WaitForMultipleObjects([]windows.Handle{ev, quit}, false, windows.INFINITE)
		if r == windows.WAIT_OBJECT_0 {
			cancel()
		}
	}()
	release := func() {
		_ = windows.SetEvent(quit)
		<-done
		cancel()
		windows.CloseHandle(quit)
		windows.CloseHandle(ev)
	}
	return ctx, release, nil
}

// ErrNoStopEvent means no ferry listens for a stop for that config: none
// runs, or one from before ferry had the stop event.
var ErrNoStopEvent = errors.New("no running ferry listens for a stop request")

// stopWait bounds how long stopTask waits for the drain: ferry's own
// shutdown timeout (30 s by default) and some.
const stopWait = 40 * time.Second

// stopTask asks the logon task's ferry to drain and stop, and waits until
// it has: the event's name goes away when the last handle, the running
// ferry's, is closed at the end of its run. It reports false when no ferry
// listened or it did not stop in time; the caller ends the task then.
func stopTask(configFile string) bool {
	if RequestStop(configFile) != nil {
		return false
	}
	for deadline := time.Now().Add(stopWait); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if !stopEventExists(configFile) {
			return true
		}
	}
	return false
}

func stopEventExists(configFile string) bool {
	name, err := windows.UTF16PtrFromString(StopEventName(configFile))
	if err != nil {
		return false
	}
	ev, err := windows.OpenEvent(windows.SYNCHRONIZE, false, name)
	if err != nil {
		return false
	}
	windows.CloseHandle(ev)
	return true
}

// RequestStop sets the stop event of the ferry running with configFile.
func RequestStop(configFile string) error {
	name, err := windows.UTF16PtrFromString(StopEventName(configFile))
	if err != nil {
		return err
	}
	ev, err := windows.OpenEvent(windows.EVENT_MODIFY_STATE, false, name)
	if errors.Is(err, windows.ERROR_FILE_NOT_FOUND) {
		return ErrNoStopEvent
	}
	if err != nil {
		return err
	}
	defer windows.CloseHandle(ev)
	return windows.SetEvent(ev)
}
