// Package phrasetest is a fake of Phrase TMS for tests and demos, in the spirit of
// net/http/httptest: [NewServer] starts it on a loopback port, [Server.URL] is the API root
// (including /web, like https://cloud.memsource.com/web), and [Server.Close] stops it.
//
// The fake implements the server interface generated from openapi.yaml (in a package internal
// to this module), so it is held to the same spec as the client. It serves the four calls the spec describes:
//
//   - POST /api2/v1/auth/login: exchanges [Server.Username] and [Server.Password] for a token.
//   - POST /api2/v1/projects/{projectUid}/jobs/connectorTask: validates the request as Phrase
//     does and creates one job per target language.
//   - GET /api2/v1/async/{asyncRequestId}: the asynchronous request that creating jobs started;
//     its asyncResponse stays null for a few polls, then the request finishes.
//   - GET /api2/v2/projects/{projectUid}/jobs: the project's jobs, filtered and in zero-based
//     pages of at most 50; a job is listed from the moment its 201 would have been sent, also
//     when that answer was lost, and the jobs of one create share filename, dateCreated,
//     sourceFileUid and innerId.
//
// It answers like Phrase where Phrase is awkward: date-times are written with a colon-less
// offset (2026-11-28T17:03:12+0000), errors carry Phrase's body
// ({"errorCode":"...","errorDescription":"..."}), every call but login needs
// "Authorization: ApiToken <token>" (or "Bearer <token>" for the static token), and unknown
// paths answer 404 with the same error body.
//
// Options inject the faults a client must survive: rate limits ([WithRateLimited] for the
// first N job POSTs, [WithRequestRateLimit] for a real requests-per-window limit), an
// unavailable service ([WithUnavailable]), a proxy that loses the answer after the jobs were
// created ([WithLostResponse]) or the request before Phrase acts ([WithLostRequest],
// [Server.LoseRequests]) — both answer the same 502 page, so only the project's jobs tell them
// apart — and seeded random faults of both kinds ([WithRandomFaults]), tokens that expire ([WithTokenTTL], [WithTokenExpiresAfterCalls]),
// asynchronous requests that fail or never finish ([WithAsyncFailure], [WithAsyncNeverFinishes]),
// and enum values and fields the spec does not list ([WithUnknownEnumsAndFields]).
// [WithClock] and [WithSeed] (or [WithIDSource]) make ids and dates deterministic.
//
// [Server.Requests] records every request (with credentials redacted) and [Server.Jobs] every
// job created, so a test can prove, for instance, that no retry created a job twice.
//
// The fake listens on loopback addresses only, keeps its state in memory behind a mutex (so
// parallel tests may share one), runs no background goroutines besides its HTTP server, and
// never logs: tokens, passwords and connector tokens appear nowhere but in the answers that
// carry them.
package phrasetest
