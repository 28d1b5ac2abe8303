// Package headless opens a page in a real headless Chromium (Debian's
// /usr/bin/chromium) over the DevTools protocol on a pipe (no port, no
// websocket library), and reports what a reader would see: each chart's
// drawn size, the page's errors, every request it made, and a PNG
// screenshot of the whole page. It is for tests of the HTML reports.
package headless

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Box is one element's drawn size.
type Box struct {
	ID     string  `json:"id"`
	Width  float64 `json:"w"`
	Height float64 `json:"h"`
	// Points is how many sample dots and marks it has.
	Points int `json:"points"`
}

// Page is what the browser saw.
type Page struct {
	Title  string
	Charts []Box // every svg.chart, in document order
	// Errors: exceptions, console errors, log entries of level error,
	// failed loads.
	Errors []string
	// Requests: every URL the page asked for (the page itself included).
	Requests   []string
	Screenshot []byte // PNG of the whole page
}

// Binary finds Chromium.
func Binary() (string, error) {
	for _, n := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(n); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("no chromium on PATH (apt-get install chromium; scripts/install-deps.sh does)")
}

// Open loads the HTML file at path (width px wide) and inspects it.
func Open(ctx context.Context, path string, width int) (*Page, error) {
	bin, err := Binary()
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	profile, err := os.MkdirTemp("", "headless-profile-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(profile)
	// The pipe: chromium reads commands on fd 3 and writes on fd 4.
	cmdR, cmdW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage", "--hide-scrollbars",
		"--user-data-dir="+profile, "--remote-debugging-pipe", "about:blank")
	cmd.ExtraFiles = []*os.File{cmdR, outW}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	cmdR.Close()
	outW.Close()
	c := &conn{w: cmdW, pending: map[int]chan reply{}}
	go c.read(outR)
	defer func() {
		c.call(ctx, "", "Browser.close", nil)
		cmdW.Close()
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	}()
	p, err := c.inspect(ctx, "file://"+abs, width)
	if err != nil {
		return nil, fmt.Errorf("chromium: %w (stderr: %s)", err, tail(stderr.String()))
	}
	return p, nil
}

func tail(s string) string {
	if len(s) > 2000 {
		return s[len(s)-2000:]
	}
	return s
}

type reply struct {
	Result json.RawMessage
	Error  *struct {
		Message string `json:"message"`
	}
}

type event struct {
	Method    string          `json:"method"`
	SessionID string          `json:"sessionId"`
	Params    json.RawMessage `json:"params"`
}

// conn speaks the DevTools protocol: NUL-terminated JSON messages.
type conn struct {
	w       io.Writer
	mu      sync.Mutex
	next    int
	pending map[int]chan reply
	events  []event
	readErr error
}

func (c *conn) read(r io.Reader) {
	br := bufio.NewReader(r)
	for {
		msg, err := br.ReadBytes(0)
		if err != nil {
			c.mu.Lock()
			c.readErr = err
			for id, ch := range c.pending {
				close(ch)
				delete(c.pending, id)
			}
			c.mu.Unlock()
			return
		}
		msg = msg[:len(msg)-1]
		var m struct {
			ID int `json:"id"`
			reply
			event
		}
		if json.Unmarshal(msg, &m) != nil {
			continue
		}
		c.mu.Lock()
		if m.ID != 0 {
			if ch, ok := c.pending[m.ID]; ok {
				ch <- m.reply
				delete(c.pending, m.ID)
			}
		} else {
			c.events = append(c.events, m.event)
		}
		c.mu.Unlock()
	}
}

func (c *conn) call(ctx context.Context, session, method string, params any) (json.RawMessage, error) {
	c.mu.Lock()
	if c.readErr != nil {
		c.mu.Unlock()
		return nil, fmt.Errorf("%s: the browser closed the pipe: %w", method, c.readErr)
	}
	c.next++
	id := c.next
	ch := make(chan reply, 1)
	c.pending[id] = ch
	c.mu.Unlock()
	msg := map[string]any{"id": id, "method": method}
	if params != nil {
		msg["params"] = params
	}
	if session != "" {
		msg["sessionId"] = session
	}
	b, _ := json.Marshal(msg)
	if _, err := c.w.Write(append(b, 0)); err != nil {
		return nil, fmt.Errorf("%s: %w", method, err)
	}
	select {
	case r, ok := <-ch:
		if !ok {
			return nil, fmt.Errorf("%s: the browser closed the pipe", method)
		}
		if r.Error != nil {
			return nil, fmt.Errorf("%s: %s", method, r.Error.Message)
		}
		return r.Result, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("%s: %w", method, ctx.Err())
	}
}

func (c *conn) inspect(ctx context.Context, url string, width int) (*Page, error) {
	var target struct {
		TargetID string `json:"targetId"`
	}
	if err := c.decode(ctx, "", "Target.createTarget", map[string]any{"url": "about:blank"}, &target); err != nil {
		return nil, err
	}
	var att struct {
		SessionID string `json:"sessionId"`
	}
	if err := c.decode(ctx, "", "Target.attachToTarget", map[string]any{"targetId": target.TargetID, "flatten": true}, &att); err != nil {
		return nil, err
	}
	s := att.SessionID
	for _, m := range []string{"Page.enable", "Runtime.enable", "Log.enable", "Network.enable"} {
		if _, err := c.call(ctx, s, m, nil); err != nil {
			return nil, err
		}
	}
	if _, err := c.call(ctx, s, "Emulation.setDeviceMetricsOverride", map[string]any{"width": width, "height": 800, "deviceScaleFactor": 1, "mobile": false}); err != nil {
		return nil, err
	}
	if _, err := c.call(ctx, s, "Page.navigate", map[string]any{"url": url}); err != nil {
		return nil, err
	}
	// Loaded: the document is ours and complete.
	for {
		var st struct{ Href, State string }
		if err := c.eval(ctx, s, `JSON.stringify({href: location.href, state: document.readyState})`, &st); err == nil && st.Href == url && st.State == "complete" {
			break
		}
		select {
		case <-time.After(100 * time.Millisecond):
		case <-ctx.Done():
			return nil, fmt.Errorf("the page did not load: %w", ctx.Err())
		}
	}
	p := &Page{}
	var dims struct {
		Title  string `json:"title"`
		Height float64
		Charts []Box
	}
	const probe = `JSON.stringify({title: document.title, height: document.documentElement.scrollHeight,
		charts: [...document.querySelectorAll('svg.chart')].map(s => { const r = s.getBoundingClientRect();
			return {id: s.dataset.chart || '', w: r.width, h: r.height, points: s.querySelectorAll('circle').length}; })})`
	if err := c.eval(ctx, s, probe, &dims); err != nil {
		return nil, err
	}
	p.Title, p.Charts = dims.Title, dims.Charts
	// The whole page in one screenshot.
	h := int(dims.Height)
	if h < 1 {
		h = 800
	}
	if _, err := c.call(ctx, s, "Emulation.setDeviceMetricsOverride", map[string]any{"width": width, "height": h, "deviceScaleFactor": 1, "mobile": false}); err != nil {
		return nil, err
	}
	var shot struct {
		Data string `json:"data"`
	}
	if err := c.decode(ctx, s, "Page.captureScreenshot", map[string]any{"format": "png", "captureBeyondViewport": true}, &shot); err != nil {
		return nil, err
	}
	png, err := base64.StdEncoding.DecodeString(shot.Data)
	if err != nil {
		return nil, fmt.Errorf("screenshot: %w", err)
	}
	p.Screenshot = png
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, e := range c.events {
		if e.SessionID != s {
			continue
		}
		switch e.Method {
		case "Runtime.exceptionThrown":
			p.Errors = append(p.Errors, "exception: "+string(e.Params))
		case "Runtime.consoleAPICalled":
			var v struct {
				Type string `json:"type"`
			}
			json.Unmarshal(e.Params, &v)
			if v.Type == "error" || v.Type == "assert" {
				p.Errors = append(p.Errors, "console: "+string(e.Params))
			}
		case "Log.entryAdded":
			var v struct {
				Entry struct {
					Level, Text, URL string
				} `json:"entry"`
			}
			json.Unmarshal(e.Params, &v)
			if v.Entry.Level == "error" {
				p.Errors = append(p.Errors, "log: "+v.Entry.Text+" "+v.Entry.URL)
			}
		case "Network.loadingFailed":
			p.Errors = append(p.Errors, "load failed: "+string(e.Params))
		case "Network.requestWillBeSent":
			var v struct {
				Request struct {
					URL string `json:"url"`
				} `json:"request"`
			}
			json.Unmarshal(e.Params, &v)
			if !strings.HasPrefix(v.Request.URL, "data:") {
				p.Requests = append(p.Requests, v.Request.URL)
			}
		}
	}
	return p, nil
}

func (c *conn) decode(ctx context.Context, session, method string, params, into any) error {
	raw, err := c.call(ctx, session, method, params)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(raw, into); err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	return nil
}

func (c *conn) eval(ctx context.Context, session, expr string, into any) error {
	var r struct {
		Result struct {
			Value string `json:"value"`
		} `json:"result"`
		ExceptionDetails json.RawMessage `json:"exceptionDetails"`
	}
	if err := c.decode(ctx, session, "Runtime.evaluate", map[string]any{"expression": expr, "returnByValue": true}, &r); err != nil {
		return err
	}
	if len(r.ExceptionDetails) > 0 {
		return fmt.Errorf("evaluate: %s", r.ExceptionDetails)
	}
	return json.Unmarshal([]byte(r.Result.Value), into)
}
