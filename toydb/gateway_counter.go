package toydb

import "github.com/faultline-lab/faultline/sim"

// GatewayCounter is lesson 7's database: a counter held by one primary (n1)
// that syncs every add before acknowledging it; the other nodes are
// gateways that pass clients' requests on to it. The database is sound;
// what differs between the variants is the client library (set by the
// lesson through sim.ClientPolicy) and whether the primary recognises a
// retried request by its id (client sessions).
var GatewayCounter = coreDesign("counter-behind-gateways",
	Policy{Election: ElectFixed, Commit: CommitLeader, Read: ReadLeaderLocal, Role: sim.RolePrimary, Machine: NewCounter},
	coreVariant{Variant: Variant{Name: "timeout-as-fail", Summary: "the client library reports a timeout as a failure and retries blindly; the primary applies every copy it receives"}},
	coreVariant{Variant: Variant{Name: "blind-retry", Summary: "timeouts are recorded as info, as Jepsen's rule says, but retries are still blind: the primary applies every copy"}},
	coreVariant{Variant{Name: Fixed, Summary: "timeouts are info, and the primary applies each request id once: a copy of an add it already applied is answered from its record", Tolerates: everything},
		func(p *Policy) { p.Sessions = true }},
)
