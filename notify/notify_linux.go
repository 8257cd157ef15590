package notify

// Linux desktops serve the freedesktop notification specification.
func newOS() Notifier { return freedesktop{} }
