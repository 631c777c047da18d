package sim

import (
	"slices"
	"strings"
)

// Role is the part a node says it plays (Status.Role). Role-targeted
// faults ("pause a worker", "isolate the leader") match on it, so a design
// must report one of the roles below: the simulator stops a run whose node
// reports another (see Cluster and the lessons' catalogue test), rather
// than let a misspelt role quietly turn a targeted fault into a random one.
type Role string

// Roles the toy databases play.
const (
	RoleNone        Role = "" // a node with nothing to say
	RoleLeader      Role = "leader"
	RolePrimary     Role = "primary" // leads a primary/backup design
	RoleFollower    Role = "follower"
	RoleCandidate   Role = "candidate"
	RoleReplica     Role = "replica" // leaderless, or one of several equals
	RoleSingle      Role = "single"  // the only node
	RoleForwarder   Role = "forwarder"
	RoleGateway     Role = "gateway"
	RoleLockService Role = "lock-service"
	RoleStorage     Role = "storage"
	RoleWorker      Role = "worker"
)

// Roles lists every role a node may report.
var Roles = []Role{RoleNone, RoleLeader, RolePrimary, RoleFollower, RoleCandidate, RoleReplica,
	RoleSingle, RoleForwarder, RoleGateway, RoleLockService, RoleStorage, RoleWorker}

// Known reports whether r is one of Roles.
func (r Role) Known() bool { return slices.Contains(Roles, r) }

// Leads reports whether a node in this role leads (a target "leader" and a
// partition of shape leader aim at it).
func (r Role) Leads() bool { return r == RoleLeader || r == RolePrimary }

func roleNames() string {
	var out []string
	for _, r := range Roles {
		if r != RoleNone {
			out = append(out, string(r))
		}
	}
	return strings.Join(out, ", ")
}
