package wrapper_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/seed-a960d6a4/connectortask/api"
	"github.com/seed-a960d6a4/connectortask/wrapper"
	"github.com/seed-a960d6a4/connectortask/wrapper/phrasetest"
)

// Create jobs from a connector's download task and wait for their import. Against Phrase, use
// wrapper.WithRegion (or the default EU region) instead of WithBaseURL.
func Example() {
	phrase := phrasetest.NewServer() // a fake of Phrase TMS on a loopback port
	defer phrase.Close()

	client, err := wrapper.New(
		wrapper.WithBaseURL(phrase.URL),
		wrapper.WithCredentials(phrase.Username, phrase.Password), // logs in on first need
		wrapper.WithDefaultDueOffset(72*time.Hour),
	)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	downloadTaskID := "5f8c2b1e9d4a7c3b" // from the connector's asynchronous download
	out, err := client.CreateJobs(ctx, phrase.ProjectUID, downloadTaskID,
		api.JobCreateRequestDto{TargetLangs: []string{"de", "fr"}})
	if err != nil {
		log.Fatal(err)
	}
	for _, job := range out.Jobs {
		fmt.Println("created job for", *job.TargetLang, "status", *job.Status)
	}
	// The context bounds the wait; WithPollInterval is short here only for the fake.
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	done, err := client.WaitAsyncRequest(ctx, out.AsyncRequestID(), wrapper.WithPollInterval(10*time.Millisecond, 50*time.Millisecond))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("import finished:", done.AsyncResponse != nil)
	// Output:
	// created job for de status NEW
	// created job for fr status NEW
	// import finished: true
}

// A job-creating POST whose answer was lost is not resent: the error says the outcome is
// unknown, and the jobs exist exactly once.
func ExampleUnknownOutcomeError() {
	phrase := phrasetest.NewServer(phrasetest.WithLostResponse(1)) // a proxy loses the answer
	defer phrase.Close()
	client, err := wrapper.New(wrapper.WithBaseURL(phrase.URL), wrapper.WithAPIToken(phrase.Token))
	if err != nil {
		log.Fatal(err)
	}
	_, err = client.CreateJobs(context.Background(), phrase.ProjectUID, "DL-1",
		api.JobCreateRequestDto{TargetLangs: []string{"de", "fr"}})
	var unknown *wrapper.UnknownOutcomeError
	if errors.As(err, &unknown) {
		fmt.Println("outcome unknown for project", unknown.ProjectUID)
	}
	fmt.Println("job POSTs sent:", phrase.CountRequests("POST", "/jobs/connectorTask"))
	fmt.Println("jobs in Phrase:", len(phrase.Jobs()))
	// Output:
	// outcome unknown for project Pr2wE4rT6yU8iO0p
	// job POSTs sent: 1
	// jobs in Phrase: 2
}

// Every problem of a request is reported at once, with its JSON path and a fix, before
// anything is sent.
func ExampleValidateRequest() {
	now := time.Date(2026, 11, 28, 17, 0, 0, 0, time.UTC)
	italian, callback := "it", "hooks.example.com/phrase"
	err := wrapper.ValidateRequest(&api.JobCreateRequestDto{
		TargetLangs: []string{"de", "fr", "de"},
		Due:         api.NewDateTimePtr(now.Add(-time.Hour)),
		Assignments: &[]api.ProvidersPerLanguage{{TargetLang: &italian}},
		CallbackUrl: &callback,
	}, now)
	var invalid *wrapper.ValidationError
	if errors.As(err, &invalid) {
		for _, p := range invalid.Problems {
			fmt.Println(p.Path, "-", p.Message)
		}
	}
	// Output:
	// /assignments/0/targetLang - target language "it" is not one of targetLangs [de fr de]
	// /callbackUrl - not an absolute http(s) URL
	// /due - due 2026-11-28T16:00:00Z is in the past (now 2026-11-28T17:00:00Z)
	// /targetLangs/2 - target language "de" is listed again (first at /targetLangs/0)
}

// PreviewCreateJobs shows what would be sent, secrets redacted, and sends nothing: a dry run.
// Here the file is a remote file of the connector rather than a download task.
func ExampleClient_PreviewCreateJobs() {
	client, err := wrapper.New(wrapper.WithAPIToken("my-secret-token"),
		wrapper.WithClock(func() time.Time { return time.Date(2026, 11, 28, 17, 0, 0, 0, time.UTC) }))
	if err != nil {
		log.Fatal(err)
	}
	p, err := client.PreviewCreateJobs(context.Background(), "Pr2wE4rT6yU8iO0p", "", api.JobCreateRequestDto{
		TargetLangs: []string{"de"},
		Due:         api.NewDateTimePtr(time.Date(2026, 12, 1, 18, 0, 0, 0, time.FixedZone("CET", 3600))),
		RemoteFile:  &api.JobCreateRemoteFileDto{ConnectorToken: "connector-secret", RemoteFileName: "winter.docx"},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(p.Method, p.URL)
	fmt.Println("Authorization:", p.Header.Get("Authorization"))
	fmt.Println(string(p.Body))
	// Output:
	// POST https://cloud.memsource.com/web/api2/v1/projects/Pr2wE4rT6yU8iO0p/jobs/connectorTask
	// Authorization: ApiToken [REDACTED]
	// {"due":"2026-12-01T17:00:00Z","remoteFile":{"connectorToken":"[REDACTED]","remoteFileName":"winter.docx"},"targetLangs":["de"]}
}

// Login checks the credentials early and tells whose they are; later calls reuse its token.
func ExampleClient_Login() {
	phrase := phrasetest.NewServer()
	defer phrase.Close()
	client, err := wrapper.New(wrapper.WithBaseURL(phrase.URL), wrapper.WithCredentials(phrase.Username, phrase.Password))
	if err != nil {
		log.Fatal(err)
	}
	me, err := client.Login(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("logged in as", *me.User.UserName)
	// Output:
	// logged in as demo
}

// Answers that say "try again later" are retried with backoff that honours Retry-After;
// WithRetryPolicy bounds how long.
func ExampleWithRetryPolicy() {
	phrase := phrasetest.NewServer(phrasetest.WithRateLimited(2, "0")) // two 429s first
	defer phrase.Close()
	client, err := wrapper.New(wrapper.WithBaseURL(phrase.URL), wrapper.WithAPIToken(phrase.Token),
		wrapper.WithRetryPolicy(wrapper.RetryPolicy{MaxAttempts: 5, MaxElapsed: time.Minute, BaseDelay: 10 * time.Millisecond}))
	if err != nil {
		log.Fatal(err)
	}
	out, err := client.CreateJobs(context.Background(), phrase.ProjectUID, "DL-1",
		api.JobCreateRequestDto{TargetLangs: []string{"de"}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("jobs:", len(out.Jobs), "after", phrase.CountRequests("POST", "/jobs/connectorTask"), "attempts")
	// Output:
	// jobs: 1 after 3 attempts
}

// ListJobs walks every page of a project's jobs, fetching each page only when the loop gets
// there; the filters are applied by Phrase.
func ExampleClient_ListJobs() {
	phrase := phrasetest.NewServer()
	defer phrase.Close()
	client, err := wrapper.New(wrapper.WithBaseURL(phrase.URL), wrapper.WithAPIToken(phrase.Token))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	if _, err := client.CreateJobs(ctx, phrase.ProjectUID, "DL1",
		api.JobCreateRequestDto{TargetLangs: []string{"de", "fr", "ja"}}); err != nil {
		log.Fatal(err)
	}
	lang := "fr"
	for job, err := range client.ListJobs(ctx, phrase.ProjectUID, &api.ListPartsV2Params{TargetLang: &lang}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(*job.TargetLang, *job.Status, *job.Filename)
	}
	// Output:
	// fr NEW download-DL1
}

// When the answer of a job-creating POST is lost, Reconcile finds the jobs it created in the
// project's list of jobs, so the request need not (and must not) be sent again.
func ExampleClient_Reconcile() {
	phrase := phrasetest.NewServer(phrasetest.WithLostResponse(1)) // a proxy loses the answer
	defer phrase.Close()
	client, err := wrapper.New(wrapper.WithBaseURL(phrase.URL), wrapper.WithAPIToken(phrase.Token))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	_, err = client.CreateJobs(ctx, phrase.ProjectUID, "DL1",
		api.JobCreateRequestDto{
			TargetLangs: []string{"de", "fr"},
			RemoteFile:  &api.JobCreateRemoteFileDto{ConnectorToken: "connector-token", RemoteFileName: "winter.docx"},
		})
	var unknown *wrapper.UnknownOutcomeError
	if !errors.As(err, &unknown) {
		log.Fatal("expected an unknown outcome, got ", err)
	}
	found, err := client.Reconcile(ctx, unknown, wrapper.ReconcileOptions{})
	if err != nil {
		log.Fatal(err)
	}
	switch found.Result {
	case wrapper.ReconcileCreated:
		for _, job := range found.Jobs {
			fmt.Println("created:", *job.TargetLang, *job.Filename)
		}
	case wrapper.ReconcileNotCreated:
		fmt.Println("nothing was created: send the request once more")
	case wrapper.ReconcileAmbiguous:
		fmt.Println("ask a person:", found.Reason, len(found.Candidates), "candidates")
	}
	fmt.Println("list calls:", found.ListCalls, "- job POSTs sent:", phrase.CountRequests("POST", "/jobs/connectorTask"))
	// Output:
	// created: de winter.docx
	// created: fr winter.docx
	// list calls: 1 - job POSTs sent: 1
}

// OutcomeOf says what an error means for the jobs, before anything else is looked at: a
// service must never retry an unknown outcome as it would a 5xx.
func ExampleOutcomeOf() {
	phrase := phrasetest.NewServer(phrasetest.WithLostRequest(1), phrasetest.WithLostResponse(1))
	defer phrase.Close()
	client, err := wrapper.New(wrapper.WithBaseURL(phrase.URL), wrapper.WithAPIToken(phrase.Token))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	for _, langs := range [][]string{{"de"}, {"de"}, {"de", "de"}, {"fr"}} {
		_, err := client.CreateJobs(ctx, phrase.ProjectUID, "DL1", api.JobCreateRequestDto{TargetLangs: langs})
		fmt.Println(langs, wrapper.OutcomeOf(err))
	}
	// Output:
	// [de] unknown
	// [de] unknown
	// [de de] failed
	// [fr] created
}
