package notify

import (
	"encoding/base64"
	"unicode/utf16"
)

// toastScript is the PowerShell that shows a toast. The title and body
// come from the environment (FERRY_NOTE_TITLE, FERRY_NOTE_BODY) and enter
// the toast's XML as text nodes: nothing of theirs is ever parsed as
// PowerShell or as XML, so a quote or a "<" in a parent's name stays text.
//
// Windows shows toasts only for a registered app ID; ferry has no Start
// menu shortcut of its own, so it borrows PowerShell's, the usual way for a
// script (the toast then says "Windows PowerShell").
//
// It builds on every OS so that its test runs everywhere.
const toastScript = `$ErrorActionPreference = 'Stop'
[Windows.UI.Notifications.ToastNotificationManager, Windows.UI.Notifications, ContentType = WindowsRuntime] | Out-Null
$xml = [Windows.UI.Notifications.ToastNotificationManager]::GetTemplateContent([Windows.UI.Notifications.ToastTemplateType]::ToastText02)
$text = $xml.GetElementsByTagName('text')
$text.Item(0).AppendChild($xml.CreateTextNode($env:FERRY_NOTE_TITLE)) | Out-Null
$text.Item(1).AppendChild($xml.CreateTextNode($env:FERRY_NOTE_BODY)) | Out-Null
$toast = [Windows.UI.Notifications.ToastNotification]::new($xml)
[Windows.UI.Notifications.ToastNotificationManager]::CreateToastNotifier('{1AC14E77-02E7-4E5D-B744-2EB1AE5198B7}\WindowsPowerShell\v1.0\powershell.exe').Show($toast)
`

// toastEnv is the environment entries that carry n to toastScript.
func toastEnv(n Note) []string {
	n = n.cleaned()
	return []string{"FERRY_NOTE_TITLE=" + n.Title, "FERRY_NOTE_BODY=" + n.Body}
}

// encodedCommand is script for powershell.exe -EncodedCommand: base64 of
// its UTF-16LE (about_PowerShell_exe). Unlike "-Command -", which runs
// standard input line by line as if typed, it runs the script whole.
func encodedCommand(script string) string {
	u := utf16.Encode([]rune(script))
	b := make([]byte, 2*len(u))
	for i, c := range u {
		b[2*i], b[2*i+1] = byte(c), byte(c>>8)
	}
	return base64.StdEncoding.EncodeToString(b)
}
