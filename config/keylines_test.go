package config

import (
	"maps"
	"testing"
)

func TestKeyLines(t *testing.T) {
	src := `# comment = 1
listen = [
  "127.0.0.1:3128", # a = 2
  "[::1]:3128",
]
"no_proxy" = ["a=b"]
text = """
x = 1
"""
lit = '''
[auth]
'''
dotted.key = 1
[auth]
user = "al\"ice"
'quoted' = 'x'
  [ timeouts ]
connect="1s"
inline = { a = 1,
  b = 2 }
[[list]]
k = 1
listen = 2
[[list]]

k = 3
`
	want := map[string]int{
		"listen": 2, "no_proxy": 6, "text": 7, "lit": 10, "dotted.key": 13,
		"auth": 14, "auth.user": 15, "auth.quoted": 16,
		"timeouts": 17, "timeouts.connect": 18, "timeouts.inline": 19,
		"list": 21, "list.k": 22, "list.listen": 23,
		"list[1]": 21, "list[1].k": 22, "list[1].listen": 23, "list[2]": 24, "list[2].k": 26,
	}
	if got := KeyLines(src); !maps.Equal(got, want) {
		t.Errorf("got  %v\nwant %v", got, want)
	}
}

func TestLineOfFallsBackToTheTable(t *testing.T) {
	lines := map[string]int{"auth": 3}
	if n := lineOf(lines, "auth.user"); n != 3 {
		t.Errorf("auth.user: %d", n)
	}
	if n := lineOf(lines, "timeouts.connect"); n != 0 {
		t.Errorf("timeouts.connect: %d", n)
	}
}
