package toydb

import "github.com/faultline-lab/faultline/sim"

// AsyncFailover is lesson 3's database: a primary with backups holding a
// set. The primary acknowledges an add as soon as it is in its own log and
// ships it to the backups on its next heartbeat. When the backups stop
// hearing from it they elect the most up-to-date backup by majority vote;
// a primary that learns of a newer term takes the new primary's log and
// rolls its set back — throwing away whatever it acknowledged that never
// left it. The fix acknowledges an add only once a majority holds it.
var AsyncFailover = coreDesign("primary-backup-failover", withRole(correct(NewSet), sim.RolePrimary),
	coreVariant{Variant{Name: "async", Summary: "the primary acknowledges adds at once and replicates them on its next heartbeat; backups fail over when it goes quiet"},
		func(p *Policy) { p.Commit, p.Read, p.Lazy, p.CheckQuorum = CommitLeader, ReadLeaderLocal, true, false }},
	coreVariant{Variant: Variant{Name: Fixed, Summary: "an add is acknowledged only once a majority holds it; reads too wait for a majority; a primary that hears no majority steps down", Tolerates: everything}},
)

func withRole(p Policy, role sim.Role) Policy {
	p.Role = role
	return p
}
