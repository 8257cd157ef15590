package main

import (
	"fmt"
	"io/fs"

	"golang.org/x/sys/windows"
)

// broadSIDs are groups that mean "other users": a config holding a
// password must not grant them read access.
var broadSIDs = []windows.WELL_KNOWN_SID_TYPE{
	windows.WinWorldSid,             // Everyone
	windows.WinBuiltinUsersSid,      // BUILTIN\Users
	windows.WinAuthenticatedUserSid, // Authenticated Users
	windows.WinInteractiveSid,       // INTERACTIVE
}

// permWarning warns when the file's ACL lets other users read it. Go's
// mode bits on Windows only reflect the read-only attribute, so the DACL is
// read instead. A file under %APPDATA% inherits a private ACL, so this
// mostly catches configs copied to shared places (C:\ferry, a share).
func permWarning(path string, _ fs.FileMode) string {
	sd, err := windows.GetNamedSecurityInfo(path, windows.SE_FILE_OBJECT, windows.DACL_SECURITY_INFORMATION)
	if err != nil {
		return ""
	}
	dacl, _, err := sd.DACL()
	if err != nil {
		return ""
	}
	if dacl == nil {
		return fmt.Sprintf("config file %s holds a password and has no access list, so every user can read it: run icacls %q /inheritance:r /grant:r \"%%USERNAME%%:F\"", path, path)
	}
	const readData = 0x1 // FILE_READ_DATA
	for i := uint32(0); i < uint32(dacl.AceCount); i++ {
		var ace *windows.ACCESS_ALLOWED_ACE
		if err := windows.GetAce(dacl, i, &ace); err != nil || ace.Header.AceType != windows.ACCESS_ALLOWED_ACE_TYPE {
			continue
		}
		if ace.Mask&(readData|windows.GENERIC_READ|windows.GENERIC_ALL) == 0 {
			continue
		}
		sid := (*windows.SID)(unsafePointer(&ace.SidStart))
		for _, w := range broadSIDs {
			if sid.IsWellKnown(w) {
				return fmt.Sprintf("config file %s holds a password and other users can read it (%s is allowed to read): run icacls %q /inheritance:r /grant:r \"%%USERNAME%%:F\"",
					path, sid.String(), path)
			}
		}
	}
	return ""
}
