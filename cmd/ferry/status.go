package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/ferryproxy/ferry/config"
	"github.com/ferryproxy/ferry/relay"
	"github.com/ferryproxy/ferry/relay/report"
)

const statusUsage = `Usage: ferry status [--config FILE] [--listen ADDR] [--json]

Print the running ferry's state: version, uptime, each parent's health,
logon state and counters, and credentials resting after a rejection. It
reads http://ADDR/status.json from the ferry listening on ADDR (default: the
first listen address of the config, else 127.0.0.1:3128). The same is shown
as a page at http://127.0.0.1:3128/ in a browser.

Flags:
  -c, --config FILE   the TOML config file (default: as for 'ferry run')
  -l, --listen ADDR   the running ferry's address, host:port
      --json          print /status.json as it is
  -h, --help          show this help

Exit status: 0 when ferry answered, 1 when none is running there.

Examples:
  ferry status
  ferry status --listen 127.0.0.1:8888 --json
`

func cmdStatus(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("status")
	var configPath, listen string
	var asJSON bool
	fs.StringVar(&configPath, "config", "", "")
	fs.StringVar(&configPath, "c", "", "")
	fs.StringVar(&listen, "listen", "", "")
	fs.StringVar(&listen, "l", "", "")
	fs.BoolVar(&asJSON, "json", false, "")
	if status, done := parseNoArgs(fs, args, statusUsage, "status", stdout, stderr); done {
		return status
	}
	if listen == "" {
		listen = listenAddr(configPath)
	}
	st, err := fetchStatus(ctx, listen)
	if err != nil {
		printError(stderr, err)
		return exitError
	}
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(st)
		return exitOK
	}
	printStatus(stdout, st)
	return exitOK
}

// listenAddr is the first listen address of the config, or the default.
// A config with errors still names its listen address.
func listenAddr(configPath string) string {
	cfg, _ := config.Load(configPath, config.Overrides{})
	if cfg != nil && len(cfg.Listen) > 0 {
		return cfg.Listen[0]
	}
	return relay.DefaultListen
}

// fetchStatus reads /status.json from the ferry listening on addr.
func fetchStatus(ctx context.Context, addr string) (*report.Status, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/status.json", nil)
	if err != nil {
		return nil, fmt.Errorf("status of ferry at %s: %w", addr, err)
	}
	// Straight to ferry: a proxy from the environment must not carry this.
	c := &http.Client{Transport: &http.Transport{Proxy: nil}}
	resp, err := c.Do(req)
	if err != nil {
		return nil, fmt.Errorf("no ferry answers at %s (%v): start it with 'ferry run', or name its address with --listen", addr, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("the program at %s answered /status.json with %s: it is not ferry, or an older one", addr, resp.Status)
	}
	var st report.Status
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&st); err != nil {
		return nil, fmt.Errorf("the program at %s sent a status ferry cannot read (%v): it is not ferry", addr, err)
	}
	return &st, nil
}

func printStatus(w io.Writer, st *report.Status) {
	fmt.Fprintf(w, "ferry %s, up %s, listening on %s, %d open tunnels\n",
		st.Version, (time.Duration(st.UptimeSeconds) * time.Second).String(), strings.Join(st.Listeners, " "), st.Tunnels)
	for _, p := range st.Parents {
		health := parentHealth(p)
		logon := p.Auth
		if p.RestingUntil != nil {
			logon = fmt.Sprintf("rejected, resting %s more", (time.Duration(p.RestingSeconds) * time.Second).String())
		}
		fmt.Fprintf(w, "parent %s: %s; scheme %s; logon %s; %d idle connections, %d spare (%d used); %d requests, %d handshakes, %d failed logons\n",
			p.Addr, health, orDash(p.Scheme), logon, p.IdleConnections, p.SpareConnections, p.SparesUsed, p.Requests, p.Handshakes, p.FailedLogons)
		if p.LastError != "" {
			fmt.Fprintf(w, "  last error (%s): %s\n", p.LastVerdict, p.LastError)
		}
	}
	for _, r := range st.Resting {
		fmt.Fprintf(w, "credentials of %s at %s resting until %s: %s\n", r.Identity, r.Parent, r.Until.Format(time.TimeOnly), r.Reason)
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// parentHealth says a parent's state: up, down (since, cause, next try),
// resting or not tried yet. A ferry older than the state field reports
// only up and down_until.
func parentHealth(p report.ParentStatus) string {
	switch {
	case p.State == report.ParentDown && p.DownSince != nil && p.NextTry != nil:
		return fmt.Sprintf("down since %s (%s); next try at %s", p.DownSince.Format(time.TimeOnly), p.DownCause, p.NextTry.Format(time.TimeOnly))
	case p.State == "" && !p.Up && p.DownUntil != nil:
		return "down until " + p.DownUntil.Format(time.TimeOnly)
	case p.State == report.ParentResting:
		return "up, credentials resting"
	case p.State == report.ParentUntried:
		return "not tried yet"
	}
	return "up"
}
