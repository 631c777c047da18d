// Package mnode is a very small library for writing nodes that speak
// Maelstrom's protocol: newline-delimited JSON messages on stdin and
// stdout, logs on stderr. Everything a node does happens on one goroutine
// (message handlers, RPC callbacks and timers), so handlers need no locks.
package mnode

import (
	"bufio"
	"encoding/json"
	"fmt"
	"log"
	"os"
	"time"
)

// Msg is one message: a source, a destination and a body whose type,
// msg_id and in_reply_to are parsed; Decode reads the rest.
type Msg struct {
	Src  string          `json:"src"`
	Dest string          `json:"dest"`
	Body json.RawMessage `json:"body"`
	Head
}

// Head is the part of a body every message may carry.
type Head struct {
	Type      string `json:"type"`
	MsgID     int64  `json:"msg_id,omitempty"`
	InReplyTo int64  `json:"in_reply_to,omitempty"`
}

// Decode decodes the message's body into v.
func (m Msg) Decode(v any) error { return json.Unmarshal(m.Body, v) }

// Node is a Maelstrom node.
type Node struct {
	ID  string   // this node's id, from init
	IDs []string // every node, from init

	handlers  map[string]func(Msg)
	callbacks map[int64]func(Msg)
	nextID    int64
	out       *bufio.Writer
	inbox     chan Msg
	timers    chan func()
}

// New makes a node; register handlers with Handle, then call Run.
func New() *Node {
	log.SetFlags(log.Lmicroseconds)
	return &Node{handlers: map[string]func(Msg){}, callbacks: map[int64]func(Msg){},
		out: bufio.NewWriter(os.Stdout), inbox: make(chan Msg, 1024), timers: make(chan func(), 64)}
}

// Handle registers the handler for requests of a type.
func (n *Node) Handle(typ string, h func(Msg)) { n.handlers[typ] = h }

// Send sends a message; body is a struct or map with at least a "type".
func (n *Node) Send(dest string, body any) {
	b, err := json.Marshal(body)
	if err != nil {
		log.Fatalf("cannot encode a body: %v", err)
	}
	line, _ := json.Marshal(Msg{Src: n.ID, Dest: dest, Body: b})
	n.out.Write(line)
	n.out.WriteByte('\n')
}

// Reply answers a request: body gets in_reply_to set to the request's msg_id.
func (n *Node) Reply(req Msg, body map[string]any) {
	body["in_reply_to"] = req.MsgID
	n.Send(req.Src, body)
}

// Error answers a request with a Maelstrom error code.
func (n *Node) Error(req Msg, code int, text string) {
	n.Reply(req, map[string]any{"type": "error", "code": code, "text": text})
}

// RPC sends a request with a fresh msg_id and calls back with the reply,
// if one ever comes.
func (n *Node) RPC(dest string, body map[string]any, callback func(Msg)) {
	n.nextID++
	body["msg_id"] = n.nextID
	n.callbacks[n.nextID] = callback
	n.Send(dest, body)
}

// Every runs f on the node's goroutine every d.
func (n *Node) Every(d time.Duration, f func()) {
	go func() {
		for range time.Tick(d) {
			n.timers <- f
		}
	}()
}

// Run reads messages until stdin closes.
func (n *Node) Run() error {
	go n.read()
	for {
		select {
		case m, ok := <-n.inbox:
			if !ok {
				n.out.Flush()
				return nil
			}
			n.dispatch(m)
		case f := <-n.timers:
			f()
		}
		n.out.Flush()
	}
}

func (n *Node) read() {
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 64<<10), 8<<20)
	for sc.Scan() {
		var m Msg
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			log.Fatalf("cannot read %q: %v", sc.Text(), err)
		}
		if err := json.Unmarshal(m.Body, &m.Head); err != nil {
			log.Fatalf("cannot read the body of %q: %v", sc.Text(), err)
		}
		n.inbox <- m
	}
	close(n.inbox)
}

func (n *Node) dispatch(m Msg) {
	if m.InReplyTo != 0 {
		if cb := n.callbacks[m.InReplyTo]; cb != nil {
			delete(n.callbacks, m.InReplyTo)
			cb(m)
		}
		return
	}
	if m.Type == "init" {
		var b struct {
			NodeID  string   `json:"node_id"`
			NodeIDs []string `json:"node_ids"`
		}
		if err := m.Decode(&b); err != nil {
			log.Fatalf("bad init: %v", err)
		}
		n.ID, n.IDs = b.NodeID, b.NodeIDs
		log.Printf("%s initialized; nodes %v", n.ID, n.IDs)
	}
	h := n.handlers[m.Type]
	switch {
	case h != nil:
		h(m)
	case m.Type == "init":
	default:
		n.Error(m, 10, fmt.Sprintf("%s does not support %q", n.ID, m.Type))
		return
	}
	if m.Type == "init" {
		n.Reply(m, map[string]any{"type": "init_ok"})
	}
}
