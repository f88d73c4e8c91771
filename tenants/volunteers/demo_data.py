"""The invented names and texts the demo volunteers are made of (see tenants.volunteers.demo)."""

from __future__ import annotations

from tenants.volunteers.states import ExitReason, VolunteerState

S = VolunteerState
E = ExitReason

# origin: (weight, languages besides Dutch, "surnames; women; men"). Volunteers are mostly women,
# students and people after their working life, mostly Dutch-born, many with a second language.
ORIGINS = {
    "nl": (62, [], "de Jong, Jansen, de Vries, van den Bosch, Bakker, Smits, van Dijk, Meijer, de Boer, Mulder, "
           "de Groot, Hendriks, van Leeuwen, Verbeek, Dekker, Brouwer, de Wit, Dijkstra, Smeets, van der Meer, "
           "Willemsen, de Haan, Vermeulen, van den Heuvel, van der Steen, Kuijpers, Schouten, van Beek, Hoekstra, "
           "Maas, Verhoef, Koster, van Dam, Prins, Blom, Huisman, Peeters, Postma, van Rooij, Wouters, Hermans, "
           "Sanders, Claassen, van Wijk, Driessen, Timmermans, Groen, van Loon, Lammers, Ververs; "
           "Marian, Joke, Ineke, Annelies, Wilma, Carla, Monique, Els, Hanneke, Margreet, Petra, Ellen, Mirjam, "
           "Gonny, Riet, Anouk, Sanne, Femke, Eva, Lieke, Noor, Floor, Marloes, Ilse, Jolanda, Yvonne, Brenda; "
           "Henk, Gerard, Wim, Hans, Jan, Kees, Ad, Frans, Theo, Bert, Rob, Maarten, Joris, Pieter, Stijn, Koen, "
           "Ruben, Jeroen, Arjan"),
    "ma": (9, ["Arabisch", "Tamazight"], "El Ouali, Amrani, Bouchta, Ziani, Lahlou, El Hamdaoui, Messaoudi, "
           "Boulahrouz, Akrouh, El Yousfi; Naima, Fatiha, Samira, Hafsa, Soumaya, Ikram, Latifa, Houda; "
           "Abdelkader, Khalid, Younes, Jamal, Driss, Anouar"),
    "tr": (7, ["Turks"], "Güler, Korkmaz, Özdemir, Polat, Erdoğan, Aksoy, Tekin, Karaca, Uçar; "
           "Aylin, Gül, Hatice, Sevgi, Büşra, Nur, Dilek, Serpil; Osman, Cem, Serkan, Tolga, Burak, İsmail"),
    "sr": (7, ["Sranantongo"], "Biharie, Ramdin, Kromosoeto, Pinas, Wijngaarde, Sno, Lachman, Kartosen, Brunings, "
           "Doelwijt; Shanti, Priya, Rosita, Joyce, Chandra, Germaine, Marisca, Sharmila; "
           "Ravi, Glenn, Ricardo, Anand, Humphrey, Sergio, Dinesh"),
    "sy": (5, ["Arabisch", "Engels"], "Al-Khatib, Haddad, Suleiman, Karam, Nassar, Shami, Al-Rifai, Qassem; "
           "Rania, Hiba, Nour, Lina, Rasha, Dania; Ammar, Fadi, Rami, Majd, Wael, Tamer"),
    "er": (3, ["Tigrinya"], "Tsegay, Ghebreyesus, Mehari, Asmerom, Tewelde, Habte; Helen, Winta, Feruz, Saba, "
           "Yordanos; Amanuel, Robel, Samuel, Merhawi, Biniam"),
    "pl": (3, ["Pools", "Engels"], "Nowak, Wiśniewski, Lewandowski, Kamiński, Zieliński, Wójcik; "
           "Agnieszka, Katarzyna, Magdalena, Joanna; Tomasz, Piotr, Marek"),
}
NAMES = {origin: [part.split(", ") for part in spec[2].split("; ")] for origin, spec in ORIGINS.items()}
#: Polish surnames take a feminine form.
FEMININE = {"ski": "ska", "cki": "cka"}
#: Extra languages a Dutch-born volunteer may speak, with weights.
EXTRA_LANGUAGES = {"Engels": 45, "Duits": 12, "Frans": 8, "Spaans": 5, "Papiaments": 2}

# (what the volunteer likes to do, life-domain codes that go with it)
INTERESTS = [
    ("Samen koken en boodschappen doen; gezond eten met een klein budget.", "daily_activities physical_health"),
    ("Voorlezen en spelletjes met jonge kinderen.", "child_development parenting"),
    ("Helpen met post, formulieren en de administratie.", "finances"),
    ("Wandelen en fietsen in de buurt, de weg wijzen naar het buurthuis en de bibliotheek.",
     "social_network participation"),
    ("Taalmaatje: Nederlands oefenen in het dagelijks leven.", "participation social_network"),
    ("Huiswerkbegeleiding in de basisschoolleeftijd.", "child_development"),
    ("Tuinieren en buiten spelen met de kinderen.", "wellbeing child_development"),
    ("Muziek maken en zingen; creatief bezig zijn.", "wellbeing child_development"),
    ("Sport en bewegen; de weg naar een sportclub vinden.", "physical_health participation"),
    ("Oud-verpleegkundige, thuis in het eerste levensjaar van een baby.", "physical_health parenting"),
    ("Zelf jong moeder geweest en weet hoe zwaar dat kan zijn.", "parenting wellbeing"),
    ("Oud-leerkracht groep 1-2; ervaring met ontwikkeling en spel.", "child_development parenting"),
    ("Vrijwillig thuisadministratie-maatje geweest; rustig uitzoeken van rekeningen.", "finances housing"),
    ("Kent de weg bij de woningcorporatie en de gemeente.", "housing participation"),
    ("Studeert pedagogiek en wil ervaring opdoen met gezinnen.", "parenting child_development"),
    ("Luisterend oor; gewoon even koffie drinken en er zijn.", "wellbeing social_network"),
    ("Helpt bij het zoeken naar werk, stage of vrijwilligerswerk.", "daily_activities participation"),
    ("Klussen in en om het huis.", "housing daily_activities"),
]

# Children's age ranges a volunteer prefers (None: no preference), with weights.
CHILD_AGES = {None: 45, (0, 4): 15, (0, 12): 12, (4, 12): 14, (6, 16): 7, (12, 23): 5, (0, 23): 2}

#: Why volunteers stop, by the state they stopped from.
EXIT_REASONS = {
    S.APPLICANT: {E.NO_CONTACT: 4, E.NO_TIME: 3, E.OTHER_VOLUNTEER_WORK: 2},
    S.INTAKE: {E.NOT_SUITABLE: 3, E.NO_TIME: 2, E.NO_CONTACT: 1, E.PERSONAL: 1},
    S.SCREENING: {E.NOT_SUITABLE: 2, E.PERSONAL: 1, E.NO_TIME: 1},
    S.TRAINING: {E.NO_TIME: 2, E.PERSONAL: 2, E.OTHER_VOLUNTEER_WORK: 1, E.NOT_SUITABLE: 1},
    S.AVAILABLE: {E.NO_TIME: 4, E.MOVED: 3, E.PERSONAL: 3, E.OTHER_VOLUNTEER_WORK: 2, E.OTHER: 1},
}
for _state in (S.MATCHED, S.PAUSED):
    EXIT_REASONS[_state] = EXIT_REASONS[S.AVAILABLE]
