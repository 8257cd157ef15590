package discover

import "os"

// resolvConfDomains reads the search domains of a resolv.conf file.
func resolvConfDomains(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return parseResolvConf(b), nil
}
