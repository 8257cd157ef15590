package parent_test

import (
	"encoding/base64"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"

	"github.com/ferryproxy/ferry/auth"
	"github.com/ferryproxy/ferry/relay/parent"
)

// A Go program behind an authenticating proxy sends its http:// requests
// through an Upstream. Here the proxy is a small Basic one on loopback; with
// a corporate one, Auth is the same for NTLM, Digest and Negotiate (auto
// picks what the proxy offers).
func ExampleUpstream_RoundTrip() {
	proxy := basicProxy()
	defer proxy.Close()

	creds, err := auth.New(auth.Config{Scheme: "auto", User: "alice", Password: "secret"})
	if err != nil {
		log.Fatal(err)
	}
	u := parent.New(parent.Config{Addr: proxy.Listener.Addr().String(), Auth: creds})
	defer u.Retire()

	client := &http.Client{Transport: u}
	resp, err := client.Get("http://intranet.example/hello")
	if err != nil {
		log.Fatal(err) // a *failure.Error: its Cause, What and Fix say what went wrong
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Print(string(body))
	// Output: the proxy fetched http://intranet.example/hello for alice
}

// https:// and other TCP protocols go through the proxy's CONNECT: DialContext
// opens the tunnel, here for an http.Transport.
func ExampleUpstream_DialContext() {
	proxy := basicProxy()
	defer proxy.Close()
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "hello through the tunnel")
	}))
	defer site.Close()

	creds, err := auth.New(auth.Config{Scheme: "auto", User: "alice", Password: "secret"})
	if err != nil {
		log.Fatal(err)
	}
	u := parent.New(parent.Config{Addr: proxy.Listener.Addr().String(), Auth: creds})
	defer u.Retire()

	tr := &http.Transport{DialContext: u.DialContext}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Get(site.URL)
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Print(string(body))
	// Output: hello through the tunnel
}

// basicProxy is a proxy that wants Basic credentials alice:secret: it
// answers http:// requests itself and opens CONNECT tunnels.
func basicProxy() *httptest.Server {
	want := "Basic " + base64.StdEncoding.EncodeToString([]byte("alice:secret"))
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Proxy-Authorization") != want {
			w.Header().Set("Proxy-Authenticate", `Basic realm="corp"`)
			w.WriteHeader(http.StatusProxyAuthRequired)
			return
		}
		if r.Method != http.MethodConnect {
			fmt.Fprintf(w, "the proxy fetched %s for alice\n", r.URL)
			return
		}
		site, err := net.Dial("tcp", r.Host)
		if err != nil {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		defer site.Close()
		app, brw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		defer app.Close()
		_, _ = io.WriteString(app, "HTTP/1.1 200 Connection established\r\n\r\n")
		go func() { _, _ = io.Copy(site, brw) }()
		_, _ = io.Copy(app, site)
	}))
}
