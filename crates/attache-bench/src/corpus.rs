//! A seeded generator of news and transcript text for throughput work.
//!
//! Every sentence comes from a template and vocabulary written here (no
//! text from elsewhere): wire stories (headline, `MOSCOW, Jan 14 (Wire) -`
//! dateline, paragraphs with quotes and attributions) and diplomatic
//! transcripts (headline naming the talks, an opening statement in the first
//! person, `Question:` and `Name:` turns). About half the sentences report
//! an event between actors our dictionaries know (countries, capitals,
//! ministries, office holders in early 2019, organisations); the rest are
//! the filler news is made of. The same seed gives the same bytes, and the
//! corpus scales to any number of sentences by writing documents until the
//! count is reached.

use std::io::{self, Write};

/// A small, fast, seedable generator (SplitMix64): the corpus must be the
/// same on every machine and every version of every crate.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9e37_79b9_7f4a_7c15)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() >> 32) * n as u64 >> 32) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

/// A state as news writes about it.
struct Country {
    /// "Russia", "the United States".
    name: &'static str,
    adj: &'static str,
    capital: &'static str,
    /// Head of state or government in office January–May 2019, with title.
    leader: (&'static str, &'static str),
    /// Foreign minister in office January–May 2019.
    minister: &'static str,
    /// The minister's title.
    minister_title: &'static str,
}

const COUNTRIES: &[Country] = &[
    Country {
        name: "Russia",
        adj: "Russian",
        capital: "Moscow",
        leader: ("President", "Vladimir Putin"),
        minister: "Sergey Lavrov",
        minister_title: "Foreign Minister",
    },
    Country {
        name: "Japan",
        adj: "Japanese",
        capital: "Tokyo",
        leader: ("Prime Minister", "Shinzo Abe"),
        minister: "Taro Kono",
        minister_title: "Foreign Minister",
    },
    Country {
        name: "China",
        adj: "Chinese",
        capital: "Beijing",
        leader: ("President", "Xi Jinping"),
        minister: "Wang Yi",
        minister_title: "Foreign Minister",
    },
    Country {
        name: "the United States",
        adj: "U.S.",
        capital: "Washington",
        leader: ("President", "Donald Trump"),
        minister: "Mike Pompeo",
        minister_title: "Secretary of State",
    },
    Country {
        name: "Germany",
        adj: "German",
        capital: "Berlin",
        leader: ("Chancellor", "Angela Merkel"),
        minister: "Heiko Maas",
        minister_title: "Foreign Minister",
    },
    Country {
        name: "France",
        adj: "French",
        capital: "Paris",
        leader: ("President", "Emmanuel Macron"),
        minister: "Jean-Yves Le Drian",
        minister_title: "Foreign Minister",
    },
    Country {
        name: "Britain",
        adj: "British",
        capital: "London",
        leader: ("Prime Minister", "Theresa May"),
        minister: "Jeremy Hunt",
        minister_title: "Foreign Secretary",
    },
    Country {
        name: "Turkey",
        adj: "Turkish",
        capital: "Ankara",
        leader: ("President", "Recep Tayyip Erdogan"),
        minister: "Mevlut Cavusoglu",
        minister_title: "Foreign Minister",
    },
    Country {
        name: "Iran",
        adj: "Iranian",
        capital: "Tehran",
        leader: ("President", "Hassan Rouhani"),
        minister: "Javad Zarif",
        minister_title: "Foreign Minister",
    },
    Country {
        name: "India",
        adj: "Indian",
        capital: "New Delhi",
        leader: ("Prime Minister", "Narendra Modi"),
        minister: "Sushma Swaraj",
        minister_title: "External Affairs Minister",
    },
    Country {
        name: "Canada",
        adj: "Canadian",
        capital: "Ottawa",
        leader: ("Prime Minister", "Justin Trudeau"),
        minister: "Chrystia Freeland",
        minister_title: "Foreign Minister",
    },
    Country {
        name: "South Korea",
        adj: "South Korean",
        capital: "Seoul",
        leader: ("President", "Moon Jae-in"),
        minister: "Kang Kyung-wha",
        minister_title: "Foreign Minister",
    },
    Country {
        name: "Australia",
        adj: "Australian",
        capital: "Canberra",
        leader: ("Prime Minister", "Scott Morrison"),
        minister: "Marise Payne",
        minister_title: "Foreign Minister",
    },
    Country {
        name: "Ukraine",
        adj: "Ukrainian",
        capital: "Kiev",
        leader: ("President", "Petro Poroshenko"),
        minister: "Pavlo Klimkin",
        minister_title: "Foreign Minister",
    },
    Country {
        name: "Poland",
        adj: "Polish",
        capital: "Warsaw",
        leader: ("President", "Andrzej Duda"),
        minister: "Jacek Czaputowicz",
        minister_title: "Foreign Minister",
    },
    Country {
        name: "Egypt",
        adj: "Egyptian",
        capital: "Cairo",
        leader: ("President", "Abdel Fattah al-Sisi"),
        minister: "Sameh Shoukry",
        minister_title: "Foreign Minister",
    },
    Country {
        name: "Saudi Arabia",
        adj: "Saudi",
        capital: "Riyadh",
        leader: ("King", "Salman bin Abdulaziz"),
        minister: "Ibrahim al-Assaf",
        minister_title: "Foreign Minister",
    },
    Country {
        name: "Pakistan",
        adj: "Pakistani",
        capital: "Islamabad",
        leader: ("Prime Minister", "Imran Khan"),
        minister: "Shah Mahmood Qureshi",
        minister_title: "Foreign Minister",
    },
    Country {
        name: "Brazil",
        adj: "Brazilian",
        capital: "Brasilia",
        leader: ("President", "Jair Bolsonaro"),
        minister: "Ernesto Araujo",
        minister_title: "Foreign Minister",
    },
    Country {
        name: "Mexico",
        adj: "Mexican",
        capital: "Mexico City",
        leader: ("President", "Andres Manuel Lopez Obrador"),
        minister: "Marcelo Ebrard",
        minister_title: "Foreign Minister",
    },
    Country {
        name: "Italy",
        adj: "Italian",
        capital: "Rome",
        leader: ("Prime Minister", "Giuseppe Conte"),
        minister: "Enzo Moavero Milanesi",
        minister_title: "Foreign Minister",
    },
    Country {
        name: "Spain",
        adj: "Spanish",
        capital: "Madrid",
        leader: ("Prime Minister", "Pedro Sanchez"),
        minister: "Josep Borrell",
        minister_title: "Foreign Minister",
    },
    Country {
        name: "Syria",
        adj: "Syrian",
        capital: "Damascus",
        leader: ("President", "Bashar al-Assad"),
        minister: "Walid al-Muallem",
        minister_title: "Foreign Minister",
    },
    Country {
        name: "Israel",
        adj: "Israeli",
        capital: "Jerusalem",
        leader: ("Prime Minister", "Benjamin Netanyahu"),
        minister: "Israel Katz",
        minister_title: "Foreign Minister",
    },
    Country {
        name: "Venezuela",
        adj: "Venezuelan",
        capital: "Caracas",
        leader: ("President", "Nicolas Maduro"),
        minister: "Jorge Arreaza",
        minister_title: "Foreign Minister",
    },
    Country {
        name: "Nigeria",
        adj: "Nigerian",
        capital: "Abuja",
        leader: ("President", "Muhammadu Buhari"),
        minister: "Geoffrey Onyeama",
        minister_title: "Foreign Minister",
    },
    Country {
        name: "Indonesia",
        adj: "Indonesian",
        capital: "Jakarta",
        leader: ("President", "Joko Widodo"),
        minister: "Retno Marsudi",
        minister_title: "Foreign Minister",
    },
    Country {
        name: "Vietnam",
        adj: "Vietnamese",
        capital: "Hanoi",
        leader: ("Prime Minister", "Nguyen Xuan Phuc"),
        minister: "Pham Binh Minh",
        minister_title: "Foreign Minister",
    },
    Country {
        name: "the Philippines",
        adj: "Philippine",
        capital: "Manila",
        leader: ("President", "Rodrigo Duterte"),
        minister: "Teodoro Locsin",
        minister_title: "Foreign Secretary",
    },
    Country {
        name: "North Korea",
        adj: "North Korean",
        capital: "Pyongyang",
        leader: ("leader", "Kim Jong Un"),
        minister: "Ri Yong Ho",
        minister_title: "Foreign Minister",
    },
];

const ORGANISATIONS: &[&str] = &[
    "the United Nations", "NATO", "the European Union", "the U.N. Security Council", "the African Union", "ASEAN",
    "the International Atomic Energy Agency", "the World Bank", "the International Monetary Fund", "the OSCE",
];

const DAYS: &[&str] = &["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const MONTHS: &[&str] = &["January", "February", "March", "April", "May"];
const MONTHS_SHORT: &[&str] = &["Jan.", "Feb.", "March", "April", "May"];

const ISSUES: &[&str] = &[
    "the disputed islands", "the nuclear programme", "trade tariffs", "the peace treaty", "the war in Syria",
    "maritime security", "the refugee crisis", "energy supplies", "the arms control treaty", "the missile tests",
    "fishing rights", "visa-free travel", "the gas pipeline", "the situation on the Korean peninsula",
    "cyber security", "climate policy", "the detention of journalists", "the border dispute",
];
const OFFENCES: &[&str] = &[
    "violating the ceasefire", "interfering in its elections", "spreading false information", "violating its airspace",
    "illegal fishing in its waters", "supporting armed groups", "cyber attacks on government websites",
    "breaching the arms embargo", "mistreating its citizens", "obstructing the investigation",
];
const DEMANDS: &[&str] = &[
    "release the detained sailors",
    "withdraw its troops from the border",
    "return to the negotiating table",
    "halt the missile tests",
    "respect the ceasefire",
    "lift the trade restrictions",
    "allow humanitarian access",
    "hand over the suspects",
    "stop the construction of military facilities",
];
const COOP: &[&str] = &[
    "expand economic cooperation", "resume direct flights", "boost trade", "hold regular consultations",
    "strengthen security cooperation", "exchange intelligence on terrorism", "set up a joint working group",
    "develop joint economic activities",
];
const FIELDS: &[&str] = &[
    "energy cooperation", "trade and investment", "nuclear energy", "counterterrorism", "customs procedures",
    "cultural exchanges", "space research", "fisheries", "infrastructure projects",
];
const THINGS: &[&str] = &[
    "military build-up", "missile deployments", "new defence budget", "plans to build a naval base",
    "decision to expel diplomats", "nuclear activities", "trade policy", "treatment of minorities",
];
const DISASTERS: &[&str] = &["the earthquake", "the floods", "the typhoon", "the drought", "the cyclone"];
const SUMMITS: &[&str] = &[
    "the G20 summit", "the U.N. General Assembly", "the Munich Security Conference", "the ASEAN summit",
    "the Davos forum",
];

/// Sentences without an event: the filler of real reports.
const FILLER: &[&str] = &[
    "The talks lasted more than three hours and covered a wide range of bilateral and regional issues.",
    "Officials gave no further details.",
    "Oil prices rose 2 percent on the news, extending gains from the previous session as traders weighed the risk of supply disruptions.",
    "The meeting was the first of its kind in almost a decade.",
    "Trading was thin ahead of the holiday weekend, with many investors reluctant to take large positions before the data.",
    "The statement did not say when the measures would take effect or how many companies would be affected by them.",
    "Analysts said the move was largely symbolic but could complicate negotiations planned for later in the year.",
    "Both sides are expected to meet again later this year.",
    "The dispute dates back to the end of the Second World War, when the islands changed hands in the final days of the fighting.",
    "Heavy snow disrupted flights at several airports across the region on Tuesday, stranding thousands of passengers.",
    "The ministry's spokesman declined to comment further.",
    "A full transcript of the remarks was published on the ministry's website later in the day.",
    "Economists expect growth to slow to about 1.5 percent this year as exports weaken and consumer spending stalls.",
    "The figures could not be independently verified.",
    "Shares of exporters fell sharply in early trading before recovering some of their losses in the afternoon.",
    "The plan still needs the approval of parliament, where the ruling coalition holds a narrow majority.",
    "Negotiations on the text are expected to continue for several weeks, diplomats familiar with the talks said.",
    "Turnout in the regional vote was below 40 percent, the lowest level since the current system was introduced in 2004.",
    "The incident took place about 20 km off the coast, in waters that both countries claim as part of their exclusive economic zones.",
    "It was not immediately clear how many people were affected.",
];

/// Sentences of an opening statement without an event.
const TRANSCRIPT_FILLER: &[&str] = &[
    "Ladies and gentlemen, good afternoon.",
    "The talks were held in a businesslike and frank atmosphere.",
    "We paid special attention to the practical steps that can be taken this year.",
    "This is a long-term process that requires patience.",
    "There are many questions on the agenda, and all of them are important.",
    "Thank you for your attention.",
    "I will not go into detail now.",
    "As you know, this issue has a long history.",
];

/// How speakers in a transcript go on.
const TRANSCRIPT_TAILS: &[&str] = &[
    ", as agreed by the leaders of our two countries.",
    ", and we will continue to work on this in the coming months.",
    " in accordance with the instructions of our presidents and prime ministers.",
    ", and I believe this is in the interests of both our peoples and of the region as a whole.",
    ", which is something we have repeatedly said before, including at the United Nations.",
];

/// Which kind of document to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocKind {
    Wire,
    Transcript,
}

/// One generated document.
#[derive(Clone, Debug)]
pub struct GenDoc {
    pub id: String,
    /// YYYY-MM-DD, January–May 2019.
    pub date: String,
    pub text: String,
    pub kind: DocKind,
    /// Sentences written (the coder's splitter may see a few more or fewer:
    /// headlines and datelines are lines of their own).
    pub sentences: usize,
}

/// The generator: documents one after the other, from a seed.
pub struct Generator {
    rng: Rng,
    next_id: usize,
}

/// An actor phrase for a country, in one of the ways news names states.
fn country_phrase(rng: &mut Rng, c: &Country, subject: bool) -> String {
    let p = match rng.below(if subject { 9 } else { 6 }) {
        0..=2 => c.name.to_string(),
        3 => c.capital.to_string(),
        4 => format!("the {} government", c.adj),
        5 => format!("{} {} {}", c.adj, c.minister_title, c.minister),
        6 => format!("{} {}", c.leader.0, c.leader.1),
        7 => format!("{}'s foreign ministry", c.name),
        _ => format!("{} officials", c.adj),
    };
    capitalize_first(&p, subject)
}

fn capitalize_first(s: &str, at_start: bool) -> String {
    if at_start {
        let mut cs = s.chars();
        match cs.next() {
            Some(f) => f.to_uppercase().chain(cs).collect(),
            None => String::new(),
        }
    } else {
        s.to_string()
    }
}

fn possessive(s: &str) -> String {
    if s.ends_with('s') && !s.ends_with("ss") {
        format!("{s}'")
    } else {
        format!("{s}'s")
    }
}

impl Generator {
    pub fn new(seed: u64) -> Generator {
        Generator { rng: Rng::new(seed), next_id: 0 }
    }

    /// The next document (about one in four is a transcript).
    pub fn document(&mut self) -> GenDoc {
        self.next_id += 1;
        let id = format!("gen-{:07}", self.next_id);
        let month = self.rng.below(MONTHS.len());
        let day = 1 + self.rng.below(28);
        let date = format!("2019-{:02}-{:02}", month + 1, day);
        if self.rng.chance(25) {
            self.transcript(id, date, month, day)
        } else {
            self.wire(id, date, month, day)
        }
    }

    fn two_countries(&mut self) -> (&'static Country, &'static Country) {
        let a = self.rng.below(COUNTRIES.len());
        let mut b = self.rng.below(COUNTRIES.len() - 1);
        if b >= a {
            b += 1;
        }
        (&COUNTRIES[a], &COUNTRIES[b])
    }

    /// A sentence reporting an event of `a` towards `b` (third person).
    fn event_sentence(&mut self, a: &Country, b: &Country) -> String {
        let r = &mut self.rng;
        let s = country_phrase(r, a, true);
        let t = country_phrase(r, b, false);
        let day = *r.pick(DAYS);
        let mut out = match r.below(28) {
            0 => format!("{s} condemned {t} on {day} for {}.", r.pick(OFFENCES)),
            1 => format!("{s} accused {t} of {}.", r.pick(OFFENCES)),
            2 => format!("{s} imposed new sanctions on {t} over {}.", r.pick(ISSUES)),
            3 => format!("{s} summoned the {} ambassador on {day} to protest against {}.", b.adj, r.pick(ISSUES)),
            4 => format!("{s} urged {t} to {}.", r.pick(DEMANDS)),
            5 => format!("{s} signed an agreement with {t} on {}.", r.pick(FIELDS)),
            6 => format!("{s} held talks with {t} in {} on {day}.", a.capital),
            7 => format!("{s} expressed concern over {} {}.", possessive(b.name), r.pick(THINGS)),
            8 => format!("{s} rejected a proposal by {t} to {}.", r.pick(COOP)),
            9 => format!("{s} praised {t} for its efforts to {}.", r.pick(DEMANDS)),
            10 => format!("{s} agreed to {} with {t}.", r.pick(COOP)),
            11 => format!("{s} offered humanitarian aid to {t} after {}.", r.pick(DISASTERS)),
            12 => format!("{s} threatened to impose tariffs on imports from {t}."),
            13 => format!("{s} deployed {} troops near the border with {}.", 500 * (1 + r.below(20)), b.name),
            14 => format!("{s} denied accusations by {t} of {}.", r.pick(OFFENCES)),
            15 => format!("{s} called for talks with {t} on {}.", r.pick(ISSUES)),
            16 => format!("{s} expelled {} {} diplomats on {day}.", 2 + r.below(20), b.adj),
            17 => format!(
                "{} {} met {} {} on the sidelines of {}.",
                a.leader.0,
                a.leader.1,
                b.leader.0,
                b.leader.1,
                r.pick(SUMMITS)
            ),
            18 => format!("{s} and {t} agreed to {}.", r.pick(COOP)),
            19 => format!("{s} welcomed the decision by {t} to {}.", r.pick(DEMANDS)),
            20 => format!("{s} criticized {t} over {}.", r.pick(ISSUES)),
            21 => format!("{s} hosted {} {} {} for talks on {}.", b.adj, b.minister_title, b.minister, r.pick(ISSUES)),
            22 => format!("{s} pledged ${} million in aid to {t}.", 10 * (1 + r.below(50))),
            23 => format!("{s} arrested {} {} nationals suspected of spying.", 2 + r.below(9), b.adj),
            24 => format!("{s} warned {t} against {}.", r.pick(OFFENCES)),
            25 => format!("{} called on {t} to {}.", capitalize_first(*r.pick(ORGANISATIONS), true), r.pick(DEMANDS)),
            26 => format!("{s} asked {} to investigate allegations of {}.", r.pick(ORGANISATIONS), r.pick(OFFENCES)),
            _ => format!("{s} will not accept the demands of {t}, {} {} said.", a.minister_title, a.minister),
        };
        // Longer sentences: an attribution or a time after the clause.
        if r.chance(55) && !out.ends_with("said.") {
            out.pop();
            out.push_str(match r.below(8) {
                0 => ", officials said.",
                1 => ", the ministry said in a statement.",
                2 => ", according to a statement released after the meeting.",
                3 => " after a two-hour meeting.",
                4 => ", in a move that analysts said could further strain relations between the two countries.",
                5 => ", a day after talks between senior officials of both sides ended without agreement.",
                6 => ", the latest sign of tension ahead of next month's regional elections.",
                _ => ", the state news agency reported, citing a senior official who asked not to be named.",
            });
        }
        out
    }

    fn quote(&mut self, a: &Country, b: &Country) -> String {
        let r = &mut self.rng;
        let speaker = format!("{} {}", a.minister_title, a.minister);
        match r.below(4) {
            0 => format!("\"We will respond to any provocation,\" {speaker} told reporters in {}.", a.capital),
            1 => format!("\"Our position on {} has not changed,\" {} said.", r.pick(ISSUES), a.minister),
            2 => format!("\"We are ready to work with {} on {},\" {speaker} said.", b.name, r.pick(FIELDS)),
            _ => format!("{speaker} said {} had agreed to {}.", capitalize_first(b.name, false), r.pick(COOP)),
        }
    }

    fn wire(&mut self, id: String, date: String, month: usize, day: usize) -> GenDoc {
        let (a, b) = self.two_countries();
        let verb = *self.rng.pick(&["condemns", "warns", "holds talks with", "signs deal with", "criticizes", "urges"]);
        let mut text = format!("{} {verb} {} over {}\n", capitalize_first(a.name, true), b.name, self.rng.pick(ISSUES));
        let place = a.capital.to_uppercase();
        text.push_str(&format!("{place}, {} {day} (Wire) - ", MONTHS_SHORT[month]));
        let target = 8 + self.rng.below(18);
        let mut sentences = 0;
        let mut in_paragraph = 0;
        while sentences < target {
            let s = match self.rng.below(10) {
                0..=4 => {
                    // Mostly about the two countries of the story; now and then others.
                    let (x, y) = if self.rng.chance(70) {
                        if self.rng.chance(70) {
                            (a, b)
                        } else {
                            (b, a)
                        }
                    } else {
                        self.two_countries()
                    };
                    self.event_sentence(x, y)
                }
                5 => self.quote(a, b),
                6 => format!(
                    "{} said {} would {}.",
                    capitalize_first(&country_phrase(&mut self.rng, b, true), true),
                    "it",
                    self.rng.pick(DEMANDS)
                ),
                7 if self.rng.chance(50) => format!("{} officials were not available for comment.", b.adj),
                _ => self.rng.pick(FILLER).to_string(),
            };
            text.push_str(&s);
            sentences += 1;
            in_paragraph += 1;
            if in_paragraph >= 1 + self.rng.below(3) {
                text.push('\n');
                in_paragraph = 0;
            } else {
                text.push(' ');
            }
        }
        let text = text.trim_end().to_string() + "\n";
        GenDoc { id, date, text, kind: DocKind::Wire, sentences }
    }

    fn transcript(&mut self, id: String, date: String, month: usize, day: usize) -> GenDoc {
        let (a, b) = self.two_countries();
        let mut text = format!(
            "{} {}'s remarks and answers to media questions at a joint news conference following talks with {} of {} {}, {}, {} {day}, 2019\n",
            a.minister_title,
            a.minister,
            b.minister_title,
            b.name.trim_start_matches("the "),
            b.minister,
            a.capital,
            MONTHS[month],
        );
        let surname = a.minister.rsplit(' ').next().unwrap_or(a.minister);
        let target = 16 + self.rng.below(40);
        let mut sentences = 0;
        let mut turn_left = 4 + self.rng.below(8);
        while sentences < target {
            let s = if turn_left == 0 {
                turn_left = 3 + self.rng.below(6);
                let q = match self.rng.below(3) {
                    0 => format!(
                        "Question: What is your assessment of the position of {} on {}?",
                        b.name,
                        self.rng.pick(ISSUES)
                    ),
                    1 => format!(
                        "Question: Minister {surname}, will {} impose sanctions on {}?",
                        a.name,
                        self.two_countries().1.name
                    ),
                    _ => format!("Question: Did you discuss {} today?", self.rng.pick(ISSUES)),
                };
                // A turn label opens a line.
                if text.ends_with(' ') {
                    text.pop();
                    text.push('\n');
                }
                text.push_str(&q);
                text.push('\n');
                sentences += 1;
                format!("{}: ", a.minister)
            } else {
                turn_left -= 1;
                let r = &mut self.rng;
                let s = match r.below(14) {
                    0 => format!("We discussed {} with our {} colleagues.", r.pick(ISSUES), b.adj),
                    1 => format!("We have agreed to continue our dialogue on {}.", r.pick(ISSUES)),
                    2 => format!(
                        "We reject any attempts by {} to {}.",
                        r.pick(COUNTRIES).name,
                        r.pick(DEMANDS).replace("its", "their")
                    ),
                    3 => format!("I would like to thank my colleague {} for the constructive talks.", b.minister),
                    4 => format!("We are ready to cooperate with {} on {}.", b.name, r.pick(FIELDS)),
                    5 => format!("Our {} partners assured us that they would {}.", b.adj, r.pick(COOP)),
                    6 => format!(
                        "We have pointed out to our {} colleagues that {} is not subject to discussion.",
                        b.adj,
                        r.pick(ISSUES)
                    ),
                    7 => format!("We condemned the attempts to {}.", r.pick(DEMANDS).replace("its", "their")),
                    8 => {
                        let (x, y) = self.two_countries();
                        self.event_sentence(x, y)
                    }
                    _ => r.pick(TRANSCRIPT_FILLER).to_string(),
                };
                let s = if s.starts_with("We ") && self.rng.chance(60) {
                    let tail = *self.rng.pick(TRANSCRIPT_TAILS);
                    format!("{}{tail}", &s[..s.len() - 1])
                } else {
                    s
                };
                s + if self.rng.chance(60) { " " } else { "\n" }
            };
            if !s.ends_with(": ") {
                sentences += 1;
            }
            text.push_str(&s);
        }
        let text = text.trim_end().to_string() + "\n";
        GenDoc { id, date, text, kind: DocKind::Transcript, sentences }
    }
}

/// What a generated corpus holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub documents: usize,
    pub sentences: usize,
    pub bytes: u64,
}

/// Writes JSONL records (`{"id","date","text"}`) until `sentences` are
/// written.
pub fn write_jsonl(seed: u64, sentences: usize, out: &mut dyn Write) -> io::Result<Summary> {
    let mut g = Generator::new(seed);
    let mut sum = Summary::default();
    let mut line = Vec::with_capacity(1 << 14);
    while sum.sentences < sentences {
        let d = g.document();
        line.clear();
        serde_json::to_writer(&mut line, &serde_json::json!({"id": d.id, "date": d.date, "text": d.text}))?;
        line.push(b'\n');
        out.write_all(&line)?;
        sum.documents += 1;
        sum.sentences += d.sentences;
        sum.bytes += line.len() as u64;
    }
    Ok(sum)
}

/// The JSONL corpus of `sentences` sentences, in memory (for benches).
pub fn jsonl(seed: u64, sentences: usize) -> (Vec<u8>, Summary) {
    let mut buf = Vec::new();
    let s = write_jsonl(seed, sentences, &mut buf).expect("writing to memory");
    (buf, s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_bytes() {
        let (a, sa) = jsonl(7, 500);
        let (b, sb) = jsonl(7, 500);
        assert_eq!(a, b);
        assert_eq!(sa, sb);
        assert!(sa.sentences >= 500 && sa.documents > 5);
        let (c, _) = jsonl(8, 500);
        assert_ne!(a, c);
    }

    #[test]
    fn documents_look_like_news_and_transcripts() {
        let mut g = Generator::new(1);
        let docs: Vec<GenDoc> = (0..40).map(|_| g.document()).collect();
        assert!(docs.iter().any(|d| d.kind == DocKind::Transcript && d.text.contains("\nQuestion: ")));
        let wire = docs.iter().find(|d| d.kind == DocKind::Wire).expect("a wire story");
        assert!(wire.text.contains(" (Wire) - "), "{}", wire.text);
    }
}
