package search

import "strings"

// stopWords are the Dutch words that carry no subject: articles, pronouns,
// prepositions, auxiliary verbs and the fillers of a spoken question ("ik wil
// graag weten hoe …"). Our own list, written for residents' questions; a word
// that can name a product (hulp, geld, kind, …) is not in it.
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`
		de het een der des den 't
		en of maar dan als want omdat dus toch zodat terwijl
		dat die dit deze wat wie waar wanneer hoe waarom welk welke waarmee waarvoor hoeveel
		ik je jij u uw mijn me mij we wij ons onze zij ze hij haar hem hun hen jullie men zich zelf iemand
		is ben bent was waren wordt worden werd zijn ga gaat gaan ging
		heb hebt heeft hebben had
		kan kun kunt kunnen mag mogen moet moeten wil wilt willen zal zult zullen zou zouden
		in op aan van voor met bij naar uit om te tot door over onder tegen na zonder per via binnen
		er hier daar nog al ook wel niet geen nu zo heel erg veel meer ja nee
		graag even eens misschien alstublieft aub svp
	`) {
		m[w] = true
	}
	return m
}()

// IsStopWord reports whether a folded word is a Dutch stop word.
func IsStopWord(w string) bool { return stopWords[w] }
