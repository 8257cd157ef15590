package service

import (
	"bytes"
	"context"
	"errors"
	"os"
	"sync"

	ks "github.com/kardianos/service"
	"golang.org/x/sys/windows"
)

// UnderServiceManager reports whether the Windows SCM started this process.
func UnderServiceManager() bool { return !ks.Interactive() }

// RunService runs run under the SCM: a service stop (or system shutdown)
// cancels run's context, which makes ferry drain like SIGTERM does
// elsewhere. Log lines go to the event log. If run fails on its own, the
// process exits with status 1 so that the SCM's recovery action restarts it.
func RunService(c Config, run RunFunc) error {
	p := &scmProgram{run: run, done: make(chan error, 1)}
	s, err := ks.New(p, scmConfig(c))
	if err != nil {
		return err
	}
	el, err := s.SystemLogger(nil)
	if err != nil {
		return err
	}
	p.log = eventLog{el}
	return s.Run()
}

type scmProgram struct {
	run    RunFunc
	log    eventLog
	done   chan error
	once   sync.Once
	cancel context.CancelFunc
}

func (p *scmProgram) Start(ks.Service) error {
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel = cancel
	go func() {
		err := p.run(ctx, p.log)
		if ctx.Err() == nil { // stopped by itself, not by the SCM
			if err == nil {
				err = errors.New("ferry stopped unexpectedly")
			}
			_ = p.log.l.Error("ferry: " + err.Error())
			os.Exit(1)
		}
		p.done <- err
	}()
	return nil
}

// Stop cancels and waits for the drain (bounded by timeouts.shutdown); the
// SCM waits for services' stop for about 20 s by default.
func (p *scmProgram) Stop(ks.Service) error {
	var err error
	p.once.Do(func() {
		p.cancel()
		err = <-p.done
	})
	return err
}

// eventLog writes each slog line as an event log entry of its level.
type eventLog struct{ l ks.Logger }

func (e eventLog) Write(b []byte) (int, error) {
	msg := string(b)
	var err error
	switch levelOf(b) {
	case "error":
		err = e.l.Error(msg)
	case "warning":
		err = e.l.Warning(msg)
	default:
		err = e.l.Info(msg)
	}
	return len(b), err
}

// DetachConsole gives up the console window Windows opens for a console
// program started by Task Scheduler in the user's session; closing that
// window would otherwise stop ferry.
func DetachConsole() {
	_, _, _ = windows.NewLazySystemDLL("kernel32.dll").NewProc("FreeConsole").Call()
}

// levelOf reads the level of a log/slog text line ("level=WARN").
func levelOf(line []byte) string {
	switch {
	case bytes.Contains(line, []byte(" level=ERROR ")):
		return "error"
	case bytes.Contains(line, []byte(" level=WARN ")):
		return "warning"
	}
	return "info"
}
