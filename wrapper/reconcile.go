package wrapper

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/seed-a960d6a4/connectortask/api"
)

// ReconcileResult is what Client.Reconcile found out about a call of unknown outcome.
type ReconcileResult string

const (
	// ReconcileCreated: the call created jobs, and they were found unambiguously
	// (Reconciliation.Jobs). Do not send it again.
	ReconcileCreated ReconcileResult = "created"
	// ReconcileNotCreated: no job that the call could have created exists, and the grace period
	// has passed. Sending it once more does not duplicate anything.
	ReconcileNotCreated ReconcileResult = "not-created"
	// ReconcileAmbiguous: jobs exist that the call may or may not have created
	// (Reconciliation.Candidates), or it is too early to tell. The outcome stays unknown: a
	// person must decide, and the call must not be sent again blindly.
	ReconcileAmbiguous ReconcileResult = "ambiguous"
)

// Defaults of ReconcileOptions.
const (
	// DefaultClockSkew is how far apart the client's clock and Phrase's may be when Phrase's
	// answers carry no Date header to measure it by. NTP keeps servers within a second of each
	// other; a minute leaves room for a badly kept client.
	DefaultClockSkew = time.Minute
	// MeasuredClockAllowance is the allowance beyond the offset between the clocks that
	// Reconcile measures from the Date header of Phrase's answers (whole seconds, read while
	// the answer travelled): Date and dateCreated may come from machines a second apart.
	MeasuredClockAllowance = 2 * time.Second
	// DefaultReconcileGrace is how long after a call gave up Phrase may still be creating its
	// jobs. A proxy that answers 502 or 504 may have given up while Phrase goes on working on
	// the request; proxies commonly wait about 60 s, and this client's attempts give up after
	// WithAttemptTimeout (60 s by default), so two minutes leaves that work room to finish.
	DefaultReconcileGrace = 2 * time.Minute
	// NotCreatedMargin is how far beyond the window, on both sides, Reconcile looks for jobs
	// before it answers NotCreated, and from both the client's clock and the one the Date header
	// shows: a Date header written by a proxy with its own clock, or lying, moves the window
	// away from the call's jobs, and must not turn them into "not created" and a resend.
	NotCreatedMargin = 10 * time.Minute
)

// ReconcileOptions tune Client.Reconcile. The zero value uses the defaults.
type ReconcileOptions struct {
	// ClockSkew widens the window in which jobs count as created by the call, on both sides,
	// beyond the offset between the clocks that Reconcile measures from the Date header of
	// Phrase's answers (default MeasuredClockAllowance; DefaultClockSkew when an answer has no
	// Date header; a negative value means none).
	ClockSkew time.Duration
	// Grace is how long after the call gave up Phrase may still create its jobs (default
	// DefaultReconcileGrace). NotCreated is answered only once it has passed.
	Grace time.Duration
	// Claimed holds the uids of jobs known to belong to other calls (the jobs of 201 answers,
	// of calls reconciled before): their files are never candidates.
	Claimed map[string]bool
	// Others are the other calls whose outcome is unknown (the other unknown lines of a
	// batch). Jobs that one of them could equally have created make the answer Ambiguous. An
	// entry may leave out what is not known of a call (SentAt, TargetLangs, RemoteFileName,
	// even ProjectUID): what is missing rules nothing out.
	Others []*UnknownOutcomeError
	// NoWait makes Reconcile answer Ambiguous ("too early") rather than wait for the grace
	// period to pass when it finds no candidate yet.
	NoWait bool
}

// Reconciliation is the answer of Client.Reconcile.
type Reconciliation struct {
	Result ReconcileResult
	// Jobs are the jobs the call created (Created only).
	Jobs []api.JobPartReferenceV2
	// Candidates are the jobs the call may have created (Ambiguous), at most a few files' worth.
	Candidates []api.JobPartReferenceV2
	// Reason says why, for people.
	Reason string
	// ListCalls is how many pages of the list of jobs were read.
	ListCalls int
}

// maxCandidateFiles bounds how many files Reconcile looks at in full before it settles for
// Ambiguous.
const maxCandidateFiles = 8

// Reconcile finds out what a job-creating call of unknown outcome did, from the project's list
// of jobs (GET /api2/v2/projects/{projectUid}/jobs). Phrase ties no job to the downloadTaskId
// it came from, so Reconcile matches on what the client knows of the call (u): the project,
// the target languages, when it was sent and when it gave up, and the remote file name when
// the body had remoteFile.
//
// The rule. A file (the jobs sharing a sourceFileUid) is a candidate when its jobs are in the
// project at workflow level 1, have exactly the requested target languages (one job each, no
// other: one call creates every language it asks for and no other), none of them is in
// Claimed, a job of it was created (dateCreated, Phrase's clock) no earlier than SentAt and no
// later than GaveUpAt plus Grace, both moved to Phrase's clock and widened by ClockSkew, and its
// filename is the remote file name when the body had a remoteFile that is not a regular
// expression. The offset between the clocks is measured from the Date header of the first
// list page's answer (whole seconds, read between sending and receiving; ClockSkew defaults
// to MeasuredClockAllowance then, to DefaultClockSkew when there is no Date header). Then:
//
//   - Created, with the jobs, only when there is exactly one candidate file and none of Others
//     could equally have created it (same project and target languages, a window that covers
//     it, a remote file name that does not rule it out).
//   - NotCreated only when there is no candidate even in a wide window, and the grace period
//     has passed by the client's clock (GaveUpAt + Grace). The wide window fails closed: it
//     spans the window above and the one the client's clock alone gives (as if there were no
//     Date header, so a Date header that is off, a proxy's clock or a lie, cannot move it away
//     from the call's jobs), each widened by NotCreatedMargin (10 minutes) on both sides. When
//     the grace period has not passed, Reconcile waits until it has (bounded by ctx; NoWait
//     answers Ambiguous instead) and lists once more, because Phrase may still be processing
//     the request.
//   - Ambiguous, with the candidates, in every other case: several candidate files, one that
//     another call of unknown outcome could own, candidates only in the wide window (created
//     near the window: the call's own if the clocks disagree, or another's), or more files to
//     look at than it bounds.
//
// Listing is bounded: filters first (the filename when known, else one target language), then
// one filtered listing per file found (at most 8; more make the answer Ambiguous). A call with
// a remote file name costs one list call; one without costs one, plus one per file created in
// the window with its first language and claimed by no one, and, when there is none, one per
// such file of the wide window (plus one per further page of 50).
//
// Limits, plainly. Phrase ties no job to the request that created it, so this is matching, not
// proof, and it rests on assumptions:
//
//   - Nobody else creates jobs in the same project with the same target languages (and, when
//     the call had a remote file name, from a file of that name) within the window, unless
//     their jobs are in Claimed or their calls in Others. Without a remote file name, such
//     jobs of another process (a script creating file after file, a person in the web UI)
//     created from a few seconds before the call was sent (a minute without a Date header)
//     until the grace period ended are taken for the call's own when they are the only ones:
//     a false Created. Give every create a remote file name, or pass what you know in Claimed
//     and Others.
//   - Phrase creates the jobs of one call together (every language asked for, or none), within
//     Grace of the call giving up, and stamps dateCreated with the clock its Date header
//     shows (within the allowance) for Created, and, for NotCreated, with a clock within
//     NotCreatedMargin of either the client's or the Date header's. If it created them later,
//     or its clock is further off both, NotCreated is wrong and a resend duplicates them.
//   - NotCreated needs no jobs of the same languages (and file name) near the call, claimed by
//     no one: in a project where others create such jobs all the time, the answer is
//     Ambiguous unless their jobs are in Claimed.
//   - Jobs are not deleted meanwhile: a call whose jobs were deleted looks NotCreated.
func (c *Client) Reconcile(ctx context.Context, u *UnknownOutcomeError, opts ReconcileOptions) (*Reconciliation, error) {
	if u == nil {
		return nil, errors.New("reconcile: no UnknownOutcomeError given")
	}
	switch {
	case strings.TrimSpace(u.ProjectUID) == "":
		return nil, errors.New("reconcile: the UnknownOutcomeError has no ProjectUID")
	case u.SentAt.IsZero():
		return nil, errors.New("reconcile: the UnknownOutcomeError has no SentAt; without the time the request was sent, jobs cannot be told apart")
	case len(u.TargetLangs) == 0:
		return nil, errors.New("reconcile: the UnknownOutcomeError has no TargetLangs")
	}
	settled := settledAt(u, opts)
	total := 0
	for {
		r, wide, err := c.reconcileOnce(ctx, u, opts)
		total += r.ListCalls
		r.ListCalls = total
		if err != nil {
			return r, err
		}
		if r.Result != "" {
			return r, nil
		}
		// No candidate in the window.
		now := c.now()
		if !now.Before(settled) && r.Reason != "" {
			r.Result = ReconcileAmbiguous // candidates near the window only
			return r, nil
		}
		if !now.Before(settled) {
			r.Result, r.Reason = ReconcileNotCreated, fmt.Sprintf("no job of project %s with target languages %s was created between %s and %s, and the grace period is over",
				u.ProjectUID, strings.Join(u.TargetLangs, ","), api.NewDateTime(wide.from), api.NewDateTime(wide.to))
			return r, nil
		}
		if opts.NoWait {
			r.Result, r.Reason = ReconcileAmbiguous, fmt.Sprintf("no job found yet, but Phrase may still be creating them until %s; reconcile again after that", api.NewDateTime(settled))
			return r, nil
		}
		if err := c.sleep(ctx, settled.Sub(now)); err != nil {
			return r, fmt.Errorf("reconcile: waiting until %s for Phrase to finish: %w", api.NewDateTime(settled), err)
		}
	}
}

// window is when the jobs of a call can have been created, by Phrase's clock.
type window struct {
	from, to time.Time
}

// clockOffset is what is known of Phrase's clock minus the client's: between low and high
// when measured from a Date header.
type clockOffset struct {
	low, high time.Duration
	measured  bool
}

// measureOffset reads the offset from one answer: its Date (whole seconds) was written at some
// moment between the client's sent and received readings.
func measureOffset(pc pageClock) clockOffset {
	if pc.date.IsZero() || pc.received.IsZero() || pc.sent.IsZero() {
		return clockOffset{}
	}
	return clockOffset{low: pc.date.Sub(pc.received), high: pc.date.Add(time.Second).Sub(pc.sent), measured: true}
}

// settledAt is when, by the client's clock, the absence of the call's jobs is final.
func settledAt(u *UnknownOutcomeError, opts ReconcileOptions) time.Time {
	grace := opts.Grace
	if grace <= 0 {
		grace = DefaultReconcileGrace
	}
	return gaveUpAt(u).Add(grace)
}

func gaveUpAt(u *UnknownOutcomeError) time.Time {
	if u.GaveUpAt.Before(u.SentAt) {
		return u.SentAt
	}
	return u.GaveUpAt
}

func newWindow(u *UnknownOutcomeError, opts ReconcileOptions, off clockOffset) window {
	allow := opts.ClockSkew
	if allow == 0 {
		allow = DefaultClockSkew
		if off.measured {
			allow = MeasuredClockAllowance
		}
	}
	allow = max(allow, 0)
	grace := settledAt(u, opts).Sub(gaveUpAt(u))
	// Phrase's dateCreated has whole seconds: a job created at 12:00:00.9 says 12:00:00.
	return window{
		from: u.SentAt.Add(off.low - allow).Truncate(time.Second),
		to:   gaveUpAt(u).Add(grace + off.high + allow),
	}
}

// wideWindow is where jobs rule out NotCreated: w widened by NotCreatedMargin on both sides,
// and covering as well the window the client's own clock gives (no offset), whatever the Date
// header said.
func wideWindow(u *UnknownOutcomeError, opts ReconcileOptions, w window) window {
	own := newWindow(u, opts, clockOffset{})
	wide := window{from: w.from, to: w.to}
	if own.from.Before(wide.from) {
		wide.from = own.from
	}
	if own.to.After(wide.to) {
		wide.to = own.to
	}
	wide.from, wide.to = wide.from.Add(-NotCreatedMargin), wide.to.Add(NotCreatedMargin)
	return wide
}

func (w window) covers(j api.JobPartReferenceV2) bool {
	if j.DateCreated == nil || j.DateCreated.IsZero() {
		return true // cannot be ruled out
	}
	t := j.DateCreated.Time
	return !t.Before(w.from) && !t.After(w.to)
}

// normLang compares language codes as Phrase may write them (de_DE, de-de, de_de).
func normLang(l string) string {
	return strings.ReplaceAll(strings.ToLower(strings.TrimSpace(l)), "-", "_")
}

func langSet(langs []string) []string {
	out := make([]string, 0, len(langs))
	for _, l := range langs {
		out = append(out, normLang(l))
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// fileKey groups the jobs of one file.
func fileKey(j api.JobPartReferenceV2) string {
	if j.SourceFileUid != nil && *j.SourceFileUid != "" {
		return "uid:" + *j.SourceFileUid
	}
	s := "name:"
	if j.Filename != nil {
		s += *j.Filename
	}
	if j.InnerId != nil {
		s += "#" + *j.InnerId
	}
	return s
}

// reconcileOnce lists and decides, and returns the wide window. A result without Result means
// no candidate in the window: with a Reason (and candidates), there are some in the wide window
// only; without, none at all.
func (c *Client) reconcileOnce(ctx context.Context, u *UnknownOutcomeError, opts ReconcileOptions) (*Reconciliation, window, error) {
	r := &Reconciliation{}
	// The windows are fixed by the first page's answer, which measures Phrase's clock, before
	// any job of it is looked at.
	var off clockOffset
	w := newWindow(u, opts, off)
	wide := wideWindow(u, opts, w)
	onPage := func(pc pageClock) {
		if !off.measured {
			if off = measureOffset(pc); off.measured {
				w = newWindow(u, opts, off)
				wide = wideWindow(u, opts, w)
			}
		}
	}
	want := langSet(u.TargetLangs)
	knownName := u.RemoteFileName != "" && !u.RemoteFileNameRegex
	seen := func(j api.JobPartReferenceV2) bool {
		if j.Uid != nil && opts.Claimed[*j.Uid] {
			return false
		}
		if j.TargetLang == nil || !slices.Contains(want, normLang(*j.TargetLang)) {
			return false
		}
		if knownName && (j.Filename == nil || *j.Filename != u.RemoteFileName) {
			return false
		}
		return wide.covers(j)
	}

	// Pass 1: the files with a job that could be the call's, through the narrowest filter the
	// client has (the file name when known, else one target language).
	p := &api.ListPartsV2Params{}
	if knownName {
		p.Filename = &u.RemoteFileName
	} else {
		p.TargetLang = &u.TargetLangs[0]
	}
	// A file is in the (narrow) window when one of its jobs seen here is; files only in the
	// wide one are kept apart, and looked at only when the window holds none.
	files := map[string][]api.JobPartReferenceV2{}
	all := map[string][]api.JobPartReferenceV2{} // by file, every language (knownName only)
	var order, wideOrder []string
	inWindow := map[string]bool{}
	tooMany, tooManyWide := false, false
	n, err := c.collect(ctx, u.ProjectUID, p, onPage, func(j api.JobPartReferenceV2) bool {
		if knownName {
			all[fileKey(j)] = append(all[fileKey(j)], j)
		}
		if !seen(j) {
			return true
		}
		k := fileKey(j)
		files[k] = append(files[k], j)
		if w.covers(j) && !inWindow[k] {
			if len(order) == maxCandidateFiles {
				tooMany = true
				return false
			}
			inWindow[k] = true
			order = append(order, k)
		}
		return true
	})
	r.ListCalls += n
	if err != nil {
		return r, wide, fmt.Errorf("reconcile: %w", err)
	}
	if tooMany {
		for _, k := range order {
			r.Candidates = append(r.Candidates, files[k]...)
		}
		r.Result, r.Reason = ReconcileAmbiguous, fmt.Sprintf("more than %d files have jobs that this call could have created", maxCandidateFiles)
		return r, wide, nil
	}
	for k := range files {
		if !inWindow[k] {
			wideOrder = append(wideOrder, k)
		}
	}
	sort.Strings(wideOrder)
	if len(wideOrder) > maxCandidateFiles {
		wideOrder, tooManyWide = wideOrder[:maxCandidateFiles], true
	}

	// Pass 2: every job of each such file (pass 1 saw one language of it, unless it filtered by
	// file name). A file is a candidate when its jobs have exactly the requested languages:
	// one call creates every language it asks for, and no other.
	exactOf := func(keys []string) ([][]api.JobPartReferenceV2, error) {
		var exact [][]api.JobPartReferenceV2
		for _, key := range keys {
			group := files[key]
			if knownName {
				group = all[key]
			} else if name := group[0].Filename; name != nil && *name != "" {
				group = nil
				n, err := c.collect(ctx, u.ProjectUID, &api.ListPartsV2Params{Filename: name}, nil, func(j api.JobPartReferenceV2) bool {
					if fileKey(j) == key {
						group = append(group, j)
					}
					return true
				})
				r.ListCalls += n
				if err != nil {
					return nil, fmt.Errorf("reconcile: %w", err)
				}
			}
			if claimedAny(group, opts.Claimed) || !slices.Equal(langsOf(group), want) {
				continue // another call's file
			}
			exact = append(exact, group)
		}
		return exact, nil
	}
	exact, err := exactOf(order)
	if err != nil {
		return r, wide, err
	}
	switch {
	case len(exact) == 0:
		// NotCreated fails closed: a candidate just outside the window may be the call's, seen
		// through a Date header that is off. Such candidates come back with a Reason but no
		// Result: the call's own jobs may yet appear in the window until the grace period ends.
		if tooManyWide {
			for _, k := range wideOrder {
				r.Candidates = append(r.Candidates, files[k]...)
			}
			r.Reason = fmt.Sprintf("more than %d files have jobs in %s created near the window (between %s and %s)", maxCandidateFiles, strings.Join(want, ","), api.NewDateTime(wide.from), api.NewDateTime(wide.to))
			return r, wide, nil
		}
		near, err := exactOf(wideOrder)
		if err != nil {
			return r, wide, err
		}
		if len(near) == 0 {
			return r, wide, nil
		}
		for _, g := range near {
			r.Candidates = append(r.Candidates, g...)
		}
		r.Reason = fmt.Sprintf("no file has jobs in exactly %s created in the window (%s to %s), but %d file(s) created near it (between %s and %s) may be the call's if the clocks disagree",
			strings.Join(want, ","), api.NewDateTime(w.from), api.NewDateTime(w.to), len(near), api.NewDateTime(wide.from), api.NewDateTime(wide.to))
		return r, wide, nil
	case len(exact) > 1:
		for _, g := range exact {
			r.Candidates = append(r.Candidates, g...)
		}
		r.Result, r.Reason = ReconcileAmbiguous, fmt.Sprintf("%d files have jobs in exactly %s created in the window", len(exact), strings.Join(want, ","))
		return r, wide, nil
	}
	group := exact[0]
	for _, o := range opts.Others {
		if o != nil && o != u && couldOwn(o, u.ProjectUID, group, opts, off) {
			r.Candidates, r.Result, r.Reason = group, ReconcileAmbiguous,
				"another call of unknown outcome (download task "+o.DownloadTaskID+") could equally have created the jobs of "+describeFile(group[0])
			return r, wide, nil
		}
	}
	r.Jobs, r.Result = group, ReconcileCreated
	r.Reason = fmt.Sprintf("one file (%s) has jobs in exactly %s created in the window, claimed by no other call", describeFile(group[0]), strings.Join(want, ","))
	return r, wide, nil
}

func claimedAny(group []api.JobPartReferenceV2, claimed map[string]bool) bool {
	for _, j := range group {
		if j.Uid != nil && claimed[*j.Uid] {
			return true
		}
	}
	return false
}

// langsOf is the sorted languages of a file's jobs, each as often as it occurs.
func langsOf(group []api.JobPartReferenceV2) []string {
	var langs []string
	for _, g := range group {
		if g.TargetLang != nil {
			langs = append(langs, normLang(*g.TargetLang))
		}
	}
	sort.Strings(langs)
	return langs
}

// couldOwn reports whether the call o could have created the jobs of group.
func couldOwn(o *UnknownOutcomeError, projectUID string, group []api.JobPartReferenceV2, opts ReconcileOptions, off clockOffset) bool {
	if o.ProjectUID != "" && o.ProjectUID != projectUID {
		return false
	}
	j := group[0]
	if o.RemoteFileName != "" && !o.RemoteFileNameRegex && (j.Filename == nil || *j.Filename != o.RemoteFileName) {
		return false
	}
	if len(o.TargetLangs) > 0 && !slices.Equal(langsOf(group), langSet(o.TargetLangs)) {
		return false
	}
	if o.SentAt.IsZero() {
		return true // when it was sent is not known: it cannot be ruled out
	}
	return newWindow(o, opts, off).covers(j)
}

func describeFile(j api.JobPartReferenceV2) string {
	var parts []string
	if j.Filename != nil {
		parts = append(parts, *j.Filename)
	}
	if j.SourceFileUid != nil {
		parts = append(parts, "sourceFileUid "+*j.SourceFileUid)
	}
	return strings.Join(parts, ", ")
}

// collect runs a listing, handing each job to keep until it returns false, and returns how many
// pages it read.
func (c *Client) collect(ctx context.Context, projectUID string, p *api.ListPartsV2Params, onPage func(pageClock), keep func(api.JobPartReferenceV2) bool) (int, error) {
	var failed error
	pages, _ := c.listJobs(ctx, projectUID, p, onPage, func(j api.JobPartReferenceV2, err error) bool {
		if err != nil {
			failed = err
			return false
		}
		return keep(j)
	})
	return pages, failed
}
