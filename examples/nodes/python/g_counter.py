#!/usr/bin/env python3
"""A grow-only counter node for faultline's g-counter workload (and
Maelstrom's, as in the Gossip Glomers' challenge 4), built on the seq-kv
service: each node keeps its own total under its own key, and a read sums
every node's key.

seq-kv is only sequentially consistent: a read may return an old value.
Two things make this node correct anyway. Only this node writes its own
key, and seq-kv shows each node its own writes, so an add reads its own
total, and compare-and-sets it to the new one (retrying if that fails).
And before a read, the node writes a fresh value to a key of its own:
a write takes effect on seq-kv's newest state, and what the node reads
after it is at least that new — so every add acknowledged before the read
began is counted.

Everything lives in seq-kv, so the node tolerates crashes (a new process
picks up where the old one was), partitions between nodes (it never talks
to them), pauses, loss, duplication and delay.

With --no-sync it skips that write before a read: the Gossip Glomers'
classic mistake. seq-kv may then answer from a past state, and a final
read misses increments that were acknowledged long before.
"""
import itertools
import json
import sys

NO_SYNC = "--no-sync" in sys.argv[1:]

node_id = None
node_ids = []
next_id = itertools.count(1)
callbacks = {}
sync_count = itertools.count(1)


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def send(dest, body):
    sys.stdout.write(json.dumps({"src": node_id, "dest": dest, "body": body}) + "\n")
    sys.stdout.flush()


def reply(req, body):
    body["in_reply_to"] = req["body"]["msg_id"]
    send(req["src"], body)


def rpc(dest, body, callback):
    body["msg_id"] = next(next_id)
    callbacks[body["msg_id"]] = callback
    send(dest, body)


def add(req, delta):
    """Read this node's total, then compare-and-set it to total + delta."""

    def got(res):
        body = res["body"]
        if body["type"] == "read_ok":
            total = body["value"]
        elif body.get("code") == 20:  # key-does-not-exist: nothing added yet
            total = 0
        else:
            return add(req, delta)

        def done(res):
            if res["body"]["type"] == "cas_ok":
                reply(req, {"type": "add_ok"})
            else:
                add(req, delta)  # someone (an older process of ours) moved it: again

        rpc("seq-kv", {"type": "cas", "key": node_id, "from": total, "to": total + delta,
                       "create_if_not_exists": True}, done)

    rpc("seq-kv", {"type": "read", "key": node_id}, got)


def read(req):
    """Write a fresh value (to see seq-kv's newest state), then sum every node's key."""
    token = "%s-%d" % (node_id, next(sync_count))

    def synced(_res):
        totals = {}

        def got(n, res):
            body = res["body"]
            totals[n] = body["value"] if body["type"] == "read_ok" else 0
            if len(totals) == len(node_ids):
                reply(req, {"type": "read_ok", "value": sum(totals.values())})

        for n in node_ids:
            rpc("seq-kv", {"type": "read", "key": n}, lambda res, n=n: got(n, res))

    if NO_SYNC:
        synced(None)
    else:
        rpc("seq-kv", {"type": "write", "key": "sync-" + node_id, "value": token}, synced)


def main():
    global node_id, node_ids
    for line in sys.stdin:
        msg = json.loads(line)
        body = msg["body"]
        if "in_reply_to" in body:
            cb = callbacks.pop(body["in_reply_to"], None)
            if cb:
                cb(msg)
            continue
        t = body["type"]
        if t == "init":
            node_id, node_ids = body["node_id"], body["node_ids"]
            log("initialized", node_id)
            reply(msg, {"type": "init_ok"})
        elif t == "add":
            add(msg, body["delta"])
        elif t == "read":
            read(msg)
        else:
            reply(msg, {"type": "error", "code": 10, "text": "unsupported: " + t})


main()
