package seed

import (
	"time"

	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
)

// Municipality is the code of the seeded municipality.
const Municipality = "rotterdam"

// org is one unit of the organization tree.
type org struct {
	code, name, kind, parent string
}

// organizations is Rotterdam's tree: the six clusters are the city's own; the
// departments below them are an illustrative cut of who owns which products.
var organizations = []org{
	{"rotterdam", "Gemeente Rotterdam", "MUNICIPALITY", ""},
	{"dienstverlening", "Cluster Dienstverlening", "CLUSTER", "rotterdam"},
	{"publiekszaken", "Publiekszaken", "DEPARTMENT", "dienstverlening"},
	{"belastingen", "Belastingen", "DEPARTMENT", "dienstverlening"},
	{"klantcontact", "Klantcontact (14 010)", "DEPARTMENT", "dienstverlening"},
	{"werk-en-inkomen", "Cluster Werk en Inkomen", "CLUSTER", "rotterdam"},
	{"inkomen", "Inkomensondersteuning", "DEPARTMENT", "werk-en-inkomen"},
	{"schulddienstverlening", "Schulddienstverlening", "DEPARTMENT", "werk-en-inkomen"},
	{"werk", "Werk en Re-integratie", "DEPARTMENT", "werk-en-inkomen"},
	{"maatschappelijke-ontwikkeling", "Cluster Maatschappelijke Ontwikkeling", "CLUSTER", "rotterdam"},
	{"zorg-en-welzijn", "Zorg en Welzijn", "DEPARTMENT", "maatschappelijke-ontwikkeling"},
	{"onderwijs", "Jeugd en Onderwijs", "DEPARTMENT", "maatschappelijke-ontwikkeling"},
	{"sport-en-cultuur", "Sport, Cultuur en Subsidies", "DEPARTMENT", "maatschappelijke-ontwikkeling"},
	{"stadsontwikkeling", "Cluster Stadsontwikkeling", "CLUSTER", "rotterdam"},
	{"vergunningen", "Vergunningen", "DEPARTMENT", "stadsontwikkeling"},
	{"wonen", "Wonen", "DEPARTMENT", "stadsontwikkeling"},
	{"ondernemen", "Ondernemersloket", "DEPARTMENT", "stadsontwikkeling"},
	{"stadsbeheer", "Cluster Stadsbeheer", "CLUSTER", "rotterdam"},
	{"afval", "Afval en Schoon", "DEPARTMENT", "stadsbeheer"},
	{"parkeren", "Parkeren en Verkeer", "DEPARTMENT", "stadsbeheer"},
	{"handhaving", "Toezicht en Handhaving", "DEPARTMENT", "stadsbeheer"},
	{"openbare-ruimte", "Openbare Ruimte", "DEPARTMENT", "stadsbeheer"},
	{"bestuurs-en-concernondersteuning", "Cluster Bestuurs- en Concernondersteuning", "CLUSTER", "rotterdam"},
	{"bestuursondersteuning", "Juridische Zaken en Bestuursondersteuning", "DEPARTMENT", "bestuurs-en-concernondersteuning"},
}

// channelDef is one contact channel of the plan.
type channelDef struct {
	code, name, nameEN, description string
	digital, assisted, youth        bool
}

// channels are the contact channels the plan names, in the order residents
// meet them. Digital: online, on the resident's own device. Assisted: a person
// helps, face to face or by voice. Youth: the channels young people use.
var channels = []channelDef{
	{"balie", "Balie in een stadswinkel", "Counter at a city office", "Persoonlijk geholpen worden aan de balie van een stadswinkel, meestal op afspraak.", false, true, false},
	{"wijkhub", "Wijkhub", "Neighbourhood hub", "Binnenlopen in de wijkhub bij u in de buurt voor vragen en hulp.", false, true, false},
	{"straat", "Op straat", "Officers on the street", "Handhavers, wijkconciërges en stadsmariniers die u op straat aanspreekt.", false, true, false},
	{"telefoon", "Telefoon (14 010)", "Phone (14 010)", "Bellen met het algemene nummer 14 010.", false, true, false},
	{"website", "Website", "Website", "Regelen op rotterdam.nl, vaak met DigiD of eHerkenning.", true, false, false},
	{"app", "Gemeentelijke app", "Municipal app", "Regelen in de app van de gemeente Rotterdam.", true, false, true},
	{"chat", "Chat", "Chat", "Chatten met een medewerker via de website.", true, false, true},
	{"webcare", "Webcare op sociale media", "Webcare on social media", "Een bericht sturen via Facebook, Instagram of X.", true, false, true},
	{"email", "E-mail", "E-mail", "Een e-mail sturen naar de gemeente.", true, false, false},
}

// locationDef is a public location; opens is when it opened (zero: before 2023).
type locationDef struct {
	code, name, kind, street, postalCode, opening, visit string
	opens                                                time.Time
}

// locations: the stadswinkels and the wijkhubs that opened during the plan.
// Names are Rotterdam's districts; addresses and opening dates are illustrative.
var locations = []locationDef{
	{"stadswinkel-centrum", "Stadswinkel Centrum", "CITY_OFFICE", "Coolsingel 40", "3011 AD", "ma–vr 9.00–17.00, do tot 20.00", "APPOINTMENT", time.Time{}},
	{"stadswinkel-zuid", "Stadswinkel Zuid", "CITY_OFFICE", "Zuidplein 100", "3083 CW", "ma–vr 9.00–17.00", "APPOINTMENT", time.Time{}},
	{"stadswinkel-noord", "Stadswinkel Noord", "CITY_OFFICE", "Bergweg 200", "3036 BL", "ma–vr 9.00–17.00", "APPOINTMENT", time.Time{}},
	{"stadswinkel-alexander", "Stadswinkel Prins Alexander", "CITY_OFFICE", "Hesseplaats 480", "3069 EA", "ma–vr 9.00–17.00", "BOTH", time.Time{}},
	{"wijkhub-delfshaven", "Wijkhub Delfshaven", "WIJKHUB", "Schiedamseweg 80", "3025 AG", "ma–vr 9.00–16.30", "WALK_IN", catalog.Date(2023, time.June, 1)},
	{"wijkhub-feijenoord", "Wijkhub Feijenoord", "WIJKHUB", "Oranjeboomstraat 30", "3071 SJ", "ma–vr 9.00–16.30", "WALK_IN", catalog.Date(2023, time.October, 2)},
	{"wijkhub-charlois", "Wijkhub Charlois", "WIJKHUB", "Wolphaertsbocht 200", "3083 KK", "ma–vr 9.00–16.30", "WALK_IN", catalog.Date(2024, time.February, 5)},
	{"wijkhub-ijsselmonde", "Wijkhub IJsselmonde", "WIJKHUB", "Briggemanplein 10", "3077 SR", "di–do 9.00–16.30", "WALK_IN", catalog.Date(2024, time.June, 3)},
	{"wijkhub-overschie", "Wijkhub Overschie", "WIJKHUB", "Burgemeester Baumannlaan 60", "3043 AK", "ma, wo 9.00–16.30", "BOTH", catalog.Date(2024, time.November, 4)},
	{"wijkhub-noord", "Wijkhub Noord", "WIJKHUB", "Zwaanshals 300", "3035 KN", "ma–vr 9.00–16.30", "WALK_IN", catalog.Date(2025, time.March, 3)},
	{"wijkhub-hillegersberg", "Wijkhub Hillegersberg-Schiebroek", "WIJKHUB", "Weissenbruchlaan 150", "3054 LM", "di, do 9.00–16.30", "BOTH", catalog.Date(2025, time.September, 1)},
}

// Key dates of the illustrative journey, fixed so that the seed is the same
// whenever it is loaded.
var (
	start     = at(2023, time.January, 2)    // the plan's first working day: the baseline
	chatStart = at(2024, time.March, 4)      // Ro!Entree starts answering chat
	appPlan   = at(2025, time.March, 3)      // the app's first products are planned
	appLaunch = at(2025, time.September, 15) // the municipal app goes live
	// last is the newest moment of the seed's history. The history importer
	// refuses changes in the future, so it lies before the day this seed was
	// written (2026-11-28).
	last = at(2026, time.November, 16)
	// deadline of the plan's promise.
	deadline = catalog.Date(2026, time.December, 31)
)

// at is 9 in the morning, Amsterdam time, on the given day.
func at(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 9, 0, 0, 0, catalog.Amsterdam)
}
