package service

import (
	"encoding/csv"
	"errors"
	"os"
	"strings"
)

// parseTaskQuery reads `schtasks /Query /TN ferry /FO CSV /NH`:
// `"\ferry","N/A","Running"`. A task is installed only when a row names it:
// an exit status of 0 alone is not proof (Wine's schtasks, for one, answers
// 0 with no output for any name). The state's words are localised.
func parseTaskQuery(out string) (installed bool, state string) {
	recs, err := csv.NewReader(strings.NewReader(strings.TrimSpace(out))).ReadAll()
	if err != nil {
		return false, ""
	}
	for _, rec := range recs {
		if len(rec) >= 3 && strings.EqualFold(strings.TrimPrefix(rec[0], `\`), Name) {
			return true, rec[len(rec)-1]
		}
	}
	return false, ""
}

// adminHint is what a failed SCM call adds when it was refused for want of
// rights: Windows says "Access is denied"; other failures get no hint.
func adminHint(err error) string {
	// On Windows ERROR_ACCESS_DENIED is os.ErrPermission; the text is for
	// a library that formats the error rather than wrapping it.
	if errors.Is(err, os.ErrPermission) || strings.Contains(err.Error(), "Access is denied") {
		return " (run as administrator)"
	}
	return ""
}
