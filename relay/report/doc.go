// Package report holds everything ferry says about itself and about a
// failure, in the words a user reads: the status page (HTML and text),
// /status.json, /metrics, the "retry now" button, /proxy.pac, and the error
// page an app gets for a failed request (a 502's title, cause and steps,
// and its Proxy-Status header with ferry's verdict).
//
// The words come from internal/msg's catalogue, in the language of the
// request's Accept-Language. The report (Status) is built by relay from its
// listeners, the lockout guard and each parent's parent.Stats (Parents and
// Resting turn those into report entries); a Pages serves it.
//
// It does not decide which request is for ferry itself (relay dispatches),
// nor what went wrong (relay/failure's Cause and Error say that), nor what
// the PAC script says (relay/route writes it from the no_proxy rules).
package report
