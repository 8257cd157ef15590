package msg

import (
	"slices"
	"testing"
)

// TestEveryLanguageHasEveryMessage: a message missing in one language would
// show up in English (or as its key) to that language's readers.
func TestEveryLanguageHasEveryMessage(t *testing.T) {
	if len(Langs()) < 2 {
		t.Fatalf("languages %v, want at least en and ja", Langs())
	}
	want := Keys(Default)
	for _, l := range Langs() {
		got := Keys(l)
		for _, k := range want {
			if !slices.Contains(got, k) {
				t.Errorf("%s.json lacks %q", l, k)
			}
		}
		for _, k := range got {
			if !slices.Contains(want, k) {
				t.Errorf("%s.json has %q, which %s.json lacks", l, k, Default)
			}
		}
		for _, k := range want {
			en, _ := Raw(Default, k)
			tr, ok := Raw(l, k)
			if !ok {
				continue
			}
			if tr == "" {
				t.Errorf("%s.json: %q is empty", l, k)
			}
			if !slices.Equal(Placeholders(en), Placeholders(tr)) {
				t.Errorf("%s.json: %q has placeholders %v, %s.json has %v", l, k, Placeholders(tr), Default, Placeholders(en))
			}
		}
	}
}

// TestEveryVerdictIsExplained: doctor and the error pages need a title,
// a cause and at least one fix step for each verdict.
func TestEveryVerdictIsExplained(t *testing.T) {
	for _, l := range Langs() {
		for _, v := range slices.Concat(Verdicts, PageVerdicts) {
			for _, part := range []string{".title", ".cause", ".fix"} {
				if _, ok := Raw(l, v+part); !ok {
					t.Errorf("%s.json lacks %s%s", l, v, part)
				}
			}
			if len(Fix(l, v)) == 0 {
				t.Errorf("%s: verdict %s has no fix steps", l, v)
			}
		}
	}
}

func TestFromEnv(t *testing.T) {
	cases := []struct {
		env  map[string]string
		want string
	}{
		{nil, "en"},
		{map[string]string{"LANG": "ja_JP.UTF-8"}, "ja"},
		{map[string]string{"LANG": "ja_JP.UTF-8", "LC_ALL": "C"}, "en"},
		{map[string]string{"LANG": "en_US.UTF-8", "LC_MESSAGES": "ja_JP"}, "ja"},
		{map[string]string{"LANG": "fr_FR.UTF-8"}, "en"},
	}
	for _, c := range cases {
		got := FromEnv(func(k string) string { return c.env[k] })
		if got != c.want {
			t.Errorf("FromEnv(%v) = %q, want %q", c.env, got, c.want)
		}
	}
}

func TestFromAcceptLanguage(t *testing.T) {
	cases := map[string]string{
		"":                        "en",
		"ja":                      "ja",
		"ja-JP,ja;q=0.9,en;q=0.8": "ja",
		"en-US,en;q=0.9,ja;q=0.8": "en",
		"fr-FR,ja;q=0.5":          "ja",
		"de,fr;q=0.5":             "en",
		"ja;q=0, en":              "en",
	}
	for h, want := range cases {
		if got := FromAcceptLanguage(h); got != want {
			t.Errorf("FromAcceptLanguage(%q) = %q, want %q", h, got, want)
		}
	}
}

func TestTReplacesPlaceholdersAndFallsBack(t *testing.T) {
	if got := T("ja", "doctor.parent", "parent", "p:1"); got != "親プロキシ p:1" {
		t.Errorf("T ja = %q", got)
	}
	if got := T("xx", "doctor.parent", "parent", "p:1"); got != "parent proxy p:1" {
		t.Errorf("T unknown language = %q", got)
	}
	if got := T("en", "no.such.key"); got != "no.such.key" {
		t.Errorf("T missing key = %q", got)
	}
}
