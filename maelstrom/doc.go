// Package maelstrom runs a learner's own node — a program in any language
// that speaks Maelstrom's protocol (github.com/jepsen-io/maelstrom,
// doc/protocol.md) — under faultline's network, faults and checkers.
//
// Each node is a process: one JSON message a line on its stdin and stdout,
// its stderr kept in a log file. faultline starts the processes (each in
// its own process group), sends each an init (node_id, node_ids) and waits
// for init_ok, and from then on carries every message: between nodes
// (through partitions, loss, duplication and delay), between clients and
// nodes, and to the services Maelstrom provides (lin-kv, seq-kv, lww-kv,
// lin-tso). Clients issue a workload's operations (echo, unique-ids,
// broadcast, g-counter, lin-kv) and record Jepsen's history; a definite
// error is a fail, a timeout or an indefinite error is info. The nemesis
// crashes nodes (kills the process group; a fresh process gets a fresh
// init), pauses them (SIGSTOP, SIGCONT) and cuts the network, from the
// fault schedule or live. Clock faults are refused (ErrClock): faultline
// cannot change the clock a foreign process reads.
//
// Unlike the simulator, nothing here is deterministic: the nodes run in
// real time. The seed fixes the operations the clients issue and the fault
// schedule (and the random choices of partitions and targets), not how the
// nodes' messages interleave. A Scenario records what happened, so that a
// run can be checked again and explored.
//
// Nothing outlives a run: at its end, when it is aborted (its context is
// cancelled), and when faultline itself dies — even by SIGKILL — every
// process of every node is killed (a reaper process watches faultline,
// and on Linux each node also has Pdeathsig).
//
// # Using it from a program (the workbench)
//
//	events := make(chan maelstrom.Event, 1<<16)
//	r, err := maelstrom.Start(ctx, cfg, maelstrom.Options{Events: events})
//	// err: a *NodeError names the node that could not start or answer init.
//	// Read events as they come (messages, faults, invocations, completions,
//	// stderr lines): they are sim.TraceEvents, with the history record.
//	r.Inject(sim.Fault{Kind: sim.FaultPartition, Shape: sim.ShapeOne}) // the p key
//	r.Cluster()  // up, paused, partition group, messages waiting, per node
//	r.History()  // the history so far
//	r.Phase()    // starting, workload, draining, recovery, final, done
//	r.Stop()     // end the workload now: heal, recover, final reads
//	out, err := r.Wait()  // after Done() is closed; err is a *NodeError
//	res, _ := maelstrom.Check(ctx, cfg.Workload, out.History, out.FinalFrom, timeout)
//	sc := r.Scenario(out)  // WriteScenario / ReadScenario
//
// Cancelling ctx aborts the run (every process killed; Wait reports
// Interrupted and returns what was recorded).
package maelstrom
