"""Fictional names in the region's languages and scripts (combined at random; no real people)."""

ALBANIAN = (
    ["Arben", "Besnik", "Dritan", "Erion", "Fatos", "Gentian", "Ilir", "Kujtim", "Luan",
     "Mentor", "Nderim", "Petrit", "Rrezart", "Shpëtim", "Valon", "Ylli", "Agim", "Bujar",
     "Driton", "Ermal"],
    ["Hoxha", "Krasniqi", "Gashi", "Berisha", "Shala", "Morina", "Kelmendi", "Dervishi", "Leka",
     "Çela", "Marku", "Bajrami", "Rexhepi", "Zeqiri", "Dushku", "Thaçi", "Prenga"],
)
BOSNIAN = (
    ["Adnan", "Amir", "Emir", "Haris", "Kenan", "Mirza", "Nermin", "Samir", "Tarik", "Almir",
     "Edin", "Jasmin", "Dženan", "Senad"],
    ["Hodžić", "Begić", "Mehmedović", "Hasanović", "Kovačević", "Delić", "Imamović", "Mujić",
     "Salihović", "Ćatić", "Šabić", "Zukić"],
)
MONTENEGRIN = (
    ["Marko", "Nikola", "Vuk", "Luka", "Stefan", "Filip", "Balša", "Danilo", "Mirko", "Dejan",
     "Žarko"],
    ["Vujović", "Popović", "Đukanović", "Radović", "Bulatović", "Šćepanović", "Kaluđerović",
     "Perović", "Vučinić"],
)
SERBIAN_CYRILLIC = (
    ["Милош", "Ненад", "Драган", "Зоран", "Александар", "Ђорђе", "Бојан", "Милан", "Горан",
     "Душан"],
    ["Петровић", "Јовановић", "Николић", "Ђорђевић", "Стојановић", "Илић", "Марковић",
     "Павловић", "Живковић"],
)
SERBIAN_LATIN = (
    ["Miloš", "Nenad", "Dragan", "Zoran", "Aleksandar", "Đorđe", "Bojan", "Milan", "Goran",
     "Dušan"],
    ["Petrović", "Jovanović", "Nikolić", "Đorđević", "Stojanović", "Ilić", "Marković",
     "Pavlović", "Živković"],
)
MACEDONIAN = (
    ["Александар", "Бојан", "Горан", "Дарко", "Ѓорѓи", "Игор", "Никола", "Стефан", "Филип",
     "Кирил", "Златко"],
    ["Стојановски", "Трајковски", "Николовски", "Петровски", "Ристески", "Јовановски",
     "Илиевски", "Димитров", "Ѓорѓиевски"],
)

BY_JURISDICTION = {
    "AL": [ALBANIAN],
    "BA": [BOSNIAN, SERBIAN_LATIN],
    "XK": [ALBANIAN, SERBIAN_CYRILLIC],
    "ME": [MONTENEGRIN, ALBANIAN],
    "MK": [MACEDONIAN, ALBANIAN],
    "RS": [SERBIAN_CYRILLIC, SERBIAN_LATIN, BOSNIAN],
}
