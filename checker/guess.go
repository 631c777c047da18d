package checker

import "github.com/faultline-lab/faultline/history"

// FormatDefaults gives the model and initial value that a history format
// implies: Jepsen's etcd logs are a CAS register starting empty, the
// key-value logs a key-value store whose values start as "". For other
// formats it returns "" and nil: the history does not say.
func FormatDefaults(format string) (model Model, init any) {
	switch format {
	case history.FormatEtcdLog:
		return ModelCASRegister, nil
	case history.FormatKVLog:
		return ModelKV, ""
	}
	return "", nil
}

// GuessModel picks the model a history's operations fit: keys mean kv,
// txn multi-register, acquire/release lock, enqueue/dequeue/drain queue,
// add with list reads set, add with integer reads counter, cas
// cas-register, else register.
func GuessModel(h history.History) Model {
	var keyed, cas, add, listRead, intRead bool
	for _, o := range h {
		if o.IsNemesis() {
			continue
		}
		switch o.F {
		case "txn":
			return ModelMultiRegister
		case "acquire", "release":
			return ModelLock
		case "enqueue", "dequeue", "drain":
			return ModelQueue
		case "cas":
			cas = true
		case "add", "incr", "increment":
			add = true
		case "read":
			if o.Type == history.OK {
				switch o.Value.(type) {
				case []any:
					listRead = true
				case int64:
					intRead = true
				}
			}
		}
		if o.Key != "" {
			keyed = true
		}
	}
	switch {
	case keyed:
		return ModelKV
	case add && listRead:
		return ModelSet
	case add && (intRead || !listRead):
		return ModelCounter
	case cas:
		return ModelCASRegister
	}
	return ModelRegister
}
