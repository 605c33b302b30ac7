package source

import "strings"

// asciiOrder is printable ASCII in the order of the Unicode root collation, which
// JavaScript's localeCompare follows: punctuation and symbols, digits, then letters, each
// letter's lower case before its upper case.
const asciiOrder = " _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$0123456789" +
	"aAbBcCdDeEfFgGhHiIjJkKlLmMnNoOpPqQrRsStTuUvVwWxXyYzZ"

// primaryWeight and caseWeight hold each ASCII byte's collation weights; 0 is "not listed".
var primaryWeight, caseWeight = collationWeights()

// collationWeights builds the weight tables from asciiOrder.
func collationWeights() (primary, tertiary [128]int) {
	w := 0
	for i := 0; i < len(asciiOrder); i++ {
		c := asciiOrder[i]
		upper := 'A' <= c && c <= 'Z'
		if !upper {
			w++
		}
		primary[c] = w
		if upper {
			tertiary[c] = 1
		}
	}
	return primary, tertiary
}

// weight returns a rune's primary and case weights; runes past ASCII sort after it, by
// code point.
func weight(r rune) (int, int) {
	if r < 128 && primaryWeight[r] > 0 {
		return primaryWeight[r], caseWeight[r]
	}
	return len(asciiOrder) + int(r), 0
}

// collate compares a and b as JavaScript's a.localeCompare(b) does in the en-US locale for
// the names metadata uses (ASCII letters, digits and punctuation): first by letters without
// case, then by case. It returns -1, 0 or +1.
func collate(a, b string) int {
	if c := compareWeights(a, b, 0); c != 0 {
		return c
	}
	if c := compareWeights(a, b, 1); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

// compareWeights compares a and b by one level of weights: 0 primary, 1 case.
func compareWeights(a, b string, level int) int {
	ra, rb := []rune(a), []rune(b)
	for i := 0; i < len(ra) && i < len(rb); i++ {
		pa, ca := weight(ra[i])
		pb, cb := weight(rb[i])
		wa, wb := pa, pb
		if level == 1 {
			wa, wb = ca, cb
		}
		if wa != wb {
			if wa < wb {
				return -1
			}
			return 1
		}
	}
	switch {
	case len(ra) < len(rb):
		return -1
	case len(ra) > len(rb):
		return 1
	}
	return 0
}
