package notify

// osascriptArgs is the command line that shows n on macOS. The title and
// body travel as arguments to the script's run handler, never inside the
// script's text: a parent's name or an error message with a quote or a
// backslash cannot end the string and run AppleScript of its own
// ("do shell script ..."). osascript passes the words after the script to
// "on run argv" (osascript(1)).
//
// It builds on every OS so that its test runs everywhere.
func osascriptArgs(n Note) []string {
	n = n.cleaned()
	return []string{
		"-e", "on run argv",
		"-e", "display notification (item 2 of argv) with title (item 1 of argv)",
		"-e", "end run",
		// A leading "-" would read as an option of osascript's: the title
		// and body start with a letter in every catalogue text, and
		// argSafe keeps it so for anything else.
		argSafe(n.Title), argSafe(n.Body),
	}
}

// argSafe keeps s from starting with "-".
func argSafe(s string) string {
	if len(s) > 0 && s[0] == '-' {
		return "\u2010" + s[1:] // U+2010 HYPHEN looks the same
	}
	return s
}
