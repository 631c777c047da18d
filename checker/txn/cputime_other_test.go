//go:build !unix

package txn

import "time"

func cpuTime() time.Duration { return 0 }
