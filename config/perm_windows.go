package config

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

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
		return fmt.Sprintf("config file %s holds a password and has no access list, so every user can read it: run %s", path, privateAdvice(path))
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
				return fmt.Sprintf("config file %s holds a password and other users can read it (%s is allowed to read): run %s",
					path, sid.String(), privateAdvice(path))
			}
		}
	}
	return ""
}

// privateAdvice is icaclsAdvice for path: for the current user, or for the
// system service when path is the system config (%ProgramData%\ferry).
func privateAdvice(path string) string {
	system := strings.EqualFold(filepath.Dir(filepath.Clean(path)), filepath.Dir(SystemPath()))
	return icaclsAdvice(path, currentAccount(), system)
}

// currentAccount is DOMAIN\user of this process, or its SID in icacls'
// *SID form when the name cannot be looked up.
func currentAccount() string {
	tu, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		return os.Getenv("USERDOMAIN") + `\` + os.Getenv("USERNAME")
	}
	account, domain, _, err := tu.User.Sid.LookupAccount("")
	if err != nil || account == "" {
		return "*" + tu.User.Sid.String()
	}
	if domain == "" {
		return account
	}
	return domain + `\` + account
}
