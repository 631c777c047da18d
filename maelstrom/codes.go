package maelstrom

import "fmt"

// ErrorCode is one of Maelstrom's error codes (doc/protocol.md). Codes
// 0–999 are Maelstrom's; 1000 and above are a node's own.
type ErrorCode struct {
	Code     int64
	Name     string
	Definite bool // the operation certainly did not happen
}

// Maelstrom's defined error codes.
const (
	CodeTimeout                = 0
	CodeNodeNotFound           = 1
	CodeNotSupported           = 10
	CodeTemporarilyUnavailable = 11
	CodeMalformedRequest       = 12
	CodeCrash                  = 13
	CodeAbort                  = 14
	CodeKeyDoesNotExist        = 20
	CodeKeyAlreadyExists       = 21
	CodePreconditionFailed     = 22
	CodeTxnConflict            = 30
)

var errorCodes = map[int64]ErrorCode{
	CodeTimeout:                {CodeTimeout, "timeout", false},
	CodeNodeNotFound:           {CodeNodeNotFound, "node-not-found", true},
	CodeNotSupported:           {CodeNotSupported, "not-supported", true},
	CodeTemporarilyUnavailable: {CodeTemporarilyUnavailable, "temporarily-unavailable", true},
	CodeMalformedRequest:       {CodeMalformedRequest, "malformed-request", true},
	CodeCrash:                  {CodeCrash, "crash", false},
	CodeAbort:                  {CodeAbort, "abort", true},
	CodeKeyDoesNotExist:        {CodeKeyDoesNotExist, "key-does-not-exist", true},
	CodeKeyAlreadyExists:       {CodeKeyAlreadyExists, "key-already-exists", true},
	CodePreconditionFailed:     {CodePreconditionFailed, "precondition-failed", true},
	CodeTxnConflict:            {CodeTxnConflict, "txn-conflict", true},
}

// LookupCode names a code. Codes Maelstrom does not define — a node's own,
// or unknown ones below 1000 — are indefinite: the operation may or may
// not have happened, which is always the safe reading.
func LookupCode(code int64) ErrorCode {
	if c, ok := errorCodes[code]; ok {
		return c
	}
	return ErrorCode{Code: code, Name: fmt.Sprintf("error-%d", code)}
}

// errorBody is a Maelstrom error reply.
func errorBody(inReplyTo, code int64, text string) map[string]any {
	return map[string]any{"type": "error", "in_reply_to": inReplyTo, "code": code, "text": text}
}
