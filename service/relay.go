package service

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// RelayStartWait is how long ferry service start waits for the relay to answer: it
// listens within a second of starting; a Kerberos or PAC setup at start
// can take a few more.
const RelayStartWait = 15 * time.Second

// WaitRelay polls the relay's status page on listen until it answers or
// wait has passed.
func WaitRelay(ctx context.Context, listen string, wait time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	for {
		_, err := RelaySummary(ctx, listen)
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// RelaySummary gets the status page (as text) that the relay serves at /
// on its listen address: the relay is the last word on whether ferry
// runs, whoever started it.
func RelaySummary(ctx context.Context, listen string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+listen+"/", nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("Accept", "text/plain")
	// No proxy: http_proxy in this shell may well point at ferry itself.
	client := &http.Client{Transport: &http.Transport{Proxy: nil}}
	resp, err := client.Do(req)
	if err != nil {
		var ue interface{ Unwrap() error }
		if errors.As(err, &ue) && ue.Unwrap() != nil {
			err = ue.Unwrap()
		}
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 16<<10))
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("status page answered %s", resp.Status)
	}
	return string(body), nil
}
