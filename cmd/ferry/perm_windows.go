package main

import "io/fs"

// permWarning says nothing on Windows: Go's mode bits there only reflect
// the read-only attribute, and %APPDATA% is private to the user by its ACL.
func permWarning(path string, mode fs.FileMode) string { return "" }
