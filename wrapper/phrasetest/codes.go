package phrasetest

// The errorCode values the fake answers with. The first four are Phrase's own (seen in its
// answers); the others are the fake's choice where Phrase's code is not documented, named in
// Phrase's styles.
const (
	// CodeNotUniqueTargetLang (400): a target language is listed twice.
	CodeNotUniqueTargetLang = "NOT_UNIQUE_TARGET_LANG"
	// CodeAPILimitReached (429): a rate limit was hit ([WithRateLimited]).
	CodeAPILimitReached = "ApiLimitReached"
	// CodeAuthUnauthorized (401): no valid token was sent, or it expired.
	CodeAuthUnauthorized = "AuthUnauthorized"
	// CodeAuthInvalidCredentials (401): login with a wrong user name or password.
	CodeAuthInvalidCredentials = "AuthInvalidCredentials"

	// CodeNotFound (404): no endpoint at this path.
	CodeNotFound = "NotFound"
	// CodeMethodNotAllowed (405): the path exists, the method does not.
	CodeMethodNotAllowed = "MethodNotAllowed"
	// CodeProjectNotFound (404): no project has the uid in the path.
	CodeProjectNotFound = "ProjectNotFound"
	// CodeAsyncRequestNotFound (404): no asynchronous request has the id in the path.
	CodeAsyncRequestNotFound = "AsyncRequestNotFound"
	// CodeUnsupportedMediaType (415): the body was not sent as application/json.
	CodeUnsupportedMediaType = "UnsupportedMediaType"
	// CodeRequestTooLarge (413): the body is larger than [WithMaxBodyBytes] allows.
	CodeRequestTooLarge = "RequestTooLarge"
	// CodeServiceUnavailable (503): the service is unavailable ([WithUnavailable]).
	CodeServiceUnavailable = "ServiceUnavailable"
	// CodeInvalidRequestBody (400): the body is not JSON of the expected shape.
	CodeInvalidRequestBody = "InvalidRequestBody"
	// CodeInvalidParameter (400): a path or query parameter could not be read (e.g. continuous=maybe).
	CodeInvalidParameter = "InvalidParameter"
	// CodeMissingField (400): a required field is missing or empty; errorDetails names it.
	CodeMissingField = "MISSING_FIELD"
	// CodeUnknownTargetLang (400): a target language is not one of the project's.
	CodeUnknownTargetLang = "UNKNOWN_TARGET_LANG"
	// CodeFieldTooLong (400): a field is longer than the spec allows (path: 255 characters).
	CodeFieldTooLong = "FIELD_TOO_LONG"
	// CodeValueOutOfRange (400): a number is outside its range
	// (notificationIntervalInMinutes: 0 to 1440).
	CodeValueOutOfRange = "VALUE_OUT_OF_RANGE"
	// CodeInvalidURL (400): callbackUrl is not an absolute http or https URL.
	CodeInvalidURL = "INVALID_URL"
	// CodeMutuallyExclusive (400): two fields that exclude each other were both sent (due and
	// workflowSettings; importSettings and useProjectFileImportSettings).
	CodeMutuallyExclusive = "MUTUALLY_EXCLUSIVE_FIELDS"
)
