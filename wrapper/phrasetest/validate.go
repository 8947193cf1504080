package phrasetest

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"unicode/utf16"

	"github.com/seed-a960d6a4/connectortask/api"
)

// maxPathLength is the longest path (in UTF-16 code units, as Phrase's Java counts) a job
// creation request may carry.
const maxPathLength = 255

// maxNotificationInterval is the largest notificationIntervalInMinutes (the smallest is 0).
const maxNotificationInterval = 1440

// problem is why a request is refused with 400.
type problem struct {
	code, desc string
	details    []api.ErrorDetailDto
}

func newProblem(code, field, desc string) *problem {
	return &problem{code: code, desc: desc, details: []api.ErrorDetailDto{fieldDetail(code, field, desc)}}
}

// validateJobCreate applies the rules Phrase applies to a job creation request in p, in this
// order: targetLangs present and non-empty, none repeated (NOT_UNIQUE_TARGET_LANG), each one
// of the project's; path at most 255 long; notificationIntervalInMinutes 0..1440 (top level
// and per workflow step); due and workflowSettings not both; importSettings and
// useProjectFileImportSettings not both; required fields of the nested objects (the spec's
// `required`); callbackUrl an absolute http(s) URL; assignments only for requested languages.
func validateJobCreate(req *api.JobCreateRequestDto, p project) *problem {
	if len(req.TargetLangs) == 0 {
		return newProblem(CodeMissingField, "targetLangs", "targetLangs is required and must not be empty.")
	}
	seen := map[string]bool{}
	for _, lang := range req.TargetLangs {
		if seen[lang] {
			return newProblem(CodeNotUniqueTargetLang, "targetLangs",
				fmt.Sprintf("Target languages must be unique; %q is listed more than once.", lang))
		}
		seen[lang] = true
	}
	for _, lang := range req.TargetLangs {
		if !slices.Contains(p.targetLangs, lang) {
			return newProblem(CodeUnknownTargetLang, "targetLangs",
				fmt.Sprintf("Target language %q is not a target language of project %s.", lang, p.uid))
		}
	}
	if req.Path != nil && len(utf16.Encode([]rune(*req.Path))) > maxPathLength {
		return newProblem(CodeFieldTooLong, "path",
			fmt.Sprintf("path must be at most %d characters long.", maxPathLength))
	}
	if prob := validateNotify(req.NotifyProvider, "notifyProvider"); prob != nil {
		return prob
	}
	if req.WorkflowSettings != nil {
		for i, ws := range *req.WorkflowSettings {
			field := fmt.Sprintf("workflowSettings[%d]", i)
			if prob := validateNotify(ws.NotifyProvider, field+".notifyProvider"); prob != nil {
				return prob
			}
			if ws.Assignments == nil {
				return newProblem(CodeMissingField, field+".assignments", field+".assignments is required.")
			}
			if prob := validateAssignments(ws.Assignments, field+".assignments", seen); prob != nil {
				return prob
			}
		}
	}
	if req.Due != nil && !req.Due.IsZero() && req.WorkflowSettings != nil && len(*req.WorkflowSettings) > 0 {
		return newProblem(CodeMutuallyExclusive, "due",
			"due and workflowSettings are mutually exclusive: give due dates per workflow step in workflowSettings.")
	}
	if req.ImportSettings != nil && req.UseProjectFileImportSettings != nil && *req.UseProjectFileImportSettings {
		return newProblem(CodeMutuallyExclusive, "importSettings",
			"importSettings and useProjectFileImportSettings are mutually exclusive.")
	}
	for _, ref := range []struct {
		field string
		ref   *api.UidReference
	}{
		{"importSettings", req.ImportSettings},
		{"jobPreviewPackageFileUidRef", req.JobPreviewPackageFileUidRef},
		{"xmlAssistantProfile", req.XmlAssistantProfile},
	} {
		if ref.ref != nil && ref.ref.Uid == "" {
			return newProblem(CodeMissingField, ref.field+".uid", ref.field+".uid is required.")
		}
	}
	if rf := req.RemoteFile; rf != nil {
		if rf.ConnectorToken == "" {
			return newProblem(CodeMissingField, "remoteFile.connectorToken", "remoteFile.connectorToken is required.")
		}
		if rf.RemoteFileName == "" {
			return newProblem(CodeMissingField, "remoteFile.remoteFileName", "remoteFile.remoteFileName is required.")
		}
	}
	if req.CallbackUrl != nil {
		u, err := url.Parse(*req.CallbackUrl)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return newProblem(CodeInvalidURL, "callbackUrl", "callbackUrl must be an absolute http or https URL.")
		}
	}
	if req.Assignments != nil {
		if prob := validateAssignments(*req.Assignments, "assignments", seen); prob != nil {
			return prob
		}
	}
	return nil
}

func validateNotify(n *api.NotifyProviderDto, field string) *problem {
	if n == nil {
		return nil
	}
	if v := n.NotificationIntervalInMinutes; v != nil && (*v < 0 || *v > maxNotificationInterval) {
		return newProblem(CodeValueOutOfRange, field+".notificationIntervalInMinutes",
			fmt.Sprintf("notificationIntervalInMinutes must be between 0 and %d; got %d.", maxNotificationInterval, *v))
	}
	if n.OrganizationEmailTemplate.Id == "" {
		return newProblem(CodeMissingField, field+".organizationEmailTemplate.id",
			field+".organizationEmailTemplate.id is required.")
	}
	return nil
}

func validateAssignments(as []api.ProvidersPerLanguage, field string, requested map[string]bool) *problem {
	for i, a := range as {
		at := fmt.Sprintf("%s[%d]", field, i)
		if a.TargetLang != nil && *a.TargetLang != "" && !requested[*a.TargetLang] {
			return newProblem(CodeUnknownTargetLang, at+".targetLang",
				fmt.Sprintf("%s.targetLang %q is not one of targetLangs.", at, *a.TargetLang))
		}
		if a.Providers != nil {
			for j, p := range *a.Providers {
				if p.Type == "" {
					return newProblem(CodeMissingField, fmt.Sprintf("%s.providers[%d].type", at, j),
						fmt.Sprintf("%s.providers[%d].type is required.", at, j))
				}
			}
		}
	}
	return nil
}

func formatInt(n int64) string { return strconv.FormatInt(n, 10) }
