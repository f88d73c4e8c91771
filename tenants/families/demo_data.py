"""The invented names, places and texts the demo families are made of (see tenants.families.demo)."""

from __future__ import annotations

from tenants.families.states import CaseState
from tenants.families.vocabulary import Channel, ReferrerType

S = CaseState
R = ReferrerType

# origin: (weight, home languages, "surnames; mothers; fathers; children")
ORIGINS = {
    "nl": (62, ["Nederlands"], "de Jong, de Vries, van den Berg, van Dijk, Visser, Meijer, de Boer, Mulder, de Groot, "
           "Bos, Peters, van Leeuwen, Dekker, Brouwer, de Wit, Dijkstra, van der Meer, van der Linden, de Haan, "
           "Vermeulen, van den Heuvel, van der Veen, van den Broek, de Bruijn, van der Heijden, Schouten, van Beek, "
           "van Vliet, Hoekstra, Maas, Koster, van Dam, van der Wal, Prins, Blom, Huisman, Kuipers, Postma, Kramer, "
           "Scholten, van Wijk, Vink, de Ruiter, Timmermans, Groen, Jonker, van Loon, Schipper; "
           "Anouk, Lisa, Linda, Marloes, Kim, Esther, Sandra, Nicole, Laura, Femke, Iris, Manon, Chantal, Romy; "
           "Jeroen, Mark, Dennis, Bas, Tim, Rick, Martijn, Sander, Kevin, Erik, Niels, Thomas, Wouter, Patrick; "
           "Noah, Emma, Liam, Julia, Lucas, Mila, Sem, Tess, Daan, Sophie, Finn, Zoë, Levi, Nora, Luuk, Saar, Bram, "
           "Fenna, Milan, Lotte, Jesse, Evi, Thijs, Anna, Nina, Sven, Yara, Ruben, Lieke, Gijs, Fleur"),
    "ma": (14, ["Nederlands", "Arabisch"], "El Idrissi, Bouzid, Benali, Azzouzi, El Khatib, Tahiri, Ouali, Bennani, "
           "El Harchaoui, Boukhari, Ait Taleb, Chaouch, El Ouardi; Khadija, Naima, Samira, Hanan, Loubna, Souad, "
           "Malika, Nadia, Ilham; Mohamed, Mustafa, Rachid, Youssef, Hassan, Said, Karim, Nordin; Adam, Amira, Rayan, "
           "Noor, Ilyas, Yasmine, Aya, Imran, Sara, Zakaria, Inaya, Ayoub, Lina, Bilal"),
    "tr": (10, ["Nederlands", "Turks"], "Kaya, Demir, Şahin, Çelik, Yıldız, Aydın, Öztürk, Arslan, Doğan, Koç, Kurt; "
           "Ayşe, Fatma, Elif, Zeynep, Emine, Derya, Songül, Esra; Mehmet, Ali, Hüseyin, Murat, Emre, Hasan, Kemal; "
           "Yusuf, Elif, Eymen, Zeynep, Ömer, Ecrin, Mert, Defne, Kerem, Azra, Emir, Meryem"),
    "sy": (8, ["Arabisch"], "Al-Hassan, Khalil, Al-Ahmad, Mansour, Nasser, Darwish, Hamoud, Al-Masri; Rasha, Lama, "
           "Hala, Reem, Dima, Rana, Ghada; Ahmad, Omar, Khaled, Mahmoud, Bassam, Samer, Tarek; Joud, Karam, Sham, "
           "Hamza, Judy, Yamen, Maya, Lana, Zain, Tala"),
    "er": (6, ["Tigrinya"], "Tesfay, Gebremedhin, Haile, Tekle, Berhane, Woldemariam, Kidane; Semhar, Luwam, Senait, "
           "Feven, Yohanna, Rahwa, Selam; Yonas, Dawit, Tesfalem, Filmon, Habtom, Mehari; Natnael, Eden, Abel, Hermon, "
           "Ruth, Saron, Kidus, Blen, Mussie"),
}
NAMES = {origin: [part.split(", ") for part in spec[2].split("; ")] for origin, spec in ORIGINS.items()}
NEWCOMERS = {"sy", "er"}  # often referred by refugee support, sometimes with an interpreter

# The demo municipalities' real CBS codes; villages or generic neighbourhoods.
CBS_CODES = {"Heusden": "GM0797", "Zeist": "GM0355", "Papendrecht": "GM0590", "Alblasserdam": "GM0482"}
NEIGHBOURHOODS = {"Heusden": "Drunen, Vlijmen, Nieuwkuijk, Heusden, Oudheusden, Elshout, Haarsteeg",
                  "Zeist": "Centrum, Noord, Oost, West, Kerckebosch, Den Dolder, Austerlitz",
                  "Papendrecht": "Centrum, Oostpolder, Westpolder, Kraaihoek, Molenvliet",
                  "Alblasserdam": "Centrum, Oost, West, Kinderdijk"}

# (type, weight in the family track, in first 1000 days, organisations: {m} municipality, {n} neighbourhood)
REFERRERS = [
    (R.CJG, 14, 12, ["CJG {m}"]),
    (R.NEIGHBOURHOOD_TEAM, 20, 5, ["Sociaal wijkteam {m}", "Wijkteam {n}"]),
    (R.SCHOOL, 12, 0, ["Basisschool De Regenboog", "Kindcentrum Het Kompas", "OBS De Springplank"]),
    (R.YOUTH_HEALTH_CARE, 6, 20, ["Consultatiebureau {m}", "JGZ {m}"]),
    (R.MIDWIFE, 1, 25, ["Verloskundigenpraktijk De Wieg", "Verloskundigen {m}"]),
    (R.GP, 6, 6, ["Huisartsenpraktijk {n}", "Gezondheidscentrum {m}"]),
    (R.PROFESSIONAL_CARE, 10, 3, ["Jeugdhulpteam {m}", "GGZ-praktijk De Linde", "Maatschappelijk werk {m}"]),
    (R.REFUGEE_SUPPORT, 4, 4, ["Vluchtelingenwerk {m}"]),
    (R.SELF, 12, 10, [None]),
    (R.NETWORK, 6, 6, [None]),
    (R.OTHER, 5, 3, ["Voedselbank {m}", "Taalhuis {m}", "Buurthuis {n}"]),
]
CHANNELS = {True: {Channel.EMAIL: 45, Channel.PHONE: 30, Channel.WEB_FORM: 20, Channel.OTHER: 5},  # professionals
            False: {Channel.PHONE: 45, Channel.WEB_FORM: 30, Channel.IN_PERSON: 20, Channel.EMAIL: 5}}
#: Help questions by situation, as (text, life domains); {Ouder} is the parent who speaks for the family.
HELP_QUESTIONS = {
    "family": [
        ("{Ouder} zoekt iemand die meedenkt over rust en structuur in de week.", "parenting daily_activities"),
        ("Het gezin is net verhuisd en kent nog niemand in de buurt.", "social_network participation"),
        ("Het gezin wil hulp bij het op orde brengen van de post en de administratie.", "finances"),
        ("{Ouder} zoekt een maatje dat af en toe meegaat naar uitjes met de kinderen.", "social_network parenting"),
        ("Het gezin wil leren een weekbudget bij te houden.", "finances daily_activities"),
        ("{Ouder} voelt zich wat eenzaam en wil meer onder de mensen komen.", "wellbeing social_network"),
        ("Na afronding van de jeugdhulp wil het gezin nog een steuntje in de rug.", "parenting wellbeing"),
        ("Het gezin zoekt een andere woning en wil hulp bij inschrijven en reageren.", "housing"),
        ("{Ouder} herstelt van een operatie en kan de kinderen even minder opvangen.", "physical_health parenting"),
        ("{Ouder} zoekt vrijwilligerswerk en wil het cv op orde brengen.", "daily_activities"),
    ],
    "school": [  # a child of school age
        ("De oudste heeft moeite met het plannen van huiswerk; het gezin zoekt hulp.", "child_development"),
        ("Het gezin zoekt een sportclub of hobby voor de kinderen.", "child_development participation"),
    ],
    "newcomer": [
        ("Het gezin woont kort in Nederland en wil hulp bij brieven, school en huisarts.", "participation finances"),
        ("{Ouder} wil beter Nederlands leren om school en ouderavond te volgen.", "participation child_development"),
    ],
    "expecting": [
        ("Moeder is zwanger en heeft weinig mensen om zich heen.", "social_network wellbeing"),
        ("Moeder wil goed voorbereid zijn op de baby en de spullen op orde hebben.", "daily_activities finances"),
    ],
    "baby": [
        ("Het gezin zoekt steun in de eerste maanden met de baby.", "parenting child_development"),
        ("Met een baby in huis is het druk; het gezin zoekt praktische hulp.", "parenting wellbeing"),
    ],
}
AGENCIES = ["Jeugdhulp", "GGZ", "Schuldhulpverlening", "Wijkteam", "Maatschappelijk werk", "Logopedie", "JGZ"]

REASONS = {
    S.REFERRED: ["Huisbezoek ging niet door; opnieuw inplannen."],
    S.NOT_ACCEPTED: ["Hulpvraag past niet bij informele ondersteuning.", "Gezin woont buiten het werkgebied.",
                     "Er is meer nodig dan een vrijwilliger kan bieden."],
    S.REFERRED_ELSEWHERE: ["Doorverwezen naar schuldhulpverlening.", "Doorverwezen naar het wijkteam.",
                           "Doorverwezen naar het Taalhuis.", "Doorverwezen naar jeugdhulp."],
    S.WITHDRAWN: ["Gezin ziet af van ondersteuning.", "Gezin is verhuisd.", "Hulpvraag is inmiddels opgelost.",
                  "Geen contact meer met het gezin gekregen."],
}
STORIES = ["{p} vertelt dat het gezin weinig mensen in de buurt kent en wil iemand die af en toe meegaat.",
           "{p} wil overzicht in de administratie en de week. De kinderen gaan goed naar school.",
           "{p} is gemotiveerd en heeft een duidelijke vraag. Graag een vrijwilliger met geduld en humor.",
           "Het gezin is hartelijk en open. {p} wil vooral iemand om mee te sparren over opvoeden."]
#: Coordinators' notes, by the state the file was in when they were written.
NOTES = {S.REFERRED: ["Telefonisch contact gehad met het gezin; huisbezoek besproken.",
                      "Aanmelder gebeld voor aanvullende informatie.", "Gezin niet bereikt; later opnieuw bellen."],
         S.WAITING: ["Gezin gebeld: we zoeken nog een vrijwilliger.", "Terugkoppeling gegeven aan de aanmelder.",
                     "Mogelijke vrijwilliger gevonden; kennismaking wordt gepland."],
         S.MATCHED: ["Kennismaking met de vrijwilliger verliep goed.", "Gezin geeft aan dat het fijn gaat.",
                     "Tussenevaluatie gehad: doelen bijgesteld.", "Kinderen gaan sinds deze maand naar een sportclub.",
                     "Vrijwilliger helpt met de administratie; er is weer overzicht."],
         S.CLOSING: ["Eindgesprek gepland met gezin en vrijwilliger.", "Afsluitende vragenlijst ingevuld."]}
NOTES |= {S.INTAKE_PLANNED: NOTES[S.REFERRED], S.INTAKE_DONE: NOTES[S.WAITING]}
